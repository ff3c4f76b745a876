import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { TempoChart, TempoChartProps } from '../charts/tempo-chart';
import { configChecksum } from '../lib/pod-security';
import { tempoConfigProblems } from './helpers/tempo-schema';

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
    const { find, container } = synth({ tempo: { receivers: { zipkin: false, otlpHttp: { port: 14318 } } } });
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

  test('tempo.yaml in the ConfigMap passes the Tempo 2.8.2 key check', () => {
    const { find } = synth();
    expect(tempoConfigProblems(parse(find('ConfigMap').data['tempo.yaml']))).toEqual([]);
  });

  test('probes hit /ready on the HTTP port', () => {
    const { container } = synth({ tempo: { httpPort: 3300 } });
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: '/ready', port: 'http' });
    }
    expect(container.ports.find((p: any) => p.name === 'http').containerPort).toBe(3300);
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
    expect(sts.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('2.8.2');
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
    expect(container.image).toBe('grafana/tempo:2.8.2');
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
