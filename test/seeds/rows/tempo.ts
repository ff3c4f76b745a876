/**
 * Seed rows of the tempo area (SEEDS-CHECKLIST.md): Tempo config, storage, WAL, retention,
 * compaction, overrides, pool, receivers and port names, resources, PVCs, images, ConfigMaps and
 * mounts, "SimpleScalable", caches and encodings, in all five seeds.
 */
import type { PathStep, SeedRow } from '../harness';

const CFG = 'tempo/configmap-tempo-config.yaml';
/** A key of the `tempo.yaml` payload of the config ConfigMap. */
const cfg = (
  id: string,
  quote: string,
  example: string,
  path: readonly PathStep[],
  equals: unknown,
  file = CFG,
): SeedRow => ({ id, quote, example, file, path: ['data', 'tempo.yaml', ...path], equals });
/** A field of the `tempo` container of a workload file. */
const container = (
  id: string,
  quote: string,
  example: string,
  file: string,
  path: readonly PathStep[],
  equals: unknown,
): SeedRow => ({
  id,
  quote,
  example,
  file,
  path: ['spec', 'template', 'spec', 'containers', { name: 'tempo' }, ...path],
  equals,
});
/** A port of a Service, by name. */
const servicePort = (
  id: string,
  quote: string,
  example: string,
  name: string,
  equals: unknown,
  file = 'tempo/service-tempo.yaml',
): SeedRow => ({ id, quote, example, file, path: ['spec', 'ports', { name }], equals });
const port = (name: string, p: number, protocol = 'TCP', appProtocol?: string) => ({
  ...(appProtocol ? { appProtocol } : {}),
  name,
  port: p,
  protocol,
  targetPort: name,
});
const fix = (id: string, quote: string, correction: string): SeedRow => ({ id, quote, correction });
/** Retention on 3.0.3: the scheduler's compaction provider and the workers (section A). */
const retention3 = (id: string, quote: string, example: string, value: string): SeedRow[] => [
  cfg(
    id,
    quote,
    example,
    ['backend_scheduler', 'provider', 'compaction', 'compaction', 'block_retention'],
    value,
  ),
  cfg(id, quote, example, ['backend_worker', 'compaction', 'block_retention'], value),
];
const SEED_RESOURCES = { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '500m', memory: '1Gi' } };
/** ybuilt's OTLP receivers: the seed's endpoints, with TLS (L433) from Secret `tempo-server-tls` at /tls. */
const RECEIVER_TLS = { cert_file: '/tls/tls.crt', key_file: '/tls/tls.key' };
const OTLP_ONLY_TLS = {
  otlp: {
    protocols: {
      grpc: { endpoint: '0.0.0.0:4317', tls: RECEIVER_TLS },
      http: { endpoint: '0.0.0.0:4318', tls: RECEIVER_TLS },
    },
  },
};

