/**
 * Seed 001, the Tempo values README: the production template (`values.template.yaml`) —
 * "simple scalable" Tempo with several replicas on S3 with SSE-KMS through IRSA, 10 days of
 * traces, span metrics remote-written to Mimir, Grafana linked to Loki and Mimir, and the four
 * SLOs of `slo-tempo.yaml`.
 */
import { defineEnvironment, LokiDatasource, PrometheusDatasource, TempoStorage } from '../index';

/**
 * The README's receivers (L62-106) on both variants, `jaeger-http` for Thrift over HTTP by its
 * name. Jaeger Thrift over UDP (6831 compact, 6832 binary) too: the README's Jaeger clients
 * report over UDP (L233), and without multi-tenancy Tempo accepts spans that carry no tenant.
 */
const TEMPO_VALUES_RECEIVERS = {
  jaegerThriftHttp: { name: 'jaeger-http' },
  jaegerThriftCompact: true,
  jaegerThriftBinary: true,
} as const;

export const tempoValues = defineEnvironment({
  name: 'tempo-values',
  source: 'examples/tempo-values.ts',
  namespace: 'observability',
  tempo: {
    // The team runs the 2.x ingester architecture (no Kafka yet): the supported 2.x line.
    version: '2.10',
    // Several replicas need a real cluster: distributed mode (a "scalable" single binary would
    // split recent traces and compact every block on every replica).
    // Performance tuning (L397-404): 3 distributors, 10-minute / 2 GB ingester blocks.
    distributed: { distributor: { replicas: 3 }, ingester: { replicas: 3 }, querier: { replicas: 2 } },
    ingester: { maxBlockDuration: '10m', maxBlockBytes: 2_147_483_648 },
    // L425; `index_downsample_bytes` and `encoding: zstd` are not keys (examples/README.md).
    block: { bloomFilterFalsePositive: 0.01 },
    receivers: TEMPO_VALUES_RECEIVERS,
    // `kubectl get configmap -n observability tempo` (L373).
    configMapName: 'tempo',
    storage: TempoStorage.s3({
      bucket: 'observability-tempo-traces',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      sse: { type: 'SSE-KMS', kmsKeyId: 'alias/observability-tempo' },
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/observability-tempo' },
    }),
    retention: '240h',
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      remoteWrite: [{ url: 'http://mimir-gateway.observability.svc.cluster.local:8080/api/v1/push' }],
      externalLabels: { source: 'tempo', cluster: 'observability-cluster' },
    },
  },
  collector: false,
  monitoring: {
    // The four SLOs. Latency at 2.5 s: Tempo 2.10's request durations are classic buckets only
    // (… 1, 2.5, 5 …); on Tempo 3.0, `nativeHistograms: true` measures the README's 2 s exactly.
    slos: {
      ingestionAvailability: 99.5,
      queryAvailability: 99,
      queryLatency: 95,
      queryLatencyThresholdSeconds: 2.5,
      compactionSuccess: 99,
    },
  },
  grafana: {
    namespace: 'observability',
    tempoDatasource: { name: 'Tempo', httpMethod: 'GET', nodeGraph: true },
    loki: LokiDatasource.existing({ uid: 'loki' }),
    prometheus: PrometheusDatasource.existing({ uid: 'mimir' }),
    logLabels: { job: 'job', instance: 'instance', 'k8s.pod.name': 'pod', 'k8s.namespace.name': 'namespace' },
    // The README's TraceQL queries (L270-279); the span status is the intrinsic `status`.
    dashboards: [
      {
        title: 'Example queries',
        slug: 'example-queries',
        panels: [
          { type: 'traceql', title: 'Traces by service', traceql: '{ .service.name = "my-service" }' },
          { type: 'traceql', title: 'Slow traces', traceql: '{ duration > 1s }' },
          { type: 'traceql', title: 'Error traces', traceql: '{ status = error }' },
          {
            type: 'traceql',
            title: 'Complex query',
            traceql: '{ .service.name = "frontend" && .http.status_code = 500 && duration > 100ms }',
          },
        ],
      },
    ],
  },
  networkPolicies: { grafanaNamespace: 'observability' },
  gitops: false,
});

/**
 * Seed 001's `values.yaml` (L41-46, L125-133): the development variant — one replica (Tempo 3.0.3
 * monolithic: "SimpleScalable" is gone in 3.0), local storage at `/var/tempo/traces`, every trace
 * protocol (Jaeger Thrift over UDP included), 7 days.
 */
export const tempoValuesDev = defineEnvironment({
  ...tempoValues,
  name: 'tempo-values-dev',
  tempo: {
    storage: TempoStorage.local(),
    receivers: TEMPO_VALUES_RECEIVERS,
    configMapName: 'tempo',
    retention: '168h',
    metricsGenerator: tempoValues.tempo!.metricsGenerator,
  },
  // Tempo 3.0.3 also exposes its request durations as a native histogram, where 2 s is a bucket
  // boundary: the README's "95 % within 2 s", exactly (histogram_fraction; docs/monitoring.md).
  monitoring: {
    ...tempoValues.monitoring,
    nativeHistograms: true,
    slos: { ...(tempoValues.monitoring || {}).slos, queryLatencyThresholdSeconds: 2 },
  },
});
