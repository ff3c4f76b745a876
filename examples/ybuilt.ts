/**
 * Seed 004, the YBUILT stack guide: Tempo on S3 (us-east-1) with 3 days of hot traces in
 * `observability`, Loki next to it, Grafana in `observability` with Tempo, Loki and Prometheus
 * linked, the "YBUILT Distributed Tracing" dashboard, 10 % sampling in production.
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
    // "TLS for Tempo/Loki endpoints" (L433): the query API over HTTPS and the OTLP receivers
    // over TLS, both with the certificate cert-manager keeps in Secret `tempo-server-tls` for
    // the `tempo` Service (`tempo.observability.svc.cluster.local`).
    serverTls: { secretName: 'tempo-server-tls' },
    receiverTls: { secretName: 'tempo-server-tls' },
    // `limits:` (L108-110), in the scoped overrides format; equal to Tempo's defaults.
    limits: { maxBytesPerTrace: 5_000_000, maxTracesPerUser: 10_000 },
  },
  collector: {
    // The guide samples 10 % in the SDK; doing it once, at the agents, keeps whole traces
    // consistent across services (set the SDKs to parent-based always-on).
    sampling: CollectorSampling.head({ percentage: 10 }),
    // The gateway verifies Tempo's receivers against the issuing CA: only `ca.crt` of that
    // Secret is mounted (the key stays with Tempo).
    tempoTls: { caSecret: { name: 'tempo-server-tls', key: 'ca.crt' } },
  },
  grafana: {
    // The guide installs grafana/grafana in `observability` (L181) with exactly these three
    // datasources; their links use the UIDs `tempo` and `loki`.
    namespace: 'observability',
    tempoDatasource: { name: 'Tempo', uid: 'tempo', nodeGraph: true },
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.observability.svc.cluster.local:3100',
    }),
    // The only default in that Grafana; app metrics from OTel/Prometheus exporters carry the
    // trace ID in the exemplar label `trace_id`.
    prometheus: PrometheusDatasource.provisioned({
      name: 'Prometheus',
      uid: 'prometheus',
      url: 'http://prometheus.monitoring.svc.cluster.local:9090',
      isDefault: true,
      exemplarLabels: ['trace_id'],
    }),
    // Trace → logs finds `{job="ybuilt-api"}` (L373): the service name is the Loki `job`.
    logLabels: { 'service.name': 'job' },
    dashboards: [
      {
        title: 'YBUILT Distributed Tracing',
        slug: 'ybuilt-tracing',
        variables: { trace_id: '' },
        panels: [
          // Nothing here exports `http_requests_total` (L354): spans the agents accept instead.
          {
            type: 'timeseries',
            title: 'Request Rate',
            promql:
              'sum by (receiver) (rate(otelcol_receiver_accepted_spans_total{namespace="observability", job="otel-agent"}[5m]))',
            unit: 'cps',
            legend: 'spans accepted ({{receiver}})',
          },
          { type: 'trace', title: 'Trace Viewer', traceId: '$trace_id' },
          // The log-correlation query (L373).
          {
            type: 'logs',
            title: 'Logs of the trace',
            logql: '{job="ybuilt-api"} | json | trace_id="$trace_id"',
          },
        ],
      },
    ],
  },
  // The guide installs Grafana in `observability` (L181-186): it may query Tempo there.
  networkPolicies: { grafanaNamespace: 'observability' },
  gitops: false,
});
