/**
 * The span metrics of one stack, by producer: Tempo's metrics-generator (after any sampling:
 * it sees what Tempo stores) or the gateway's `span_metrics` connector (before tail sampling:
 * it sees every span). Alerts, dashboards and the Tempo datasource's trace-to-metrics queries
 * take names, labels and buckets from here, never literals, so moving the producer moves them.
 * docs/collector.md "Span metrics before tail sampling".
 */
import { ConfigError } from '../../lib/errors';
import { SPAN_METRICS, SpanMetricNames } from '../tempo/generated-metrics';

/** The span metrics of a stack: the names any producer offers (`SpanMetricNames`) and more. */
export interface SpanMetricCatalog extends SpanMetricNames {
  /** Who computes them. */
  readonly producer: 'tempo-metrics-generator' | 'collector-span-metrics-connector';
  /** True when every span is counted (nothing sampled away before the producer). */
  readonly beforeSampling: boolean;
  /** `span_kind` value of server spans. */
  readonly serverKind: string;
  /** Finite bucket boundaries (`le`) of the latency histogram, in seconds, ascending. */
  readonly buckets: readonly number[];
  /** Label selecting this stack's series (the generator's external labels, or the scrape target). */
  readonly seriesLabels: Readonly<Record<string, string>>;
  /** Prefix of the span-metric alert names. */
  readonly alertPrefix: string;
  /** Where the series come from, for alert descriptions. */
  readonly source: string;
}

/**
 * Tempo's generator: `ExponentialBuckets(0.002, 2, 14)` (grafana/tempo v3.0.3
 * `modules/generator/processor/spanmetrics/config.go:70`, same on v2.10.8).
 */
export const TEMPO_SPAN_METRIC_BUCKETS: readonly number[] = Array.from({ length: 14 }, (_, i) =>
  Number((0.002 * 2 ** i).toFixed(3)),
);

export function tempoSpanMetricCatalog(
  externalLabels: Readonly<Record<string, string>>,
  beforeSampling: boolean,
): SpanMetricCatalog {
  return {
    producer: 'tempo-metrics-generator',
    beforeSampling,
    calls: SPAN_METRICS.calls,
    latencyBucket: SPAN_METRICS.latencyBucket,
    latencyCount: SPAN_METRICS.latencyCount,
    latencySum: SPAN_METRICS.latencySum,
    labels: SPAN_METRICS.labels,
    errorStatus: SPAN_METRICS.errorStatus,
    serverKind: 'SPAN_KIND_SERVER',
    buckets: TEMPO_SPAN_METRIC_BUCKETS,
    seriesLabels: externalLabels,
    alertPrefix: 'TempoSpanMetrics',
    source: beforeSampling
      ? 'span metrics of the Tempo metrics generator'
      : 'span metrics of the Tempo metrics generator, of sampled traces only',
  };
}

/**
 * The gateway's `span_metrics` connector (contrib v0.161.0) through the `prometheus` exporter
 * with `translation_strategy: UnderscoreEscapingWithSuffixes`: namespace `traces.span.metrics`
 * (`connector/spanmetricsconnector/factory.go:25`), metrics `calls` and `duration`
 * (`connector.go:46-47`), data-point attributes `service.name`, `span.name`, `span.kind`,
 * `status.code` (`connector.go:34-37,577-596`) with `traceutil.SpanKindStr`/`StatusCodeStr`
 * values; histogram unit `s` gives `_seconds` (checked against the real 0.161.0 binary).
 */
export const COLLECTOR_SPAN_METRICS = {
  calls: 'traces_span_metrics_calls_total',
  latencyBucket: 'traces_span_metrics_duration_seconds_bucket',
  latencyCount: 'traces_span_metrics_duration_seconds_count',
  latencySum: 'traces_span_metrics_duration_seconds_sum',
  labels: {
    service: 'service_name',
    spanName: 'span_name',
    spanKind: 'span_kind',
    statusCode: 'status_code',
  },
  errorStatus: 'STATUS_CODE_ERROR',
  serverKind: 'SPAN_KIND_SERVER',
} as const;

export function collectorSpanMetricCatalog(
  buckets: readonly number[],
  seriesLabels: Readonly<Record<string, string>>,
): SpanMetricCatalog {
  return {
    producer: 'collector-span-metrics-connector',
    beforeSampling: true,
    ...COLLECTOR_SPAN_METRICS,
    buckets,
    seriesLabels,
    alertPrefix: 'OtelCollectorSpanMetrics',
    source: "span metrics of the gateway's span_metrics connector, every span before tail sampling",
  };
}

/** What `stackSpanMetrics` needs: Tempo's generator and the gateway, by reference. */
export interface SpanMetricProducers {
  readonly tempo: {
    generates(processor: 'span-metrics'): boolean;
    readonly settings: { readonly metricsGenerator?: { readonly externalLabels?: Record<string, string> } };
  };
  readonly gateway?: { readonly spanMetrics?: SpanMetricCatalog; readonly tailSampling?: unknown };
}

/**
 * The stack's span metrics: the gateway's connector when it computes them, else Tempo's
 * generator (of sampled traces, when the gateway tail-samples). Both at once is refused: the
 * generator's series would count only the traces tail sampling kept and double the catalog.
 */
export function stackSpanMetrics(w: SpanMetricProducers): SpanMetricCatalog | undefined {
  const tempoOn = w.tempo.generates('span-metrics');
  if (w.gateway?.spanMetrics) {
    if (tempoOn)
      throw new ConfigError(
        'tempo.metricsGenerator.processors',
        "'span-metrics' is on while the collector gateway computes span metrics before tail sampling; Tempo's would count only the sampled traces (biased towards errors and slow traces) and duplicate them. Remove 'span-metrics' (keep 'service-graphs'), or set collector.gateway.spanMetrics: false",
      );
    return w.gateway.spanMetrics;
  }
  if (!tempoOn) return undefined;
  return tempoSpanMetricCatalog(
    w.tempo.settings.metricsGenerator?.externalLabels ?? {},
    w.gateway?.tailSampling === undefined,
  );
}
