/**
 * Seed 004, the YBUILT stack guide: Tempo on S3 (us-east-1) with 3 days of hot traces in
 * `observability`, Loki next to it, Grafana with Tempo, Loki and Prometheus linked, 10 %
 * sampling in production.
 */
import {
  CollectorSampling,
  defineEnvironment,
  LokiDatasource,
  PrometheusDatasource,
  TempoStorage,
} from '../index';

export const ybuilt = defineEnvironment({
  name: 'ybuilt',
  source: 'examples/ybuilt.ts',
  namespace: 'observability',
  tempo: {
    storage: TempoStorage.s3({
      bucket: 'ybuilt-tempo-traces',
      endpoint: 's3.amazonaws.com',
      region: 'us-east-1',
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/ybuilt-tempo' },
    }),
    retention: '72h',
    // Only the OTLP receivers (L79-86).
    receivers: { jaegerGrpc: false, jaegerThriftHttp: false, zipkin: false },
    // The guide's ingester (L89-91) on 3.0.3 monolithic: the live-store cuts and flushes the blocks.
    liveStore: { maxTraceIdle: '10s', maxBlockDuration: '5m', maxBlockBytes: 1_000_000 },
    pool: { maxWorkers: 100, queueDepth: 10_000 },
    // "TLS for Tempo/Loki endpoints" (L433): the query API over HTTPS (cert-manager Secret).
    serverTls: { secretName: 'tempo-server-tls' },
    // `limits:` (L108-110), in the scoped overrides format; equal to Tempo's defaults.
    limits: { maxBytesPerTrace: 5_000_000, maxTracesPerUser: 10_000 },
  },
  collector: {
    // The guide samples 10 % in the SDK; doing it once, at the agents, keeps whole traces
    // consistent across services (set the SDKs to parent-based always-on).
    sampling: CollectorSampling.head({ percentage: 10 }),
  },
  grafana: {
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.observability.svc.cluster.local:3100',
    }),
    // kube-prometheus-stack already provisions (and defaults) its Prometheus: link to it.
    prometheus: PrometheusDatasource.existing({ uid: 'prometheus' }),
  },
  // The guide installs Grafana in `observability` (L181-186): it may query Tempo there.
  networkPolicies: { grafanaNamespace: 'observability' },
  gitops: false,
});
