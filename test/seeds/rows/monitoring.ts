/**
 * Monitoring rows of examples/SEEDS-CHECKLIST.md: alerts, SLOs, recording rules, PodMonitors,
 * metric names in alerts, NetworkPolicies, SUMMARY, credentials, namespaces (issue 15).
 * X rows have no entry here: they are the "Read and not expressed" lines of examples/README.md.
 */
import type { PathStep, SeedRow } from '../harness';

const ALERTS = 'monitoring/prometheusrule-tempo-alerts.yaml';
const RULES = 'monitoring/prometheusrule-tempo-rules.yaml';
const TEMPO_POD_MONITOR = 'monitoring/podmonitor-tempo.yaml';
const TEMPO_POLICY = 'network/networkpolicy-tempo.yaml';

/** Path to one rule of the `tempo-alerts` group (or another group), by alert name (and severity). */
const alert = (name: string, group = 'tempo-alerts', severity?: string): PathStep[] => [
  'spec',
  'groups',
  { name: group },
  'rules',
  severity ? { alert: name, labels: { severity } } : { alert: name },
];
/** Path to one SLO burn-rate alert (critical: the page). */
const slo = (name: string) => alert(name, 'tempo-slo-alerts', 'critical');

/** The 5-minute SLI recording rule of one SLO. */
const sli = (name: string): PathStep[] => [
  'spec',
  'groups',
  { name: 'tempo-slo-recording' },
  'rules',
  { record: 'slo:sli_error:ratio_rate5m', labels: { slo: name } },
  'expr',
];

/** Ingress rule of a NetworkPolicy whose peers are exactly `from`. */
const ingressFrom = (from: unknown[]): PathStep[] => ['spec', 'ingress', { from }, 'ports'];
const tcp = (port: number) => ({ port, protocol: 'TCP' });
const udp = (port: number) => ({ port, protocol: 'UDP' });
const peer = (namespace: string, name: string) => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
});

