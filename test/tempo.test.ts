import { Testing, Size } from 'cdk8s';
import { parse } from 'yaml';
import { TempoChart, TempoChartProps } from '../charts/tempo-chart';
import { configChecksum } from '../lib/pod-security';
import { VERSIONS } from '../lib/versions';
import { tempoConfigProblems, keyLine } from './helpers/tempo-schema';
import { buildEnvironment } from '../charts/environment';
import { planCapacity, planCapacity2 } from '../constructs/tempo/capacity';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { KafkaCluster } from '../constructs/kafka/kafka-cluster';
import { buildTempoConfig } from '../constructs/tempo/tempo-config';

function synth(props: Partial<TempoChartProps> = {}) {
  const chart = new TempoChart(Testing.app(), 'tempo', { namespace: 'tracing', ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name?: string) =>
    manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  const sts = find('StatefulSet');
  return {
    chart,
    tempo: chart.tempo,
    manifests,
    find,
    sts,
    pod: sts.spec.template.spec,
    container: sts.spec.template.spec.containers[0],
  };
}

describe('Tempo single binary', () => {
  test('receiver ports agree across the config, the container and both Services', () => {
    const { find, container } = synth({
      tempo: {
        receivers: {
          zipkin: false,
          otlpHttp: { port: 14318 },
          jaegerThriftCompact: true,
          jaegerThriftBinary: true,
        },
      },
    });
    const config: any = parse(find('ConfigMap').data['tempo.yaml']);
    const endpoints = JSON.stringify(config.distributor.receivers)
      .match(/0\.0\.0\.0:\d+/g)!
      .map((e) => Number(e.split(':')[1]))
      .sort((a, b) => a - b);
    const receiverPorts = (ports: any[], key: string) =>
      ports
        .filter((p) => !['http', 'grpc'].includes(p.name))
        .map((p) => p[key])
        .sort((a, b) => a - b);
    expect(endpoints).toEqual([4317, 6831, 6832, 14250, 14268, 14318]);
    expect(receiverPorts(container.ports, 'containerPort')).toEqual(endpoints);
    for (const name of ['tempo', 'tempo-headless']) {
      const svc = find('Service', name);
      expect(receiverPorts(svc.spec.ports, 'port')).toEqual(endpoints);
      // Each Service port targets a container port by name, with the same protocol.
      for (const p of svc.spec.ports) {
        const cp = container.ports.find((c: any) => c.name === p.targetPort);
        expect(cp).toMatchObject({ containerPort: p.port, protocol: p.protocol });
      }
    }
    expect(config.server).toMatchObject({ http_listen_port: 3200, grpc_listen_port: 9095 });
    expect(container.ports.filter((p: any) => p.protocol === 'UDP').map((p: any) => p.name)).toEqual([
      'jaeger-compact',
      'jaeger-binary',
    ]);
  });

  test('tempo.yaml in the ConfigMap passes the Tempo 3.0.3 key check (and 2.10.8 with version 2.10)', () => {
    const { find } = synth();
    expect(tempoConfigProblems(parse(find('ConfigMap').data['tempo.yaml']), '3.0.3')).toEqual([]);
    const v2 = synth({ tempo: { version: '2.10' } });
    expect(tempoConfigProblems(parse(v2.find('ConfigMap').data['tempo.yaml']), '2.10.8')).toEqual([]);
    // The two lines are not interchangeable: a 2.10 config has keys 3.0.3 refuses.
    expect(tempoConfigProblems(parse(v2.find('ConfigMap').data['tempo.yaml']), '3.0.3')).toEqual(
      expect.arrayContaining(['ingester: unknown key', 'compactor: unknown key']),
    );
  });

  test('readiness on /ready; liveness and startup on the static build-info handler', () => {
    const { container } = synth({ tempo: { httpPort: 3300 } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    // Liveness never looks at /ready: a component catching up is unready, not dead.
    expect(container.livenessProbe.httpGet).toEqual({ path: '/api/status/buildinfo', port: 'http' });
    expect(container.livenessProbe.initialDelaySeconds).toBeUndefined();
    expect(container.startupProbe.httpGet).toEqual({ path: '/api/status/buildinfo', port: 'http' });
    // 5 minutes before liveness takes over on the monolithic binary (it replays its WAL).
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(300);
    expect(container.ports.find((p: any) => p.name === 'http').containerPort).toBe(3300);
  });

  test('Jaeger Thrift over UDP is off by default', () => {
    const { container } = synth();
    expect(container.ports.filter((p: any) => p.protocol === 'UDP')).toEqual([]);
  });

  test('pods meet Pod Security Standards "restricted" and can write the PVC', () => {
    const { pod, container } = synth();
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([{ name: 'storage', mountPath: '/var/tempo' }]),
    );
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('resources default to 500m/2Gi requests and 1/4Gi limits; GOMEMLIMIT follows the limit', () => {
    const { container } = synth();
    expect(container.resources).toEqual({
      requests: { cpu: '500m', memory: '2Gi' },
      limits: { cpu: '1', memory: '4Gi' },
    });
    expect(container.env).toEqual([{ name: 'GOMEMLIMIT', value: '3276MiB' }]);
    const custom = synth({ tempo: { resources: { limits: { memory: '8Gi' } } } });
    expect(custom.container.resources.limits).toEqual({ cpu: '1', memory: '8Gi' });
    expect(custom.container.env[0].value).toBe('6553MiB');
  });

  test('the config checksum annotation tracks the ConfigMap data', () => {
    const a = synth();
    const b = synth({ tempo: { retention: '48h' } });
    const sum = (s: ReturnType<typeof synth>) => s.sts.spec.template.metadata.annotations['checksum/config'];
    expect(sum(a)).toBe(configChecksum(a.find('ConfigMap').data));
    expect(sum(b)).toBe(configChecksum(b.find('ConfigMap').data));
    expect(sum(a)).not.toBe(sum(b));
  });

  test('selectors use only labels that never change', () => {
    const { sts, manifests } = synth();
    const selector = sts.spec.selector.matchLabels;
    expect(selector).toEqual({
      'app.kubernetes.io/name': 'tempo',
      'app.kubernetes.io/instance': 'tempo',
      'app.kubernetes.io/component': 'single-binary',
    });
    expect(sts.spec.template.metadata.labels).toMatchObject(selector);
    expect(sts.spec.template.metadata.labels['app.kubernetes.io/version']).toBe(VERSIONS.tempo);
    for (const svc of manifests.filter((m) => m.kind === 'Service'))
      expect(svc.spec.selector).toEqual(selector);
    for (const m of manifests) {
      expect(Object.keys(m.metadata.labels).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/managed-by',
        'app.kubernetes.io/name',
        'app.kubernetes.io/part-of',
        'app.kubernetes.io/version',
      ]);
    }
  });

  test('StatefulSet: headless service, PVC template, config mount and -config.file', () => {
    const { sts, container, find } = synth({ tempo: { storage: undefined } });
    expect(sts.spec.serviceName).toBe('tempo-headless');
    expect(find('Service', 'tempo-headless').spec.clusterIP).toBe('None');
    expect(find('Service', 'tempo').spec.type).toBe('ClusterIP');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Gi');
    expect(container.args).toEqual(['-config.file=/conf/tempo.yaml']);
    expect(container.image).toBe(`grafana/tempo:${VERSIONS.tempo}`);
    expect(sts.spec.template.spec.volumes[0]).toEqual({
      name: 'config',
      configMap: { name: 'tempo-config' },
    });
  });

  test('a storage class is passed to the PVC template', async () => {
    const { TempoStorage } = await import('../constructs/tempo/tempo-storage');
    const { Size } = await import('cdk8s');
    const { sts } = synth({
      tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20), storageClassName: 'fast-ssd' }) },
    });
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '20Gi' } },
    });
  });

  test('ServiceAccount has no token automount', () => {
    expect(synth().find('ServiceAccount')).toMatchObject({
      metadata: { name: 'tempo', namespace: 'tracing' },
      automountServiceAccountToken: false,
    });
  });

  test('typed attributes for other constructs', () => {
    const { tempo } = synth({ tempo: { name: 'traces' } });
    expect(tempo.otlpGrpcEndpoint).toBe('traces.tracing.svc.cluster.local:4317');
    expect(tempo.otlpHttpEndpoint).toBe('http://traces.tracing.svc.cluster.local:4318');
    expect(tempo.queryUrl).toBe('http://traces.tracing.svc.cluster.local:3200');
    expect(tempo.metricsPort).toMatchObject({ name: 'http', port: 3200 });
    expect(tempo.selectorLabels['app.kubernetes.io/instance']).toBe('traces');
  });

  test('receiver TLS: Secret mounted read-only at /tls, the HTTP endpoint becomes https', () => {
    const { pod, container, find, tempo } = synth({
      tempo: { receiverTls: { secretName: 'tempo-receiver-tls' } },
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'receiver-tls',
      mountPath: '/tls',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: 'receiver-tls',
      secret: {
        secretName: 'tempo-receiver-tls',
        items: [
          { key: 'tls.crt', path: 'tls.crt' },
          { key: 'tls.key', path: 'tls.key' },
        ],
        defaultMode: 0o440,
      },
    });
    const config: any = parse(find('ConfigMap', 'tempo-config').data['tempo.yaml']);
    expect(config.distributor.receivers.otlp.protocols.grpc.tls).toEqual({
      cert_file: '/tls/tls.crt',
      key_file: '/tls/tls.key',
    });
    expect(tempo.otlpHttpEndpoint).toBe('https://tempo.tracing.svc.cluster.local:4318');
  });

  test('per-tenant overrides: own ConfigMap, mounted where per_tenant_override_config points, outside the checksum', () => {
    const withTenant = synth({ tempo: { multitenancy: true, tenants: { a: { maxTracesPerUser: 1 } } } });
    const other = synth({ tempo: { multitenancy: true, tenants: { a: { maxTracesPerUser: 2 } } } });
    const overrides = withTenant.find('ConfigMap', 'tempo-overrides');
    expect(parse(overrides.data['overrides.yaml'])).toEqual({
      overrides: { a: { ingestion: { max_traces_per_user: 1 } } },
    });
    const config: any = parse(withTenant.find('ConfigMap', 'tempo-config').data['tempo.yaml']);
    const mount = withTenant.container.volumeMounts.find((m: any) => m.name === 'overrides');
    expect(`${mount.mountPath}/overrides.yaml`).toBe(config.overrides.per_tenant_override_config);
    expect(mount.readOnly).toBe(true);
    expect(withTenant.pod.volumes).toContainEqual({
      name: 'overrides',
      configMap: { name: 'tempo-overrides' },
    });
    // Editing a tenant changes only the overrides ConfigMap: no rollout.
    expect(withTenant.sts.spec.template.metadata.annotations).toEqual(
      other.sts.spec.template.metadata.annotations,
    );
  });

  test('metrics generator attributes expose the generated series names', () => {
    const { tempo } = synth({
      tempo: {
        metricsGenerator: {
          remoteWrite: [{ url: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write' }],
        },
      },
    });
    expect(tempo.generates('span-metrics')).toBe(true);
    expect(tempo.generates('local-blocks')).toBe(false);
    expect(tempo.spanMetrics.latencyBucket).toBe('traces_spanmetrics_latency_bucket');
    expect(tempo.spanMetrics.calls).toBe('traces_spanmetrics_calls_total');
    expect(tempo.serviceGraphMetrics.requests).toBe('traces_service_graph_request_total');
    expect(tempo.multitenancyEnabled).toBe(false);
  });
});