// Seed 000: yc-dev (Tempo 3.0.3 monolithic).
const YC = 'yc-dev';
const YC_STS = 'tempo/statefulset-tempo.yaml';
const SEED_000: SeedRow[] = [
  fix('000-01', 'L16 "Version: v2.8.2"', 'Tempo 2.8.2'),
  container('000-01', 'L16 "Version: v2.8.2"', YC, YC_STS, ['image'], 'grafana/tempo:3.0.3'),
  {
    id: '000-02',
    quote: 'L272-273 "PVC: storage-tempo-0 (10Gi, yc-network-hdd)"',
    example: YC,
    file: YC_STS,
    path: ['spec', 'volumeClaimTemplates', 0, 'spec'],
    equals: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: 'yc-network-hdd',
    },
  },
  {
    id: '000-02',
    quote: 'L272 "PVC: storage-tempo-0" (claim template `storage` of StatefulSet `tempo`)',
    example: YC,
    file: YC_STS,
    path: ['spec', 'volumeClaimTemplates', 0, 'metadata', 'name'],
    equals: 'storage',
  },
  {
    id: '000-03',
    quote: 'L19 "StatefulSet (single replica)"',
    example: YC,
    file: YC_STS,
    path: ['spec', 'replicas'],
    equals: 1,
  },
  {
    id: '000-04',
    quote: 'L20 "Service: ClusterIP on multiple ports"',
    example: YC,
    file: 'tempo/service-tempo.yaml',
    path: ['spec', 'type'],
    equals: 'ClusterIP',
  },
  ...retention3('000-05', 'L275/277 "Block retention: 168h"', YC, '168h'),
  servicePort('000-06', 'L24 "HTTP API: 3200"', YC, 'http', port('http', 3200, 'TCP', 'http')),
  cfg('000-06', 'L24 "HTTP API: 3200"', YC, ['server', 'http_listen_port'], 3200),
  servicePort('000-07', 'L25 "OTLP gRPC: 4317"', YC, 'otlp-grpc', port('otlp-grpc', 4317, 'TCP', 'grpc')),
  cfg(
    '000-07',
    'L25 "OTLP gRPC: 4317"',
    YC,
    ['distributor', 'receivers', 'otlp', 'protocols', 'grpc', 'endpoint'],
    '0.0.0.0:4317',
  ),
  servicePort('000-08', 'L26 "OTLP HTTP: 4318"', YC, 'otlp-http', port('otlp-http', 4318, 'TCP', 'http')),
  servicePort(
    '000-09',
    'L27 "Jaeger gRPC: 14250"',
    YC,
    'jaeger-grpc',
    port('jaeger-grpc', 14250, 'TCP', 'grpc'),
  ),
  servicePort(
    '000-10',
    'L28 "Jaeger HTTP: 14268"',
    YC,
    'jaeger-thrift',
    port('jaeger-thrift', 14268, 'TCP', 'http'),
  ),
  servicePort(
    '000-11',
    'L29 "Jaeger UDP: 6831 (compact)"',
    YC,
    'jaeger-compact',
    port('jaeger-compact', 6831, 'UDP'),
  ),
  servicePort('000-11', 'L29 "6832 (binary)"', YC, 'jaeger-binary', port('jaeger-binary', 6832, 'UDP')),
  servicePort('000-12', 'L30 "Zipkin: 9411"', YC, 'zipkin', port('zipkin', 9411, 'TCP', 'http')),
  cfg(
    '000-14',
    'L56 "Path: /var/tempo/traces (data)"',
    YC,
    ['storage', 'trace', 'local', 'path'],
    '/var/tempo/traces',
  ),
  cfg('000-14', 'L56 "/var/tempo/wal (WAL)"', YC, ['storage', 'trace', 'wal', 'path'], '/var/tempo/wal'),
  container('000-31', 'L111 "/ready"', YC, YC_STS, ['readinessProbe', 'httpGet', 'path'], '/ready'),
  container('000-34', 'L280-283 "CPU 500m/1000m, memory 2Gi/4Gi"', YC, YC_STS, ['resources'], {
    limits: { cpu: '1', memory: '4Gi' },
    requests: { cpu: '500m', memory: '2Gi' },
  }),
  fix('000-35', 'L284 "Memory Ballast: 1024 MiB"', 'Memory Ballast: 1024 MiB'),
  container(
    '000-35',
    'L284 "Memory Ballast: 1024 MiB"',
    YC,
    YC_STS,
    ['env', { name: 'GOMEMLIMIT' }, 'value'],
    '3276MiB',
  ),
  cfg(
    '000-36',
    'L290-291 "Service graph generation", "Span metrics generation"',
    YC,
    ['overrides', 'defaults', 'metrics_generator', 'processors'],
    ['service-graphs', 'span-metrics'],
  ),
];