export const ROWS: readonly SeedRow[] = [
  // ---- 000 yc-dev
  {
    id: '000-29',
    quote: 'L91-93 "Username: admin / Password: admin123"',
    correction: '`admin/admin123` Grafana credentials',
  },
  {
    id: '000-30',
    quote: 'L101 etc. namespace `monitoring`',
    example: 'yc-dev',
    file: 'tempo/statefulset-tempo.yaml',
    path: ['metadata', 'namespace'],
    equals: 'monitoring',
  },
  {
    id: '000-30',
    quote: 'L101 namespace `monitoring` (PrometheusRule beside Tempo)',
    example: 'yc-dev',
    file: ALERTS,
    path: ['metadata', 'namespace'],
    equals: 'monitoring',
  },
  {
    id: '000-30',
    quote: 'L101 the shared `monitoring` namespace: SUMMARY claims nothing namespace-wide (F1)',
    example: 'yc-dev',
    file: 'SUMMARY.md',
    contains:
      "`monitoring`, shared, not managed by this app (no Namespace object, no Pod Security labels: its owner's level applies; nothing namespace-wide is written)",
  },
  {
    id: '000-30',
    quote: 'SUMMARY and headers name the example file (F2)',
    example: 'yc-dev',
    file: 'SUMMARY.md',
    contains: 'Generated from `examples/yc-dev.ts`',
  },
  {
    id: '000-32',
    quote:
      'L155-183 apps send to tempo.monitoring:4318 / :4317 from their own namespaces (L424 namespace="default")',
    example: 'yc-dev',
    file: TEMPO_POLICY,
    path: ingressFrom([{ namespaceSelector: {} }]),
    equals: [tcp(4317), tcp(4318), tcp(14250), tcp(14268), udp(6831), udp(6832), tcp(9411)],
  },
  {
    id: '000-32',
    quote: 'L155-183 apps in any namespace may send (SUMMARY flow matrix)',
    example: 'yc-dev',
    file: 'SUMMARY.md',
    contains: '| applications (every namespace) | tempo (monitoring) | 4317 (otlp-grpc), 4318 (otlp-http)',
  },
  {
    id: '000-41',
    quote: 'L36/L333 kube-prometheus-stack release `prometheus` (PodMonitor)',
    example: 'yc-dev',
    file: TEMPO_POD_MONITOR,
    path: ['metadata', 'labels', 'release'],
    equals: 'prometheus',
  },
  {
    id: '000-41',
    quote: 'L36/L333 kube-prometheus-stack release `prometheus` (PrometheusRule)',
    example: 'yc-dev',
    file: ALERTS,
    path: ['metadata', 'labels', 'release'],
    equals: 'prometheus',
  },

  // ---- 001 Tempo values README
  {
    id: '001-53',
    quote: 'L54/L145-148 span metrics remote-written to Mimir, where no PrometheusRule is evaluated',
    correction: 'span metrics remote-written to Mimir',
  },
  ...['tempo-values', 'tempo-values-dev'].map((example) => ({
    id: '001-53',
    quote: 'L54/L145-148 span metrics in Mimir: no alert reads them in the in-cluster Prometheus',
    example,
    file: 'SUMMARY.md',
    contains:
      "no span-metric alerts: Tempo's metrics generator writes them to http://mimir-gateway.observability.svc.cluster.local:8080/api/v1/push",
  })),
  {
    id: '001-20',
    quote: 'L168/179 namespace `observability`',
    example: 'tempo-values',
    file: ALERTS,
    path: ['metadata', 'namespace'],
    equals: 'observability',
  },
  {
    id: '001-32',
    quote:
      'L310-320 `tempo_distributor_ingestion_requests_total`, `tempo_query_frontend_requests_total`, `tempo_compactor_compaction_total`',
    correction: '`tempo_distributor_ingestion_requests_total`, `tempo_query_frontend_requests_total`',
  },
  {
    id: '001-34',
    quote: 'L342 "Ingestion Availability: 99.5%"',
    example: 'tempo-values',
    file: ALERTS,
    path: [...slo('TempoIngestionErrorBudgetBurning'), 'annotations', 'description'],
    contains: 'Objective 99.5 % (error budget 0.5 %)',
  },
  {
    id: '001-35',
    quote: 'L343 "Query Availability: 99%"',
    example: 'tempo-values',
    file: ALERTS,
    path: [...slo('TempoQueryErrorBudgetBurning'), 'annotations', 'description'],
    contains: 'Objective 99 % (error budget 1 %)',
  },
  {
    id: '001-36',
    quote: 'L344 "95% of queries complete within 2s" (the 95 %)',
    example: 'tempo-values',
    file: ALERTS,
    path: [...slo('TempoQueryLatencyErrorBudgetBurning'), 'annotations', 'description'],
    contains: 'Objective 95 % (error budget 5 %)',
  },
  {
    id: '001-36',
    quote: 'L344 "within 2s": no 2 s bucket on Tempo 2.x',
    correction: 'query latency SLO "95 % within 2 s"',
  },
  {
    id: '001-36',
    quote: 'L344 "within 2s": 2.5 s on 2.10.8, the bucket above it',
    example: 'tempo-values',
    file: RULES,
    path: sli('query-latency'),
    contains: 'le="2.5"',
  },
  {
    id: '001-36',
    quote: 'L344 "within 2s": exact on Tempo 3.0.3 (the dev variant) from the native histogram',
    example: 'tempo-values-dev',
    file: RULES,
    path: sli('query-latency'),
    contains:
      'histogram_fraction(0, 2, sum by (namespace, job) (rate(tempo_request_duration_seconds{namespace="observability", job="tempo", route=~"api_.*"}[5m])))',
  },
  {
    id: '001-36',
    quote: 'L344 "within 2s": the PodMonitor scrapes the native histogram and keeps the classic buckets',
    example: 'tempo-values-dev',
    file: TEMPO_POD_MONITOR,
    path: ['spec'],
    contains: '"scrapeClassicHistograms":true,"scrapeNativeHistograms":true',
  },
  {
    id: '001-36',
    quote: 'L344 "95% … within 2s" (the dev variant keeps the 95 %)',
    example: 'tempo-values-dev',
    file: ALERTS,
    path: [...slo('TempoQueryLatencyErrorBudgetBurning'), 'annotations', 'description'],
    contains:
      'Query API requests slower than 2s against all query API requests (native histogram). Objective 95 %',
  },
  {
    id: '001-37',
    quote: 'L345 "Compaction Success: 99%"',
    example: 'tempo-values',
    file: ALERTS,
    path: [...slo('TempoCompactionErrorBudgetBurning'), 'annotations', 'description'],
    contains: 'Objective 99 % (error budget 1 %)',
  },
  {
    id: '001-37',
    quote: 'L345 compaction success on `tempodb_compaction_errors_total`',
    example: 'tempo-values',
    file: RULES,
    path: sli('compaction-success'),
    contains: 'tempodb_compaction_errors_total{namespace="observability", job="tempo"}',
  },
  ...(['distributor', 'compactor', 'querier'] as const).map((component): SeedRow => ({
    id: '001-38',
    quote: `L355/370/383 label app.kubernetes.io/component=${component}`,
    example: 'tempo-values',
    file: `tempo/deployment-tempo-${component}.yaml`,
    path: ['spec', 'template', 'metadata', 'labels', 'app.kubernetes.io/component'],
    equals: component,
  })),

  // ---- 002 Honua deployment guide
  {
    id: '002-16',
    quote: 'L185/L228 namespace `observability`',
    example: 'honua',
    file: ALERTS,
    path: ['metadata', 'namespace'],
    equals: 'observability',
  },
  {
    id: '002-41',
    quote: 'L438-446 `/metrics` on 3200',
    example: 'honua',
    file: TEMPO_POD_MONITOR,
    path: ['spec', 'podMetricsEndpoints', 0, 'path'],
    equals: '/metrics',
  },
  {
    id: '002-41',
    quote: 'L438-446 `/metrics` on 3200 (the `http` port)',
    example: 'honua',
    file: TEMPO_POD_MONITOR,
    path: ['spec', 'podMetricsEndpoints', 0, 'port'],
    equals: 'http',
  },
  {
    id: '002-42',
    quote: 'L454 `tempo_distributor_spans_received_total`',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoDistributorDiscardingSpans'), 'expr'],
    contains: 'tempo_distributor_spans_received_total{namespace="observability", job="tempo"}',
  },
  {
    id: '002-43',
    quote: 'L457 `tempo_query_frontend_result_metrics_latency_bucket`',
    correction: '`tempo_query_frontend_result_metrics_latency_bucket`',
  },
  {
    id: '002-44',
    quote: 'L460 `tempo_ingester_blocks_total`; L466 `tempo_compactor_blocks_compacted_total`',
    correction: '`tempo_compactor_blocks_compacted_total`, `tempo_ingester_blocks_total`',
  },
  {
    id: '002-45',
    quote: 'L463 `tempo_distributor_ingester_append_failures_total`',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoIngesterAppendFailuresHigh'), 'expr'],
    contains:
      'rate(tempo_distributor_ingester_append_failures_total{namespace="observability", job="tempo"}[5m])',
  },
  {
    id: '002-46',
    quote: 'L477-481 `TempoHighIngestionErrors`: `rate(…append_failures_total[5m]) > 1`',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoIngesterAppendFailuresHigh'), 'expr'],
    equals:
      'sum by (namespace, job) (rate(tempo_distributor_ingester_append_failures_total{namespace="observability", job="tempo"}[5m])) > 1',
  },
  {
    id: '002-46',
    quote: 'L480 `for: 5m`',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoIngesterAppendFailuresHigh'), 'for'],
    equals: '5m',
  },
  {
    id: '002-46',
    quote: 'L478 alert name `TempoHighIngestionErrors`',
    correction: 'alert names `TempoHighIngestionErrors`, `TempoHighQueryLatency`, `TempoCompactorDown`',
  },
  {
    id: '002-47',
    quote: 'L483-487 `TempoHighQueryLatency` "p95 > 5s"',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoQueryFrontendLatencyHigh'), 'expr'],
    contains: '[5m])))\n> 5',
  },
  {
    id: '002-47',
    quote: 'L486 `for: 10m`',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoQueryFrontendLatencyHigh'), 'for'],
    equals: '10m',
  },
  {
    id: '002-48',
    quote: 'L484 `histogram_quantile(0.95, rate(…latency_bucket[5m])) > 5000`',
    correction: '`histogram_quantile(0.95, rate(…[5m])) > 5000` for "p95 > 5s"',
  },
  {
    id: '002-49',
    quote: 'L489-493 `TempoCompactorDown`: `up{job="tempo-compactor"} == 0`',
    correction: '`TempoCompactorDown`: `up{job="tempo-compactor"} == 0`',
  },
  {
    id: '002-49',
    quote: 'L492 `for: 5m` (TempoTargetDown covers the compactor)',
    example: 'honua',
    file: ALERTS,
    path: [...alert('TempoTargetDown'), 'for'],
    equals: '5m',
  },
  {
    id: '002-62',
    quote: 'L719 "Implement network policies"',
    example: 'honua',
    file: 'network/networkpolicy-tracesynth-default-deny.yaml',
    path: ['spec'],
    equals: {
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'tracesynth' } },
      policyTypes: ['Ingress', 'Egress'],
    },
  },

  {
    id: '002-63',
    quote: 'L769 "Point Zipkin reporter to tempo:9411"',
    correction: 'Zipkin reporters pointed at `tempo:9411`',
  },
  {
    id: '002-63',
    quote: 'L769 Tempo keeps its Zipkin receiver on 9411',
    example: 'honua',
    file: 'tempo/service-tempo.yaml',
    path: ['spec', 'ports', { name: 'zipkin' }, 'port'],
    equals: 9411,
  },

  // ---- 003 Fawkes ADR
  {
    id: '003-05',
    quote: 'L56 "Alert on trace-based SLIs (P95 latency, error rates)"',
    example: 'fawkes',
    file: ALERTS,
    contains: 'ServiceLatencyHigh',
  },
  {
    id: '003-05',
    quote: 'L56 trace-based SLI: error rates',
    example: 'fawkes',
    file: ALERTS,
    contains: 'ServiceErrorRatioHigh',
  },
  {
    id: '003-65',
    quote:
      'L899-903 `tempo_ingester_bytes_received_total`, `tempo_ingester_blocks_flushed_total`, `…result_metrics_inspected_bytes`, `tempo_compactor_blocks_compacted_total`',
    correction: '`tempo_ingester_bytes_received_total`, `tempo_ingester_blocks_flushed_total`',
  },
  {
    id: '003-68',
    quote: 'L917-921 `TempoHighIngestionErrors` `> 100`',
    example: 'fawkes',
    file: ALERTS,
    path: [...alert('TempoDiscardedSpansRateHigh'), 'expr'],
    equals:
      'sum by (namespace, job) (rate(tempo_discarded_spans_total{namespace="fawkes-observability", job="tempo"}[5m])) > 100',
  },
  {
    id: '003-68',
    quote: 'L920 `for: 10m`',
    example: 'fawkes',
    file: ALERTS,
    path: [...alert('TempoDiscardedSpansRateHigh'), 'for'],
    equals: '10m',
  },
  {
    id: '003-68',
    quote: 'L918 alert name `TempoHighIngestionErrors`',
    correction: 'alert names `TempoHighIngestionErrors`, `TempoHighQueryLatency`, `TempoStorageUsageHigh`',
  },
  {
    id: '003-69',
    quote: 'L918 `tempo_distributor_spans_received_total{status="error"}`',
    correction: '`TempoHighIngestionErrors` on `tempo_distributor_spans_received_total{status="error"}`',
  },
  {
    id: '003-70',
    quote: 'L923-927 `TempoHighQueryLatency` `> 10`',
    example: 'fawkes',
    file: ALERTS,
    path: [...alert('TempoQueryFrontendLatencyHigh'), 'expr'],
    contains: '[5m])))\n> 10',
  },
  {
    id: '003-70',
    quote: 'L926 `for: 5m`',
    example: 'fawkes',
    file: ALERTS,
    path: [...alert('TempoQueryFrontendLatencyHigh'), 'for'],
    equals: '5m',
  },
  {
    id: '003-71',
    quote: 'L924 `histogram_quantile(0.95, tempo_query_frontend_duration_seconds_bucket)`',
    correction:
      '`TempoHighQueryLatency`: `histogram_quantile(0.95, tempo_query_frontend_duration_seconds_bucket) > 10`',
  },
  {
    id: '003-72',
    quote: 'L929-932 `TempoStorageUsageHigh`: `tempo_ingester_bytes_metric_total > 100e9`',
    correction: '`TempoStorageUsageHigh`: `tempo_ingester_bytes_metric_total > 100e9`',
  },
  {
    id: '003-72',
    quote: 'L929-932 storage usage: the PVC fill alert instead',
    example: 'fawkes',
    file: ALERTS,
    path: [...alert('TempoStorageFillingUp', 'tempo-alerts', 'warning'), 'expr'],
    contains: 'kubelet_volume_stats_used_bytes{namespace="fawkes-observability"',
  },

  // ---- 004 YBUILT stack guide
  {
    id: '004-08',
    quote: 'L61/L64 namespace `observability`',
    example: 'ybuilt',
    file: ALERTS,
    path: ['metadata', 'namespace'],
    equals: 'observability',
  },
  {
    id: '004-17',
    quote: 'L181-186 Grafana installed in `observability`: may query Tempo on 3200',
    example: 'ybuilt',
    file: TEMPO_POLICY,
    path: ingressFrom([peer('observability', 'grafana')]),
    equals: [tcp(3200)],
  },
  {
    id: '004-18',
    quote: 'L185/L416 `adminPassword=admin`',
    correction: '`adminPassword=admin` for the Grafana install',
  },
];