// Synth-time errors of this area: every message, exact text.
describe('Tempo errors', () => {
  const tempo = (props: TempoProps) => () => resolveTempoSettings(props);

  describe('Tempo synth-time errors name the property, the value and the fix', () => {
    const objectStorage = () => TempoStorage.s3({ bucket: 'b', endpoint: 'e' });

    test('distributed: local storage, replicas on the single binary', () => {
      expectError(
        tempo({ version: '2.10', distributed: {} }),
        "tempo.storage: microservices need object storage shared by every component; 'local' keeps blocks on one pod. Use TempoStorage.s3(), .gcs() or .azure()",
      );
      expectError(
        tempo({ version: '2.10', distributed: {}, replicas: 3, storage: objectStorage() }),
        'tempo.replicas: applies to the single binary only; in microservices mode set tempo.distributed.<component>.replicas or a capacity target',
      );
      // Both at once: the storage stops the checks, after the ones already made.
      expectError(
        tempo({ version: '2.10', distributed: {}, replicas: 3 }),
        "tempo.replicas: applies to the single binary only; in microservices mode set tempo.distributed.<component>.replicas or a capacity target\ntempo.storage: microservices need object storage shared by every component; 'local' keeps blocks on one pod. Use TempoStorage.s3(), .gcs() or .azure()",
      );
    });

    test('replicas > 1 with local storage', () => {
      expectError(
        tempo({ replicas: 2 }),
        "tempo.replicas: 2 replicas of the single binary: 'local' storage would make them independent Tempo instances, each holding part of the traces; use replicas: 1, or tempo.microservices with object storage to scale out",
      );
      expectError(
        tempo({ replicas: 3, storage: TempoStorage.s3({ bucket: 'b', endpoint: 'e' }) }),
        'tempo.replicas: 3 replicas of the single binary: single-binary replicas each keep their own in-memory ring, so recent traces would be split between them and every replica would compact the same blocks; use replicas: 1, or tempo.microservices with object storage to scale out',
      );
    });

    test('zero replicas', () => {
      expectError(tempo({ replicas: 0 }), 'tempo.replicas: 0 is not valid; expected an integer >= 1');
    });

    test('unparsable duration', () => {
      expectError(
        tempo({ retention: '7d' }),
        "tempo.retention: '7d' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
      );
      expectError(
        tempo({ version: '2.10', ingester: { traceIdlePeriod: 'soon' } }),
        "tempo.ingester.traceIdlePeriod: 'soon' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
      );
    });

    test('retention below one hour', () => {
      expectError(
        tempo({ retention: '30m' }),
        "tempo.retention: '30m' is below the minimum of 1h; traces would be deleted before they are compacted",
      );
    });

    test('retention shorter than the block duration', () => {
      expectError(
        tempo({ version: '2.10', retention: '2h', ingester: { maxBlockDuration: '3h' } }),
        "tempo.retention: '2h' is shorter than ingester.maxBlockDuration (3h); blocks would expire before they are complete. Raise retention or lower maxBlockDuration",
      );
    });

    test('trace idle period not shorter than the block duration', () => {
      expectError(
        tempo({ version: '2.10', ingester: { traceIdlePeriod: '30m', maxBlockDuration: '30m' } }),
        'tempo.ingester.traceIdlePeriod: 30m must be shorter than ingester.maxBlockDuration (30m); a trace must go idle before its block is cut',
      );
    });

    test('zero durations', () => {
      expectError(
        tempo({ compactedBlockRetention: '0s' }),
        "tempo.compactedBlockRetention: '0s' must be longer than 0s; give a positive duration such as '10s'",
      );
    });

    test('duplicate ports', () => {
      expectError(
        tempo({ receivers: { zipkin: { port: 4317 } } }),
        "tempo.receivers: port 4317 is used by both 'otlp-grpc' and 'zipkin'; give each its own port",
      );
      expectError(
        tempo({ httpPort: 9095 }),
        "tempo.receivers: port 9095 is used by both 'http' and 'grpc'; give each its own port",
      );
    });

    test('out-of-range ports', () => {
      expectError(
        tempo({ httpPort: 70000 }),
        'tempo.httpPort: 70000 is not a valid port; expected an integer from 1 to 65535',
      );
      expectError(
        tempo({ receivers: { otlpGrpc: { port: 0 } } }),
        'tempo.receivers.otlpGrpc.port: 0 is not a valid port; expected an integer from 1 to 65535',
      );
    });

    test('unknown receiver and no receiver at all', () => {
      expectError(
        tempo({ receivers: { otlp: false } as any }),
        'tempo.receivers.otlp: unknown receiver; expected one of otlpGrpc, otlpHttp, jaegerGrpc, jaegerThriftHttp, jaegerThriftCompact, jaegerThriftBinary, zipkin',
      );
      const none = {
        otlpGrpc: false,
        otlpHttp: false,
        jaegerGrpc: false,
        jaegerThriftHttp: false,
        jaegerThriftCompact: false,
        jaegerThriftBinary: false,
        zipkin: false,
      };
      expectError(
        tempo({ receivers: none }),
        'tempo.receivers: every receiver is disabled; enable at least one (e.g. otlpGrpc) or no traces are received',
      );
    });

    test('names that are not DNS-1123 labels or too long', () => {
      expectError(
        tempo({ name: 'Tempo_1' }),
        "tempo.name: 'Tempo_1' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')",
      );
      expectError(
        tempo({ name: 't'.repeat(53) }),
        `tempo.name: '${'t'.repeat(53)}' is 53 characters long; at most 52 are allowed`,
      );
      expectError(
        () => renderEnvironment({ name: 'dev', namespace: 'n'.repeat(64) }, buildEnvironment),
        `dev.namespace: '${'n'.repeat(64)}' is 64 characters long; at most 63 are allowed`,
      );
      expectError(
        () => renderEnvironment({ name: 'Dev' }, buildEnvironment),
        "Dev.name: 'Dev' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')",
      );
    });

    test('bad resource quantities', () => {
      expectError(
        tempo({ resources: { limits: { memory: '4GB' } } }),
        "tempo.resources.limits.memory: '4GB' is not a Kubernetes quantity; expected e.g. '500m', '2', '512Mi' or '4Gi'",
      );
      expectError(
        tempo({ resources: { requests: { cpu: '2' } } }),
        "tempo.resources.requests.cpu: request '2' is larger than limit '1'; raise the limit or lower the request",
      );
    });

    test('limits: burst below rate, non-positive values', () => {
      expectError(
        tempo({ limits: { ingestionRateLimitBytes: 10, ingestionBurstSizeBytes: 5 } }),
        'tempo.limits.ingestionBurstSizeBytes: 5 is below ingestionRateLimitBytes (10); the burst caps the rate, so set it at least as high',
      );
      expectError(
        tempo({ limits: { maxBytesPerTrace: -1 } }),
        'tempo.limits.maxBytesPerTrace: -1 is not valid; expected an integer >= 1',
      );
    });

    test('log level and format', () => {
      expectError(
        tempo({ logLevel: 'verbose' as any }),
        "tempo.logLevel: 'verbose' is not a log level; expected debug, info, warn or error",
      );
      expectError(
        tempo({ logFormat: 'text' as any }),
        "tempo.logFormat: 'text' is not a log format; expected logfmt or json",
      );
    });

    test('local storage size and class', () => {
      expectError(
        () => TempoStorage.local({ size: Size.kibibytes(10) }).check(),
        'tempo.storage.size: 10Ki is too small; expected at least 1Mi (e.g. Size.gibibytes(10))',
      );
      expectError(
        () => TempoStorage.local({ storageClassName: 'Fast SSD' }).check(),
        "tempo.storage.storageClassName: 'Fast SSD' is not a valid DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', at most 253 characters",
      );
    });

    test('an endpoint of a disabled receiver', () => {
      const chart = new TempoChart(Testing.app(), 'tempo', {
        namespace: 'ns',
        tempo: { receivers: { otlpHttp: false } },
      });
      expectError(
        () => chart.tempo.otlpHttpEndpoint,
        "tempo.otlpHttpEndpoint: receiver 'otlpHttp' is disabled; enable it in the props to use this endpoint",
      );
    });

    test('Tempo outside a namespaced chart', () => {
      expectError(
        () => new Tempo(Testing.chart(), 'tempo'),
        'tempo: the chart has no namespace; create this construct in a Chart with a namespace',
      );
    });

    test('missing bucket, container or endpoint', () => {
      expectError(
        () => TempoStorage.s3({ bucket: '', endpoint: 's3.amazonaws.com' }).check(),
        "tempo.storage.s3.bucket: is required; e.g. 'tempo-traces'",
      );
      expectError(
        () => TempoStorage.s3({ bucket: 'b' } as any).check(),
        "tempo.storage.s3.endpoint: is required; e.g. 's3.eu-west-1.amazonaws.com' or 'minio.minio.svc:9000'",
      );
      expectError(
        () => TempoStorage.gcs({} as any).check(),
        "tempo.storage.gcs.bucketName: is required; e.g. 'tempo-traces'",
      );
      expectError(
        () => TempoStorage.azure({ storageAccountName: 'acct' } as any).check(),
        "tempo.storage.azure.containerName: is required; e.g. 'tempo-traces'",
      );
      expectError(
        () => TempoStorage.s3({ bucket: 'b', endpoint: 'https://s3.amazonaws.com' }).check(),
        "tempo.storage.s3.endpoint: 'https://s3.amazonaws.com' must be a host[:port] without scheme; use 'insecure: true' for plain HTTP",
      );
    });

    test('both a Secret and workload identity', () => {
      expectError(
        () =>
          TempoStorage.s3({
            bucket: 'b',
            endpoint: 'e',
            secret: { name: 's' },
            workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/t' },
          }).check(),
        "tempo.storage.s3: both 'secret' and 'workloadIdentity' are set; choose one way to authenticate",
      );
      expectError(
        () =>
          TempoStorage.gcs({
            bucketName: 'b',
            secret: { name: 's', key: 'k.json' },
            workloadIdentity: { serviceAccount: 'tempo-gsa@my-project.iam.gserviceaccount.com' },
          }).check(),
        "tempo.storage.gcs: both 'secret' and 'workloadIdentity' are set; choose one way to authenticate",
      );
      expectError(
        () =>
          TempoStorage.azure({
            containerName: 'c',
            storageAccountName: 'acct',
            secret: { name: 's', key: 'k' },
            managedIdentity: {},
          }).check(),
        "tempo.storage.azure: both 'secret' and 'managedIdentity' are set; choose one way to authenticate",
      );
    });

    test('literal credentials are an error, not a warning', () => {
      expectError(
        () =>
          TempoStorage.s3({
            bucket: 'b',
            endpoint: 'e',
            accessKey: 'minio',
            secretKey: 'minio123',
          } as any).check(),
        'tempo.storage.s3.accessKey: literal credentials are not allowed (dist/ is committed to git); reference an existing Secret with `secret: {...}` or use `workloadIdentity`',
      );
      expectError(
        () =>
          TempoStorage.azure({
            containerName: 'c',
            storageAccountName: 'acct',
            storageAccountKey: 'abc',
          } as any).check(),
        'tempo.storage.azure.storageAccountKey: literal credentials are not allowed (dist/ is committed to git); reference an existing Secret with `secret: {...}` or use `workloadIdentity`',
      );
      expectError(
        () =>
          TempoStorage.s3({
            bucket: 'b',
            endpoint: 'e',
            secret: { name: 's', password: 'x' } as any,
          }).check(),
        'tempo.storage.s3.secret.password: literal credentials are not allowed (dist/ is committed to git); reference an existing Secret with `secret: {...}` or use `workloadIdentity`',
      );
      expectError(
        () => TempoStorage.s3({ bucket: 'AKIAIOSFODNN7EXAMPLE', endpoint: 'e' }).check(),
        'tempo.storage.s3.bucket: looks like a credential value; dist/ is committed to git, so reference an existing Secret instead',
      );
      expectError(
        tempo({
          metricsGenerator: { remoteWrite: [{ url: 'https://user:pw@mimir.example.com/api/v1/push' }] },
        }),
        'tempo.metricsGenerator.remoteWrite[0].url: contains credentials; remove them from the URL (dist/ is committed to git)',
      );
    });

    test('workload identity values are checked', () => {
      expectError(
        () =>
          TempoStorage.s3({
            bucket: 'b',
            endpoint: 'e',
            workloadIdentity: { roleArn: 'tempo-role' },
          }).check(),
        "tempo.storage.s3.workloadIdentity.roleArn: 'tempo-role' is not an IAM role ARN; expected arn:aws:iam::<account-id>:role/<name>",
      );
      expectError(
        () => TempoStorage.gcs({ bucketName: 'b', workloadIdentity: { serviceAccount: 'tempo' } }).check(),
        "tempo.storage.gcs.workloadIdentity.serviceAccount: 'tempo' is not a Google service account; expected <name>@<project>.iam.gserviceaccount.com",
      );
      expectError(
        () =>
          TempoStorage.azure({
            containerName: 'c',
            storageAccountName: 'acct',
            workloadIdentity: { clientId: 'x' },
          }).check(),
        "tempo.storage.azure.workloadIdentity.clientId: 'x' is not a client id; expected a UUID",
      );
      expectError(
        () =>
          TempoStorage.azure({
            containerName: 'c',
            storageAccountName: 'acct',
            managedIdentity: { userAssignedId: 'tempo-identity' },
          }).check(),
        "tempo.storage.azure.managedIdentity.userAssignedId: 'tempo-identity' is not a client id; expected a UUID",
      );
      expectError(
        () => TempoStorage.azure({ containerName: 'c', storageAccountName: 'My_Account' }).check(),
        "tempo.storage.azure.storageAccountName: 'My_Account' is not a storage account name; expected 3-24 lowercase letters and digits",
      );
    });

    test('S3 server-side encryption', () => {
      expectError(
        () => TempoStorage.s3({ bucket: 'b', endpoint: 'e', sse: { type: 'SSE-KMS' } as any }).check(),
        "tempo.storage.s3.sse.kmsKeyId: is required; e.g. 'arn:aws:kms:eu-west-1:123456789012:key/…' or a key id",
      );
      expectError(
        () => TempoStorage.s3({ bucket: 'b', endpoint: 'e', sse: { type: 'SSE-C' } as any }).check(),
        "tempo.storage.s3.sse.type: 'SSE-C' is not supported; expected 'SSE-S3' or 'SSE-KMS' (SSE-C would need a key in the config)",
      );
    });

    test('Secret references', () => {
      expectError(
        () => TempoStorage.s3({ bucket: 'b', endpoint: 'e', secret: { name: 'Bad Name' } }).check(),
        "tempo.storage.s3.secret.name: 'Bad Name' is not a valid DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', at most 253 characters",
      );
      expectError(
        () =>
          TempoStorage.s3({
            bucket: 'b',
            endpoint: 'e',
            secret: { name: 's', accessKeyIdKey: 'a key' },
          }).check(),
        "tempo.storage.s3.secret.key: 'a key' is not a Secret or ConfigMap key; use letters, digits, '-', '_' and '.' (e.g. 'tls.crt')",
      );
      expectError(
        () => TempoStorage.s3({ bucket: 'b', endpoint: 'e', prefix: '/tempo' }).check(),
        "tempo.storage.s3.prefix: '/tempo' is not a valid object prefix; use letters, digits and -_.!*'()/ without a leading '/'",
      );
    });

    test('metrics generator: unknown processor, bad remote_write URL, nowhere to write', () => {
      expectError(
        tempo({
          metricsGenerator: {
            processors: ['spanmetrics' as any],
            remoteWrite: [{ url: 'http://p:9090/api/v1/write' }],
          },
        }),
        "tempo.metricsGenerator.processors: unknown metrics-generator processor 'spanmetrics'; expected service-graphs, span-metrics, local-blocks",
      );
      expectError(
        tempo({ metricsGenerator: { remoteWrite: [{ url: 'prometheus:9090/api/v1/write' }] } }),
        "tempo.metricsGenerator.remoteWrite[0].url: 'prometheus:9090/api/v1/write' is not an http(s) URL; expected e.g. 'http://prometheus-operated.monitoring.svc:9090/api/v1/write'",
      );
      expectError(
        tempo({ metricsGenerator: {} }),
        'tempo.metricsGenerator.remoteWrite: is empty; span-metrics and service-graphs write their series to Prometheus/Mimir via remote_write, so give at least one URL',
      );
      expectError(
        tempo({ metricsGenerator: { processors: [] } }),
        "tempo.metricsGenerator.processors: is empty; enable at least one of 'service-graphs', 'span-metrics', 'local-blocks' or disable the metrics generator",
      );
      expectError(
        tempo({ metricsGenerator: { processors: ['local-blocks'], externalLabels: { 'k8s.cluster': 'x' } } }),
        "tempo.metricsGenerator.externalLabels['k8s.cluster']: 'k8s.cluster' is not a Prometheus label name; use letters, digits and '_', not starting with a digit (e.g. 'cluster')",
      );
    });

    test('TLS Secret without key names', () => {
      expectError(
        tempo({ receiverTls: { secretName: 'tempo-tls', certKey: '' } }),
        "tempo.receiverTls.certKey: '' is not a key of the Secret; name the key that holds the certificate (e.g. 'tls.crt')",
      );
      expectError(
        tempo({ receiverTls: { secretName: 'tempo-tls', keyKey: '' } }),
        "tempo.receiverTls.keyKey: '' is not a key of the Secret; name the key that holds the private key (e.g. 'tls.key')",
      );
      expectError(
        tempo({ receiverTls: { secretName: 'tempo-tls', certKey: 'tls.pem', keyKey: 'tls.pem' } }),
        "tempo.receiverTls.keyKey: is the same key as certKey ('tls.pem'); the certificate and the private key are two keys of the Secret",
      );
      expectError(
        tempo({ receiverTls: { secretName: 'tempo-tls' }, receivers: { otlpGrpc: false, otlpHttp: false } }),
        'tempo.receiverTls: is set but both OTLP receivers are disabled; TLS applies to the OTLP receivers',
      );
    });

    test('tenants: invalid ID, without multitenancy, generator processors without generator, short retention', () => {
      expectError(
        tempo({ multitenancy: true, tenants: { 'team a': {} } }),
        "tempo.tenants.team a: 'team a' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
      );
      expectError(
        tempo({ tenants: { a: {} } }),
        "tempo.tenants: per-tenant overrides need multitenancy: true (without it every span belongs to the tenant 'single-tenant'); set multitenancy: true or remove tenants",
      );
      expectError(
        tempo({ multitenancy: true, tenants: { a: { metricsGeneratorProcessors: ['span-metrics'] } } }),
        'tempo.tenants.a.metricsGeneratorProcessors: is set but the metrics generator is disabled; enable tempo.metricsGenerator (with a remoteWrite target) first',
      );
      expectError(
        tempo({ multitenancy: true, tenants: { a: { retention: '30m' } } }),
        "tempo.tenants.a.retention: '30m' is below the minimum of 1h; traces would be deleted before they are compacted",
      );
      expectError(
        tempo({
          multitenancy: true,
          tenants: { a: { ingestionRateLimitBytes: 10, ingestionBurstSizeBytes: 1 } },
        }),
        'tempo.tenants.a.ingestionBurstSizeBytes: 1 is below ingestionRateLimitBytes (10); the burst caps the rate, so set it at least as high',
      );
    });

    test('search windows, encodings, block versions', () => {
      expectError(
        tempo({ version: '2.10', search: { queryBackendAfter: '1h', queryIngestersUntil: '30m' } }),
        'tempo.search.queryBackendAfter: 1h is after queryIngestersUntil (30m); traces between the two would be searched nowhere',
      );
      expectError(
        tempo({ version: '2.10', wal: { encoding: 'brotli' as any } }),
        "tempo.wal.encoding: 'brotli' is not valid; expected one of none, gzip, lz4-64k, lz4-256k, lz4-1M, lz4, snappy, zstd, s2",
      );
      expectError(
        tempo({ version: '2.10', block: { version: 'v2' as any } }),
        "tempo.block.version: 'v2' is not valid; expected one of vParquet3, vParquet4, vParquet5",
      );
      // 3.0 writes vParquet4 or newer only.
      expectError(
        tempo({ block: { version: 'vParquet3' } }),
        "tempo.block.version: 'vParquet3' is not valid; expected one of vParquet4, vParquet5",
      );
    });

    test('a stray $ with expand-env on', () => {
      const storage = TempoStorage.s3({ bucket: 'b', endpoint: 'e', secret: { name: 's' } });
      const chart = () =>
        new TempoChart(Testing.app(), 'tempo', {
          namespace: 'ns',
          tempo: {
            storage,
            metricsGenerator: {
              processors: ['service-graphs'],
              remoteWrite: [{ url: 'http://p:9090/api/v1/write' }],
              externalLabels: { team: 'pay$ments' },
            },
          },
        });
      expectError(
        chart,
        "tempo: tempo.yaml contains a '$' (\"team: pay$ments\") but credentials from a Secret make Tempo expand environment variables in it; remove the '$'",
      );
    });

    test('generated metric names of a disabled processor', () => {
      const chart = new TempoChart(Testing.app(), 'tempo', {
        namespace: 'ns',
        tempo: {
          metricsGenerator: {
            processors: ['service-graphs'],
            remoteWrite: [{ url: 'http://p:9090/api/v1/write' }],
          },
        },
      });
      expect(chart.tempo.serviceGraphMetrics.requests).toBe('traces_service_graph_request_total');
      expectError(
        () => chart.tempo.spanMetrics,
        "tempo.spanMetrics: the metrics generator's 'span-metrics' processor is off, so these series do not exist; enable it in tempo.metricsGenerator.processors",
      );
      const none = new TempoChart(Testing.app(), 'tempo', { namespace: 'ns' });
      expectError(
        () => none.tempo.serviceGraphMetrics,
        "tempo.serviceGraphMetrics: the metrics generator's 'service-graphs' processor is off, so these series do not exist; enable it in tempo.metricsGenerator.processors",
      );
    });

    test('distributed: replication factor larger than the ingesters, zero replicas, HPA on a stateful component', () => {
      expectError(
        tempo({ version: '2.10', storage: objectStorage(), distributed: { ingester: { replicas: 2 } } }),
        'tempo.distributed.replicationFactor: 3 is larger than the 2 ingester replicas; every trace must fit on 3 distinct ingesters, so run at least 3',
      );
      expectError(
        tempo({ version: '2.10', storage: objectStorage(), distributed: { querier: { replicas: 0 } } }),
        'tempo.distributed.querier.replicas: 0 is not valid; expected an integer >= 1',
      );
      expectError(
        tempo({
          storage: objectStorage(),
          version: '2.10',
          distributed: { ingester: { autoscaling: { minReplicas: 3, maxReplicas: 6 } } },
        }),
        'tempo.distributed.ingester.autoscaling: is only supported for the distributor, querier and query-frontend (stateful components do not scale on CPU); give fixed replicas',
      );
      expectError(
        tempo({
          version: '2.10',
          storage: objectStorage(),
          distributed: {},
          receivers: { zipkin: { port: 7946 } },
        }),
        'tempo.receivers: port 7946 is the memberlist gossip port in microservices mode; move the receiver',
      );
    });

    test('capacity inputs that are not positive', () => {
      expectError(
        () => planCapacity({ spansPerSecond: 0 }),
        'capacity.spansPerSecond: 0 is not a positive number; give a number greater than 0',
      );
      expectError(
        () => planCapacity({ spansPerSecond: 1000, avgSpanBytes: -1 }),
        'capacity.avgSpanBytes: -1 is not a positive number; give a number greater than 0',
      );
      expectError(
        () => planCapacity({ spansPerSecond: 1000, headroom: -0.5 }),
        'capacity.headroom: -0.5 is not a fraction >= 0; give e.g. 0.3 for 30 % headroom',
      );
      expectError(
        () => planCapacity2({ spansPerSecond: 1000, replicationFactor: 0 }),
        'capacity.replicationFactor: 0 is not a positive integer; give e.g. 3',
      );
      expectError(
        tempo({
          version: '2.10',
          storage: objectStorage(),
          distributed: { capacity: { spansPerSecond: -5 } },
        }),
        'tempo.distributed.capacity.spansPerSecond: -5 is not a positive number; give a number greater than 0',
      );
    });
  });
});