// Seed 001: Tempo values README (production on 2.10.8 distributed, dev on 3.0.3 monolithic).
const TV = 'tempo-values';
const DEV = 'tempo-values-dev';
const TV_CFG = 'tempo/configmap-tempo.yaml';
const SEED_001: SeedRow[] = [
  {
    id: '001-01',
    quote: 'L43 "single replica"',
    example: DEV,
    file: 'tempo/statefulset-tempo.yaml',
    path: ['spec', 'replicas'],
    equals: 1,
  },
  cfg('001-01', 'L43-46 values.yaml (monolithic)', DEV, ['target'], 'all', TV_CFG),
  ...retention3('001-01', 'L46 "7-day retention"', DEV, '168h').map((r) => ({ ...r, file: TV_CFG })),
  cfg(
    '001-01',
    'L45 "All trace protocols enabled (OTLP, Jaeger, Zipkin)"',
    DEV,
    ['distributor', 'receivers'],
    {
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      jaeger: {
        protocols: {
          grpc: { endpoint: '0.0.0.0:14250' },
          thrift_http: { endpoint: '0.0.0.0:14268' },
          thrift_compact: { endpoint: '0.0.0.0:6831' },
          thrift_binary: { endpoint: '0.0.0.0:6832' },
        },
      },
      zipkin: { endpoint: '0.0.0.0:9411' },
    },
    TV_CFG,
  ),
  fix(
    '001-02',
    'L43 "SimpleScalable deployment mode with single replica"',
    'SimpleScalable deployment mode with single replica',
  ),
  cfg('001-03', 'L125-133 "backend: local"', DEV, ['storage', 'trace', 'backend'], 'local', TV_CFG),
  cfg(
    '001-03',
    'L131-133 "local.path: /var/tempo/traces"',
    DEV,
    ['storage', 'trace', 'local', 'path'],
    '/var/tempo/traces',
    TV_CFG,
  ),
  fix(
    '001-04',
    'L50 "SimpleScalable deployment mode with multiple replicas"',
    '"SimpleScalable … multiple replicas"',
  ),
  fix('001-05', 'L119-122 "sse_config: type: SSE-KMS"', '`storage.trace.s3.sse_config`'),
  cfg(
    '001-05',
    'L120-122 "SSE-KMS", kms_key_id',
    TV,
    ['storage', 'trace', 's3', 'sse'],
    { type: 'SSE-KMS', kms_key_id: 'alias/observability-tempo' },
    TV_CFG,
  ),
  fix(
    '001-06',
    'L117-122 "${tempo_s3_bucket_name}", "${aws_region}", "${kms_key_id}"',
    '`${tempo_s3_bucket_name}`',
  ),
  {
    id: '001-07',
    quote: 'L52 "IRSA integration"',
    example: TV,
    file: 'tempo/serviceaccount-tempo.yaml',
    path: ['metadata', 'annotations', 'eks.amazonaws.com/role-arn'],
    equals: 'arn:aws:iam::123456789012:role/observability-tempo',
  },
  cfg('001-08', 'L53 "10-day retention"', TV, ['compactor', 'compaction', 'block_retention'], '240h', TV_CFG),
  cfg(
    '001-10',
    'L145-148 remote write to mimir-gateway, send_exemplars: true',
    TV,
    ['metrics_generator', 'storage', 'remote_write'],
    [{ url: 'http://mimir-gateway.observability.svc.cluster.local:8080/api/v1/push', send_exemplars: true }],
    TV_CFG,
  ),
  cfg(
    '001-11',
    'L141-144 "external_labels: source: tempo, cluster: observability-cluster"',
    TV,
    ['metrics_generator', 'registry', 'external_labels'],
    { source: 'tempo', cluster: 'observability-cluster' },
    TV_CFG,
  ),
  servicePort('001-12', 'L62-66 "otlp-grpc" 4317', TV, 'otlp-grpc', port('otlp-grpc', 4317, 'TCP', 'grpc')),
  servicePort('001-12', 'L68-71 "otlp-http" 4318', TV, 'otlp-http', port('otlp-http', 4318, 'TCP', 'http')),
  servicePort(
    '001-13',
    'L77-79 "jaeger-grpc" 14250',
    TV,
    'jaeger-grpc',
    port('jaeger-grpc', 14250, 'TCP', 'grpc'),
  ),
  servicePort(
    '001-14',
    'L82-84 "jaeger-http" 14268',
    TV,
    'jaeger-http',
    port('jaeger-http', 14268, 'TCP', 'http'),
  ),
  servicePort(
    '001-14',
    'L82-84 "jaeger-http" 14268 (dev)',
    DEV,
    'jaeger-http',
    port('jaeger-http', 14268, 'TCP', 'http'),
  ),
  fix(
    '001-15',
    'L86-96 "jaeger-thrift-binary" 6832/UDP, "jaeger-thrift-compact" 6831/UDP',
    'port names `jaeger-thrift-binary`, `jaeger-thrift-compact`',
  ),
  servicePort('001-15', 'L86-90 6832/UDP', DEV, 'jaeger-binary', port('jaeger-binary', 6832, 'UDP')),
  servicePort('001-15', 'L92-96 6831/UDP', DEV, 'jaeger-compact', port('jaeger-compact', 6831, 'UDP')),
  servicePort('001-16', 'L102-106 "zipkin" 9411', TV, 'zipkin', port('zipkin', 9411, 'TCP', 'http')),
  fix(
    '001-52',
    'L233 Jaeger Go client `LocalAgentHostPort: "tempo-gateway…:6832"`',
    'Jaeger Go client `LocalAgentHostPort',
  ),
  // Both variants receive Jaeger Thrift over UDP: production too (no multi-tenancy there).
  servicePort(
    '001-52',
    'L233 UDP reporter (compact: 6831)',
    TV,
    'jaeger-compact',
    port('jaeger-compact', 6831, 'UDP'),
  ),
  servicePort(
    '001-52',
    'L233 UDP reporter (binary: 6832)',
    TV,
    'jaeger-binary',
    port('jaeger-binary', 6832, 'UDP'),
  ),
  cfg(
    '001-52',
    'L233 UDP reporter: Tempo receives Thrift compact',
    TV,
    ['distributor', 'receivers', 'jaeger', 'protocols', 'thrift_compact'],
    { endpoint: '0.0.0.0:6831' },
    TV_CFG,
  ),
  cfg(
    '001-19',
    'L156 "Service Graph"',
    TV,
    ['overrides', 'defaults', 'metrics_generator', 'processors'],
    ['service-graphs', 'span-metrics'],
    TV_CFG,
  ),
  fix(
    '001-21',
    'L208/233/261/327-333 apps at tempo-gateway.observability.svc.cluster.local',
    '`tempo-gateway.observability.svc.cluster.local`',
  ),
  cfg(
    '001-22',
    'L209 "insecure=True" (plaintext OTLP)',
    TV,
    ['distributor', 'receivers', 'otlp', 'protocols', 'http'],
    { endpoint: '0.0.0.0:4318' },
    TV_CFG,
  ),
  {
    id: '001-38',
    quote: 'L355/370/383 "app.kubernetes.io/component=distributor/compactor/querier"',
    example: TV,
    file: 'tempo/deployment-tempo-compactor.yaml',
    path: ['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/component'],
    equals: 'compactor',
  },
  {
    id: '001-38',
    quote: 'L355 "app.kubernetes.io/component=distributor"',
    example: TV,
    file: 'tempo/deployment-tempo-distributor.yaml',
    path: ['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/component'],
    equals: 'distributor',
  },
  {
    id: '001-39',
    quote: 'L373 "kubectl get configmap -n observability tempo"',
    example: TV,
    file: TV_CFG,
    path: ['metadata', 'name'],
    equals: 'tempo',
  },
  {
    id: '001-39',
    quote: 'L373 (dev)',
    example: DEV,
    file: TV_CFG,
    path: ['metadata', 'name'],
    equals: 'tempo',
  },
  fix('001-40', 'L386 "curl http://tempo:3100/metrics"', '`curl http://tempo:3100/metrics`'),
  {
    id: '001-42',
    quote: 'L397-399 "distributor: replicas: 3"',
    example: TV,
    file: 'tempo/deployment-tempo-distributor.yaml',
    path: ['spec', 'replicas'],
    equals: 3,
  },
  cfg('001-43', 'L402-403 "max_block_duration: 10m"', TV, ['ingester', 'max_block_duration'], '10m', TV_CFG),
  cfg(
    '001-44',
    'L404 "max_block_bytes: 2_147_483_648 # 2GB"',
    TV,
    ['ingester', 'max_block_bytes'],
    2_147_483_648,
    TV_CFG,
  ),
  fix('001-43', 'L402-404 ingester tuning on Tempo 3.0', 'ingester tuning `max_block_duration: 10m`'),
  fix(
    '001-45',
    'L410-417 "enable_fifocache: true", "fifocache.max_size_bytes"',
    '`query_frontend.search.cache.enable_fifocache: true`',
  ),
  cfg(
    '001-46',
    'L425 "bloom_filter_false_positive: 0.01"',
    TV,
    ['storage', 'trace', 'block', 'bloom_filter_false_positive'],
    0.01,
    TV_CFG,
  ),
  fix('001-47', 'L426 "index_downsample_bytes: 1000"', '`storage.trace.block.index_downsample_bytes: 1000`'),
  fix('001-48', 'L427 "encoding: zstd"', '`storage.trace.block.encoding: zstd`'),
];

