import { Size, Testing } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { planCapacity, planCapacity2 } from '../constructs/tempo/capacity';
import { TempoChart } from '../charts/tempo-chart';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';

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
        TempoStorage.s3({ bucket: 'b', endpoint: 'e', secret: { name: 's', password: 'x' } as any }).check(),
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
        TempoStorage.s3({ bucket: 'b', endpoint: 'e', workloadIdentity: { roleArn: 'tempo-role' } }).check(),
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
      "tempo.storage.s3.secret.key: 'a key' is not a valid Secret key; use letters, digits, '-', '_' and '.'",
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
      'tempo.metricsGenerator.externalLabels.k8s.cluster: is not a valid Prometheus label name; use [a-zA-Z_][a-zA-Z0-9_]*',
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
      tempo({ version: '2.10', storage: objectStorage(), distributed: { capacity: { spansPerSecond: -5 } } }),
      'tempo.distributed.capacity.spansPerSecond: -5 is not a positive number; give a number greater than 0',
    );
  });
});