// Tempo settings the seeds need (issue 15).
describe('Tempo settings the seeds need', () => {
  /**
   * Tempo props the seeds needed (issue 15): live-store and block-builder block settings, the bloom
   * filter, the memory ballast per line, per-line ingestion defaults, receiver port names, the
   * config ConfigMap name and mount path. Pure: settings and config models, no synth.
   */
  const s3 = () => TempoStorage.s3({ bucket: 'traces', endpoint: 's3.us-east-1.amazonaws.com' });
  const kafka = () =>
    KafkaCluster.existing({
      bootstrapServers: 'kafka-bootstrap.data.svc.cluster.local:9092',
      topic: 'tempo',
      partitions: 2,
      brokers: { namespace: 'data', podLabels: { app: 'kafka' } },
    });
  const topology = {
    joinMember: 'dns+tempo-gossip-ring:7946',
    clusterLabel: 'tempo.ns',
    gossipPort: 7946,
    frontendAddress: 'tempo-query-frontend-discovery:9095',
    backendSchedulerAddress: 'tempo-backend-scheduler-headless:9095',
  };
  /** The config of these props, checked against the pinned key model of its line. */
  function config(props: TempoProps, distributed = false): any {
    const s = resolveTempoSettings(props);
    const doc = buildTempoConfig(s, distributed ? topology : undefined);
    expect(tempoConfigProblems(JSON.parse(JSON.stringify(doc)), keyLine(s.line))).toEqual([]);
    return doc;
  }
  const t = (props: TempoProps) => () => resolveTempoSettings(props);

  describe('block settings per line', () => {
    test('3.0 monolithic: the live-store cuts and flushes the blocks', () => {
      const c = config({
        liveStore: { maxBlockDuration: '5m', maxBlockBytes: 1_000_000, maxTraceIdle: '10s' },
      });
      expect(c.live_store).toMatchObject({
        max_block_duration: '5m',
        max_block_bytes: 1_000_000,
        max_trace_idle: '10s',
      });
      expect(c.block_builder).toBeUndefined();
    });

    test('3.0 microservices: the block-builder cycle and block size', () => {
      const c = config(
        {
          storage: s3(),
          microservices: { kafka: kafka() },
          blockBuilder: { consumeCycleDuration: '10m', maxBlockBytes: 2_147_483_648 },
          // A 10m cycle reaches the backend's queriers 10m + two 5m polls later.
          search: { queryBackendAfter: '20m' },
        },
        true,
      );
      expect(c.block_builder).toMatchObject({
        consume_cycle_duration: '10m',
        block: { max_block_bytes: 2_147_483_648 },
      });
    });

    test('the bloom filter rate on both lines', () => {
      expect(config({ block: { bloomFilterFalsePositive: 0.01 } }).storage.trace.block).toEqual({
        bloom_filter_false_positive: 0.01,
      });
      expect(
        config({ version: '2.10', block: { bloomFilterFalsePositive: 0.05 } }).storage.trace.block,
      ).toEqual({ bloom_filter_false_positive: 0.05 });
    });

    test('errors: block-builder outside microservices, 2.10, bad bloom rate, ingester on 3.0 microservices', () => {
      expectError(
        t({ blockBuilder: { consumeCycleDuration: '5m' } }),
        'tempo.blockBuilder: applies to Tempo 3.0 microservices only; the monolithic live-store cuts the blocks itself: use tempo.liveStore.maxBlockDuration and .maxBlockBytes',
      );
      expectError(
        t({ version: '2.10', blockBuilder: { maxBlockBytes: 1 } }),
        'tempo.blockBuilder: exists only on Tempo 3.0 microservices; on 2.10 the ingester cuts the blocks (tempo.ingester.maxBlockDuration, .maxBlockBytes)',
      );
      expectError(
        t({ block: { bloomFilterFalsePositive: 1 } }),
        'tempo.block.bloomFilterFalsePositive: 1 is not a false-positive rate; give a number between 0 and 1 (exclusive) such as 0.01',
      );
      expectError(
        t({ storage: s3(), microservices: { kafka: kafka() }, ingester: { maxBlockBytes: 1_000_000 } }),
        "tempo.ingester: exists only on Tempo 2.10; Tempo 3.0 has no ingesters: block-builders cut the blocks, use tempo.blockBuilder.consumeCycleDuration and .maxBlockBytes (and tempo.liveStore.maxTraceIdle for traceIdlePeriod). Remove it, or set tempo.version: '2.10'",
      );
      expectError(
        t({ blockBuilder: { consumeCycleDuration: '0s' }, storage: s3(), microservices: { kafka: kafka() } }),
        "tempo.blockBuilder.consumeCycleDuration: '0s' must be longer than 0s; give a positive duration such as '10s'",
      );
      expectError(
        t({
          blockBuilder: { consumeCycleDuration: '10m' },
          storage: s3(),
          microservices: { kafka: kafka() },
        }),
        'tempo.search.queryBackendAfter: 15m is shorter than a trace takes to be searchable in the backend (blockBuilder.consumeCycleDuration 10m + two 5m blocklist polls = 20m); traces of that age would be searched only where they are not yet; give at least 20m',
      );
    });
  });

  describe('memory ballast and ingestion defaults per line', () => {
    test('2.10 takes the ballast flag on every component; 3.0 refuses it', () => {
      const s = resolveTempoSettings({ version: '2.10', memoryBallastMiB: 1024 });
      expect(s.components.map((c) => c.args)).toEqual([['-mem-ballast-size-mbs=1024']]);
      expectError(
        t({ memoryBallastMiB: 1024 }),
        "tempo.memoryBallastMiB: exists only on Tempo 2.10; Tempo 3.0 has no memory ballast (-mem-ballast-size-mbs was removed in 3.0.0); the container already gets GOMEMLIMIT at 0.8 × its memory limit. Remove it, or set tempo.version: '2.10'",
      );
    });

    test("unset rate and burst are each line's own defaults (reference dumps)", () => {
      const ingestion = (version: '3.0' | '2.10') => config({ version }).overrides.defaults.ingestion;
      expect(ingestion('3.0')).toMatchObject({ rate_limit_bytes: 30_000_000, burst_size_bytes: 30_000_000 });
      expect(ingestion('2.10')).toMatchObject({ rate_limit_bytes: 15_000_000, burst_size_bytes: 20_000_000 });
    });
  });

  describe('receiver port names, config ConfigMap name and mount', () => {
    test('a receiver keeps its port under another name; bad and duplicate names are refused', () => {
      const s = resolveTempoSettings({ receivers: { jaegerThriftHttp: { name: 'jaeger-http' } } });
      expect(s.ports.find((p) => p.receiver?.id === 'jaegerThriftHttp')).toMatchObject({
        name: 'jaeger-http',
        port: 14268,
      });
      expectError(
        t({ receivers: { jaegerThriftBinary: { name: 'jaeger-thrift-binary' } } }),
        "tempo.receivers.jaegerThriftBinary.name: 'jaeger-thrift-binary' is not a port name; use at most 15 lowercase letters, digits and single hyphens with at least one letter (e.g. 'jaeger-http')",
      );
      expectError(
        t({ receivers: { zipkin: { name: 'http' } } }),
        "tempo.receivers: port name 'http' is used twice; give each receiver its own name",
      );
    });

    test('the ConfigMap name and mount path', () => {
      const s = resolveTempoSettings({ configMapName: 'tempo', configMountPath: '/etc/tempo' });
      expect([s.configMapName, s.configDir]).toEqual(['tempo', '/etc/tempo']);
      expect(resolveTempoSettings({}).configMapName).toBe('tempo-config');
      expectError(
        t({ configMapName: 'tempo-overrides' }),
        "tempo.configMapName: 'tempo-overrides' is the runtime overrides ConfigMap; choose another name (e.g. 'tempo')",
      );
      expectError(
        t({ configMountPath: '/var/tempo/conf' }),
        "tempo.configMountPath: '/var/tempo/conf' overlaps /var/tempo, which the container already mounts; use a directory of its own such as '/etc/tempo'",
      );
      expectError(
        t({ configMountPath: 'etc/tempo' }),
        "tempo.configMountPath: 'etc/tempo' is not an absolute directory path; use a directory of its own such as '/etc/tempo'",
      );
    });
  });

  describe('TLS on the HTTP API (serverTls)', () => {
    test('config, mount, HTTPS probes, a verifying PodMonitor and an https datasource', () => {
      const charts = buildEnvironment(Testing.app(), {
        name: 'tls',
        namespace: 'tracing',
        tempo: { serverTls: { secretName: 'tempo-https', caKey: 'ca.pem' } },
        collector: false,
        gitops: false,
      });
      const objects = [charts.tempo, charts.monitoring!, charts.grafana!].flatMap((c) => Testing.synth(c));
      const sts = objects.find((o) => o.kind === 'StatefulSet');
      const container = sts.spec.template.spec.containers[0];
      const config: any = parse(
        objects.find((o) => o.kind === 'ConfigMap' && o.data['tempo.yaml']).data['tempo.yaml'],
      );
      expect(config.server.http_tls_config).toEqual({
        cert_file: '/server-tls/tls.crt',
        key_file: '/server-tls/tls.key',
      });
      expect(container.volumeMounts).toContainEqual({
        name: 'server-tls',
        mountPath: '/server-tls',
        readOnly: true,
      });
      for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'])
        expect(container[probe].httpGet.scheme).toBe('HTTPS');
      const endpoint = objects.find((o) => o.kind === 'PodMonitor' && o.metadata.name === 'tempo').spec
        .podMetricsEndpoints[0];
      expect([endpoint.scheme, endpoint.tlsConfig]).toEqual([
        'https',
        {
          ca: { secret: { name: 'tempo-https', key: 'ca.pem' } },
          serverName: 'tempo.tracing.svc.cluster.local',
        },
      ]);
      const datasources = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-datasources'),
      );
      expect(JSON.stringify(datasources.data)).toContain('https://tempo.tracing.svc.cluster.local:3200');
    });

    test('errors: the CA key must be a key of its own', () => {
      expectError(
        t({ serverTls: { secretName: 'tempo-https', caKey: 'tls.crt' } }),
        "tempo.serverTls.caKey: 'tls.crt' is also the certificate or key; the issuing CA's certificate is a key of its own (cert-manager: 'ca.crt')",
      );
      expectError(
        t({ serverTls: { secretName: 'tempo-https', caKey: 'ca crt' } }),
        "tempo.serverTls.caKey: 'ca crt' is not a key of the Secret; name the key that holds the issuing CA's certificate (e.g. 'ca.crt')",
      );
    });
  });
});