// Seed 002: Honua (2.10.8 distributed; testing/dev single binaries; GCS and Azure variants).
const HO = 'honua';
const s3Honua = {
  bucket: 'honua-tempo-traces',
  endpoint: 's3.us-east-1.amazonaws.com',
  region: 'us-east-1',
  insecure: false,
};
const honuaDeployment = (component: string) => `tempo/deployment-tempo-${component}.yaml`;
const SEED_002: SeedRow[] = [
  cfg('002-05', 'L116-125 "backend: s3"', HO, ['storage', 'trace', 'backend'], 's3'),
  ...Object.entries(s3Honua).map(([k, v]) =>
    cfg('002-05', `L118-125 "${k}: ${v}"`, HO, ['storage', 'trace', 's3', k], v),
  ),
  fix(
    '002-06',
    'L123-124 "access_key: ${AWS_ACCESS_KEY_ID}", "secret_key: ${AWS_SECRET_ACCESS_KEY}"',
    '`access_key: ${AWS_ACCESS_KEY_ID}`',
  ),
  fix('002-07', 'L126-127 "iam_role:"', '`iam_role:`'),
  cfg(
    '002-08',
    'L128-129 "wal: path: /var/tempo/wal"',
    HO,
    ['storage', 'trace', 'wal', 'path'],
    '/var/tempo/wal',
  ),
  fix('002-09', 'L130 "wal: encoding: snappy"', 'WAL `encoding: snappy`'),
  cfg('002-10', 'L131-133 "pool: max_workers: 100, queue_depth: 10000"', HO, ['storage', 'trace', 'pool'], {
    max_workers: 100,
    queue_depth: 10_000,
  }),
  cfg(
    '002-11',
    'L137 "block_retention: 168h # 7 days (production)"',
    HO,
    ['compactor', 'compaction', 'block_retention'],
    '168h',
  ),
  cfg(
    '002-12',
    'L138 "compacted_block_retention: 24h"',
    HO,
    ['compactor', 'compaction', 'compacted_block_retention'],
    '24h',
  ),
  cfg('002-13', 'L139 "compaction_window: 1h"', HO, ['compactor', 'compaction', 'compaction_window'], '1h'),
  cfg(
    '002-14',
    'L146-147 "backend: gcs", "bucket_name: honua-tempo-traces"',
    'honua-gcs',
    ['storage', 'trace', 'gcs'],
    { bucket_name: 'honua-tempo-traces' },
  ),
  {
    id: '002-14',
    quote: 'L148 "Use workload identity"',
    example: 'honua-gcs',
    file: 'tempo/serviceaccount-tempo.yaml',
    path: ['metadata', 'annotations', 'iam.gke.io/gcp-service-account'],
    equals: 'honua-tempo@honua-project.iam.gserviceaccount.com',
  },
  cfg(
    '002-15',
    'L162-166 "backend: azure", "container_name: honua-tempo-traces", storage_account_key',
    'honua-azure',
    ['storage', 'trace', 'azure'],
    {
      storage_account_name: 'honuatempo',
      container_name: 'honua-tempo-traces',
      storage_account_key: '${TEMPO_AZURE_STORAGE_ACCOUNT_KEY}',
    },
  ),
  fix(
    '002-15',
    'L165 "storage_account_name: ${AZURE_STORAGE_ACCOUNT}"',
    'Azure `storage_account_name: ${AZURE_STORAGE_ACCOUNT}`',
  ),
  ...['query-frontend', 'distributor', 'querier'].map((c) =>
    container(
      '002-17',
      `L190-196 "tempo.resources" 500m/1Gi → 2000m/4Gi (${c})`,
      HO,
      honuaDeployment(c),
      ['resources'],
      SEED_RESOURCES,
    ),
  ),
  container(
    '002-17',
    'L190-196 "tempo.resources" (metrics-generator)',
    HO,
    'tempo/statefulset-tempo-metrics-generator.yaml',
    ['resources'],
    SEED_RESOURCES,
  ),
  cfg(
    '002-18',
    'L198-204 values storage.trace s3 bucket',
    HO,
    ['storage', 'trace', 's3', 'bucket'],
    'honua-tempo-traces',
  ),
  cfg('002-19', 'L206 "retention: 168h"', HO, ['compactor', 'compaction', 'block_retention'], '168h'),
  fix(
    '002-20',
    'L208-211 "remote_write: - url: http://prometheus:9090/api/v1/write"',
    'metrics-generator `remote_write` to `http://prometheus:9090/api/v1/write`',
  ),
  cfg(
    '002-20',
    'L208-211 remote_write (FQDN)',
    HO,
    ['metrics_generator', 'storage', 'remote_write', 0, 'url'],
    'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write',
  ),
  cfg(
    '002-03',
    'L66 "Tempo Metrics Generator creates metrics from traces and sends to Prometheus"',
    HO,
    ['overrides', 'defaults', 'metrics_generator', 'processors'],
    ['service-graphs', 'span-metrics'],
  ),
  cfg('002-21', 'L213-214 "ingester: max_block_duration: 5m"', HO, ['ingester', 'max_block_duration'], '5m'),
  {
    id: '002-22',
    quote: 'L220-223 "eks.amazonaws.com/role-arn: arn:aws:iam::ACCOUNT:role/tempo-s3-role"',
    example: HO,
    file: 'tempo/serviceaccount-tempo.yaml',
    path: ['metadata', 'annotations', 'eks.amazonaws.com/role-arn'],
    equals: 'arn:aws:iam::123456789012:role/tempo-s3-role',
  },
  container(
    '002-23',
    'L227 "helm install tempo grafana/tempo-distributed"',
    HO,
    honuaDeployment('distributor'),
    ['args', 1],
    '-target=distributor',
  ),
  {
    id: '002-25',
    quote: 'L294 "Distributor 3-5"',
    example: HO,
    file: honuaDeployment('distributor'),
    path: ['spec', 'replicas'],
    equals: 3,
  },
  container(
    '002-25',
    'L294 "Distributor … 500m, 1Gi"',
    HO,
    honuaDeployment('distributor'),
    ['resources', 'requests'],
    { cpu: '500m', memory: '1Gi' },
  ),
  {
    id: '002-26',
    quote: 'L295 "Ingester 3-6"',
    example: HO,
    file: 'tempo/statefulset-tempo-ingester.yaml',
    path: ['spec', 'replicas'],
    equals: 3,
  },
  container(
    '002-26',
    'L295 "Ingester … 1000m, 2Gi"',
    HO,
    'tempo/statefulset-tempo-ingester.yaml',
    ['resources', 'requests'],
    { cpu: '1', memory: '2Gi' },
  ),
  {
    id: '002-26',
    quote: 'L295 "WAL (local)"',
    example: HO,
    file: 'tempo/statefulset-tempo-ingester.yaml',
    path: ['spec', 'volumeClaimTemplates', 0, 'spec', 'resources', 'requests', 'storage'],
    equals: '10Gi',
  },
  {
    id: '002-27',
    quote: 'L296 "Querier 2-4"',
    example: HO,
    file: honuaDeployment('querier'),
    path: ['spec', 'replicas'],
    equals: 2,
  },
  container(
    '002-27',
    'L296 "Querier … 500m, 1Gi"',
    HO,
    honuaDeployment('querier'),
    ['resources', 'requests'],
    { cpu: '500m', memory: '1Gi' },
  ),
  {
    id: '002-28',
    quote: 'L297 "Compactor 1-2"',
    example: HO,
    file: honuaDeployment('compactor'),
    path: ['spec', 'replicas'],
    equals: 1,
  },
  container(
    '002-28',
    'L297 "Compactor … 1000m, 2Gi"',
    HO,
    honuaDeployment('compactor'),
    ['resources', 'requests'],
    { cpu: '1', memory: '2Gi' },
  ),
  ...retention3('002-35', 'L405 "Testing: 24 hours (configured)"', 'honua-testing', '24h'),
  cfg('002-35', 'L405 testing on local storage', 'honua-testing', ['storage', 'trace', 'backend'], 'local'),
  ...retention3('002-36', 'L406 "Development: 7 days"', 'honua-dev', '168h'),
  cfg('002-36', 'L406 development on local storage', 'honua-dev', ['storage', 'trace', 'backend'], 'local'),
  fix(
    '002-37',
    'L407 "Production: 30-90 days", L415 "block_retention: 720h # 30 days"',
    '"Production: 30-90 days"',
  ),
  cfg(
    '002-39',
    'L425 "max_traces_per_user: 100000"',
    HO,
    ['overrides', 'defaults', 'ingestion', 'max_traces_per_user'],
    100_000,
  ),
  cfg(
    '002-39',
    'L426 "max_bytes_per_trace: 10000000 # 10MB"',
    HO,
    ['overrides', 'defaults', 'global', 'max_bytes_per_trace'],
    10_000_000,
  ),
  cfg(
    '002-39',
    'L427 "ingestion_rate_limit_bytes: 50000000 # 50MB/s"',
    HO,
    ['overrides', 'defaults', 'ingestion', 'rate_limit_bytes'],
    50_000_000,
  ),
  cfg(
    '002-39',
    'L428 "ingestion_burst_size_bytes: 100000000 # 100MB"',
    HO,
    ['overrides', 'defaults', 'ingestion', 'burst_size_bytes'],
    100_000_000,
  ),
  fix('002-40', 'L423-428 flat keys under overrides: defaults:', 'flat `max_traces_per_user`'),
  container(
    '002-41',
    'L438-446 "/ready" on 3200',
    HO,
    honuaDeployment('distributor'),
    ['readinessProbe', 'httpGet'],
    { path: '/ready', port: 'http', scheme: 'HTTPS' },
  ),
  cfg(
    '002-58',
    'L723-730 "http_tls_config: cert_file: /certs/server.crt, key_file: /certs/server.key"',
    HO,
    ['server', 'http_tls_config'],
    {
      cert_file: '/server-tls/server.crt',
      key_file: '/server-tls/server.key',
    },
  ),
  {
    id: '002-58',
    quote: 'L723-730 server TLS: the PodMonitor scrapes over HTTPS',
    example: HO,
    file: 'monitoring/podmonitor-tempo.yaml',
    path: ['spec', 'podMetricsEndpoints', 0, 'scheme'],
    equals: 'https',
  },
  fix(
    '002-59',
    'L726 "http_listen_address: 0.0.0.0:3200" ("Tempo supports basic auth")',
    '`http_listen_address: 0.0.0.0:3200`',
  ),
  cfg('002-59', 'L726 port 3200', HO, ['server', 'http_listen_port'], 3200),
  cfg('002-61', 'L746 "Enable encryption at rest in object storage"', HO, ['storage', 'trace', 's3', 'sse'], {
    type: 'SSE-S3',
  }),
  servicePort('002-63', 'L769 Zipkin "tempo:9411"', HO, 'zipkin', port('zipkin', 9411, 'TCP', 'http')),
];

