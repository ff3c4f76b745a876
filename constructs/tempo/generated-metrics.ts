/**
 * Names of the metrics Tempo's metrics-generator (3.0.3 and 2.10.8) writes (remote_write) per processor, with
 * their labels, so dashboards and alerts reference them instead of repeating strings.
 * Source: grafana/tempo v3.0.3 (same names in v2.10.8) `modules/generator/processor/spanmetrics/spanmetrics.go` and
 * `servicegraphs/servicegraphs.go`; docs `metrics-generator/span_metrics.md`, `service_graphs.md`.
 */
/** `local-blocks` exists on 2.10 only (removed in 3.0; a synth error there). */
export type MetricsGeneratorProcessor = 'service-graphs' | 'span-metrics' | 'local-blocks';

export const METRICS_GENERATOR_PROCESSORS: readonly MetricsGeneratorProcessor[] = [
  'service-graphs',
  'span-metrics',
  'local-blocks',
];

export const SPAN_METRICS = {
  /** Counter of spans, by service, span_name, span_kind, status_code. */
  calls: 'traces_spanmetrics_calls_total',
  /** Histogram of span durations in seconds (`_bucket`, `_count`, `_sum`). */
  latencyBucket: 'traces_spanmetrics_latency_bucket',
  latencyCount: 'traces_spanmetrics_latency_count',
  latencySum: 'traces_spanmetrics_latency_sum',
  /** Counter of span bytes. */
  size: 'traces_spanmetrics_size_total',
  labels: { service: 'service', spanName: 'span_name', spanKind: 'span_kind', statusCode: 'status_code' },
  /** `status_code` value of failed spans. */
  errorStatus: 'STATUS_CODE_ERROR',
} as const;

export const SERVICE_GRAPH_METRICS = {
  /** Counter of requests between two services, by client, server, connection_type. */
  requests: 'traces_service_graph_request_total',
  failedRequests: 'traces_service_graph_request_failed_total',
  /** Histograms of request durations seen by the server and by the client. */
  serverSecondsBucket: 'traces_service_graph_request_server_seconds_bucket',
  clientSecondsBucket: 'traces_service_graph_request_client_seconds_bucket',
  unpairedSpans: 'traces_service_graph_unpaired_spans_total',
  droppedSpans: 'traces_service_graph_dropped_spans_total',
  labels: { client: 'client', server: 'server', connectionType: 'connection_type' },
} as const;

/** The span-metric names any producer offers (Tempo's generator, the collector's connector). */
export interface SpanMetricNames {
  readonly calls: string;
  readonly latencyBucket: string;
  readonly latencyCount: string;
  readonly latencySum: string;
  readonly labels: {
    readonly service: string;
    readonly spanName: string;
    readonly spanKind: string;
    readonly statusCode: string;
  };
  readonly errorStatus: string;
}
export type ServiceGraphMetricNames = typeof SERVICE_GRAPH_METRICS;