// Seed 003: Fawkes (3.0.3 microservices on Kafka).
const FA = 'fawkes';
const faWorkload = (kind: 'deployment' | 'statefulset', component: string) =>
  `tempo/${kind}-tempo-${component}.yaml`;
const SEED_003: SeedRow[] = [
  ...retention3('003-01', 'L351 "block_retention: 168h"', FA, '168h'),
  cfg(
    '003-09',
    'L355-359 S3 "fawkes-tempo-traces"',
    FA,
    ['storage', 'trace', 's3', 'bucket'],
    'fawkes-tempo-traces',
  ),
  cfg('003-09', 'L357 "s3.amazonaws.com"', FA, ['storage', 'trace', 's3', 'endpoint'], 's3.amazonaws.com'),
  cfg('003-09', 'L358 "us-east-1"', FA, ['storage', 'trace', 's3', 'region'], 'us-east-1'),
  fix('003-10', 'L150/L1005 "Compression: Snappy/LZ4"', '"Compression: Snappy/LZ4"'),
  {
    id: '003-11',
    quote: 'L52/L151 "100K+ spans/second"',
    example: FA,
    file: 'SUMMARY.md',
    contains: 'Tempo receives 100,000 spans/s',
  },
  {
    id: '003-34',
    quote: 'L327-330 ConfigMap "tempo-config"',
    example: FA,
    file: CFG,
    path: ['metadata', 'name'],
    equals: 'tempo-config',
  },
  {
    id: '003-34',
    quote: 'L327-330 namespace "fawkes-observability"',
    example: FA,
    file: CFG,
    path: ['metadata', 'namespace'],
    equals: 'fawkes-observability',
  },
  cfg('003-35', 'L332-333 "http_listen_port: 3200"', FA, ['server', 'http_listen_port'], 3200),
  cfg('003-36', 'L335-342 receivers: OTLP only', FA, ['distributor', 'receivers'], {
    otlp: {
      protocols: {
        grpc: {
          endpoint: '0.0.0.0:4317',
          keepalive: { server_parameters: { max_connection_age: '2m', max_connection_age_grace: '30s' } },
        },
        http: { endpoint: '0.0.0.0:4318' },
      },
    },
  }),
  cfg('003-37', 'L345 "trace_idle_period: 10s"', FA, ['live_store', 'max_trace_idle'], '10s'),
  fix('003-38', 'L346 "max_block_bytes: 1_000_000"', '`max_block_bytes: 1_000_000`'),
  cfg('003-39', 'L347 "max_block_duration: 5m"', FA, ['block_builder', 'consume_cycle_duration'], '5m'),
  cfg(
    '003-40',
    'L360-361 "wal: path: /var/tempo/wal"',
    FA,
    ['storage', 'trace', 'wal', 'path'],
    '/var/tempo/wal',
  ),
  cfg('003-41', 'L362-364 "pool: max_workers: 100, queue_depth: 10000"', FA, ['storage', 'trace', 'pool'], {
    max_workers: 100,
    queue_depth: 10_000,
  }),
  fix(
    '003-43',
    'L370-371 "storage: path: /var/tempo/generator/wal" under overrides',
    '`metrics_generator.storage`/`remote_write` under `overrides.defaults`',
  ),
  cfg(
    '003-43',
    'L370-371 generator WAL path',
    FA,
    ['metrics_generator', 'storage', 'path'],
    '/var/tempo/generator/wal',
  ),
  fix(
    '003-44',
    'L372-373 "url: http://prometheus:9090/api/v1/write"',
    'metrics-generator `url: http://prometheus:9090/api/v1/write`',
  ),
  cfg(
    '003-45',
    'L374 "send_exemplars: true"',
    FA,
    ['metrics_generator', 'storage', 'remote_write', 0, 'send_exemplars'],
    true,
  ),
  fix('003-46', 'L383 StatefulSet "replicas: 3"', 'Tempo single binary with `replicas: 3`'),
  fix('003-47', 'L394 "image: grafana/tempo:latest"', '`image: grafana/tempo:latest`'),
  container(
    '003-47',
    'L394 image (pinned)',
    FA,
    faWorkload('deployment', 'distributor'),
    ['image'],
    'grafana/tempo:3.0.3',
  ),
  ...[
    ['http', 3200],
    ['otlp-grpc', 4317],
    ['otlp-http', 4318],
  ].map(([name, p]) =>
    container(
      '003-48',
      `L397-403 container port ${p}`,
      FA,
      faWorkload('deployment', 'distributor'),
      ['ports', { name }, 'containerPort'],
      p,
    ),
  ),
  container(
    '003-49',
    'L404-406 config mounted at /etc/tempo',
    FA,
    faWorkload('deployment', 'distributor'),
    ['volumeMounts', { name: 'config' }, 'mountPath'],
    '/etc/tempo',
  ),
  container(
    '003-49',
    'L404-406 -config.file under /etc/tempo',
    FA,
    faWorkload('deployment', 'distributor'),
    ['args', 0],
    '-config.file=/etc/tempo/tempo.yaml',
  ),
  container(
    '003-49',
    'L407-408 storage at /var/tempo',
    FA,
    faWorkload('statefulset', 'live-store-zone-a'),
    ['volumeMounts', { name: 'storage' }, 'mountPath'],
    '/var/tempo',
  ),
  ...(
    [
      ['deployment', 'query-frontend'],
      ['statefulset', 'backend-scheduler'],
      ['deployment', 'backend-worker'],
      ['statefulset', 'metrics-generator'],
    ] as const
  ).map(([kind, c]) =>
    container(
      '003-50',
      `L409-415 requests 500m/1Gi, limits 2000m/4Gi (${c})`,
      FA,
      faWorkload(kind, c),
      ['resources'],
      SEED_RESOURCES,
    ),
  ),
  fix(
    '003-50',
    'L409-415 resources where the sizing guide needs more',
    'Tempo container resources 500m/1Gi → 2000m/4Gi on every pod',
  ),
  ...['live-store-zone-a', 'live-store-zone-b', 'metrics-generator', 'backend-scheduler'].map((c) => ({
    id: '003-51',
    quote: `L420-427 "volumeClaimTemplates … storage: 100Gi" (${c})`,
    example: FA,
    file: faWorkload('statefulset', c),
    path: ['spec', 'volumeClaimTemplates', 0, 'spec'],
    equals: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } },
  })),
  cfg('003-79', 'L974 "S3 server-side encryption"', FA, ['storage', 'trace', 's3', 'sse'], {
    type: 'SSE-S3',
  }),
  fix(
    '003-80',
    'L1118 "Use in-memory Tempo backend for short-lived labs"',
    '"Use in-memory Tempo backend for short-lived labs"',
  ),
  cfg('003-82', 'L1103-1104 "S3/MinIO backend with retention"', FA, ['storage', 'trace', 'backend'], 's3'),
  {
    id: '003-82',
    quote: 'L1103 "3+ replicas for HA"',
    example: FA,
    file: faWorkload('deployment', 'backend-worker'),
    path: ['spec', 'replicas'],
    equals: 3,
  },
];

// Seed 004: YBUILT (3.0.3 monolithic on S3).
const YB = 'ybuilt';
const YB_STS = 'tempo/statefulset-tempo.yaml';
const SEED_004: SeedRow[] = [
  cfg('004-01', 'L98-103 "backend: s3"', YB, ['storage', 'trace', 'backend'], 's3'),
  cfg(
    '004-01',
    'L100 "bucket: ybuilt-tempo-traces"',
    YB,
    ['storage', 'trace', 's3', 'bucket'],
    'ybuilt-tempo-traces',
  ),
  cfg(
    '004-01',
    'L101 "endpoint: s3.amazonaws.com"',
    YB,
    ['storage', 'trace', 's3', 'endpoint'],
    's3.amazonaws.com',
  ),
  cfg('004-01', 'L102 "region: us-east-1"', YB, ['storage', 'trace', 's3', 'region'], 'us-east-1'),
  cfg('004-02', 'L64 "helm install tempo grafana/tempo" (single binary)', YB, ['target'], 'all'),
  cfg(
    '004-03',
    'L80-86 OTLP "0.0.0.0:4317", "0.0.0.0:4318"',
    YB,
    ['distributor', 'receivers', 'otlp'],
    OTLP_ONLY_TLS.otlp,
  ),
  cfg('004-04', 'L79-86 only OTLP receivers', YB, ['distributor', 'receivers'], OTLP_ONLY_TLS),
  ...retention3('004-05', 'L95 "block_retention: 72h"', YB, '72h'),
  fix('004-06', 'L31/L332-333 "14 days warm", "Archive: 30 days (compliance)"', '"14 days warm"'),
  fix('004-07', 'L331 "Hot: 3 days (in-memory cache)"', '"Hot: 3 days (in-memory cache)"'),
  cfg('004-09', 'L76-77 "http_listen_port: 3200"', YB, ['server', 'http_listen_port'], 3200),
  cfg('004-10', 'L89 "trace_idle_period: 10s"', YB, ['live_store', 'max_trace_idle'], '10s'),
  cfg('004-11', 'L90 "max_block_bytes: 1_000_000"', YB, ['live_store', 'max_block_bytes'], 1_000_000),
  cfg('004-12', 'L91 "max_block_duration: 5m"', YB, ['live_store', 'max_block_duration'], '5m'),
  cfg('004-13', 'L104-106 "pool: max_workers: 100, queue_depth: 10000"', YB, ['storage', 'trace', 'pool'], {
    max_workers: 100,
    queue_depth: 10_000,
  }),
  cfg(
    '004-14',
    'L109 "max_bytes_per_trace: 5000000"',
    YB,
    ['overrides', 'defaults', 'global', 'max_bytes_per_trace'],
    5_000_000,
  ),
  cfg(
    '004-14',
    'L110 "max_traces_per_user: 10000"',
    YB,
    ['overrides', 'defaults', 'ingestion', 'max_traces_per_user'],
    10_000,
  ),
  fix('004-15', 'L108 top-level "limits:"', 'top-level `limits:`'),
  container('004-42', 'L382-385 "/ready" on 3200', YB, YB_STS, ['readinessProbe', 'httpGet'], {
    path: '/ready',
    port: 'http',
    scheme: 'HTTPS',
  }),
  fix('004-43', 'L425 "Enable gzip for Loki and Tempo"', '"Enable gzip for Loki and Tempo"'),
  cfg('004-45', 'L433 "TLS for Tempo/Loki endpoints" (Tempo query API)', YB, ['server', 'http_tls_config'], {
    cert_file: '/server-tls/tls.crt',
    key_file: '/server-tls/tls.key',
  }),
  ...(['grpc', 'http'] as const).map((protocol) =>
    cfg(
      '004-45',
      `L433 "TLS for Tempo/Loki endpoints" (OTLP ${protocol} receiver)`,
      YB,
      ['distributor', 'receivers', 'otlp', 'protocols', protocol, 'tls'],
      RECEIVER_TLS,
    ),
  ),
];

export const ROWS: readonly SeedRow[] = [...SEED_000, ...SEED_001, ...SEED_002, ...SEED_003, ...SEED_004];
