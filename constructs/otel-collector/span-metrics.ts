/**
 * Span metrics before tail sampling (issue 15): the gateway's `span_metrics` connector reads the
 * same traces the tail sampler gets, before any are dropped, so error ratios and latency
 * percentiles are those of all traffic (Tempo's generator, behind the sampler, sees mostly errors
 * and slow traces). The connector feeds a metrics pipeline that ends in the `prometheus`
 * exporter, which the gateway's PodMonitor scrapes.
 * Keys: contrib v0.161.0 `connector/spanmetricsconnector/config.go` and
 * `exporter/prometheusexporter/config.go` (`enable_open_metrics` default false, needed for exemplars).
 */
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import { ConfigError, show } from '../../lib/errors';
import { checkAttributeName, checkBoolean, checkPort } from '../../lib/validate';
import type { AttributeName } from '../../lib/input-types';

/** The collector's `prometheus` exporter: a `/metrics` endpoint Prometheus scrapes. */
export interface PrometheusExporterProps {
  /** Port of the exporter's `/metrics` endpoint. @default 8889 */
  readonly port?: number;
  /** OpenMetrics exposition (`enable_open_metrics`): needed for exemplars (`trace_id`). @default true */
  readonly enableOpenMetrics?: boolean;
}

export interface PrometheusExporterSettings {
  readonly port: number;
  readonly enableOpenMetrics: boolean;
}

export const PROMETHEUS_EXPORTER_PORT = 8889;
/** Name of the exporter's container port (≤ 15 characters, IANA_SVC_NAME). */
export const PROMETHEUS_EXPORTER_PORT_NAME = 'prometheus';

export function resolvePrometheusExporter(
  props: PrometheusExporterProps | undefined,
  property: string,
): PrometheusExporterSettings | undefined {
  if (props === undefined) return undefined;
  const port = checkPort(props.port ?? PROMETHEUS_EXPORTER_PORT, `${property}.port`);
  const enableOpenMetrics = checkBoolean(props.enableOpenMetrics ?? true, `${property}.enableOpenMetrics`);
  return { port, enableOpenMetrics };
}

export interface SpanMetricsProps {
  /**
   * Bucket boundaries of the latency histogram. Put the latency thresholds the alerts use on a
   * boundary (a P95 between two boundaries is interpolated).
   * @default ['5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '500ms', '1s', '2.5s', '5s', '10s']
   */
  readonly buckets?: readonly DurationInput[];
  /** Extra span or resource attributes that become labels (`dimensions`). @default - none */
  readonly dimensions?: readonly AttributeName[];
}

export interface SpanMetricsSettings {
  /** Boundaries in seconds, ascending. */
  readonly buckets: readonly number[];
  readonly dimensions: readonly string[];
}

export const DEFAULT_SPAN_METRIC_BUCKETS = [
  '5ms',
  '10ms',
  '25ms',
  '50ms',
  '100ms',
  '250ms',
  '500ms',
  '1s',
  '2.5s',
  '5s',
  '10s',
] as const;

export function resolveSpanMetrics(props: SpanMetricsProps, property: string): SpanMetricsSettings {
  const input = props.buckets ?? DEFAULT_SPAN_METRIC_BUCKETS;
  if (!Array.isArray(input) || input.length < 2)
    throw new ConfigError(
      `${property}.buckets`,
      `${show(input)} needs at least two boundaries; give ascending durations such as ['100ms', '1s', '5s']`,
    );
  const buckets = input.map((b, i) => toDuration(b, `${property}.buckets[${i}]`));
  buckets.forEach((b, i) => {
    if (b.milliseconds <= 0 || (i > 0 && b.compare(buckets[i - 1]!) <= 0))
      throw new ConfigError(
        `${property}.buckets[${i}]`,
        `${show(input[i]!.toString())} is not above the previous boundary${i > 0 ? ` (${buckets[i - 1]})` : ' (0s)'}; give strictly ascending positive durations`,
      );
  });
  const dimensions = props.dimensions ?? [];
  dimensions.forEach((d, i) => checkAttributeName(d, `${property}.dimensions[${i}]`));
  if (new Set(dimensions).size !== dimensions.length)
    throw new ConfigError(`${property}.dimensions`, 'lists an attribute twice; give each attribute once');
  return { buckets: buckets.map((b) => b.milliseconds / 1000), dimensions };
}

/** The connector block: names, unit and buckets explicit, so the metric catalog cannot drift. */
export function spanMetricsConnector(s: SpanMetricsSettings): Record<string, unknown> {
  return {
    namespace: 'traces.span.metrics',
    aggregation_temporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE',
    histogram: {
      unit: 's',
      explicit: { buckets: s.buckets.map((b) => GoDuration.seconds(b).toString()) },
    },
    ...(s.dimensions.length ? { dimensions: s.dimensions.map((name) => ({ name })) } : {}),
    exemplars: { enabled: true },
    // Default 60s; a scrape every 30s would see each flush twice.
    metrics_flush_interval: '15s',
  };
}

/** The exporter block. `translation_strategy` fixed, so the names in the catalog hold. */
export function prometheusExporter(s: PrometheusExporterSettings, host: string): Record<string, unknown> {
  return {
    endpoint: `${host}:${s.port}`,
    enable_open_metrics: s.enableOpenMetrics,
    translation_strategy: 'UnderscoreEscapingWithSuffixes',
    without_scope_info: true,
  };
}
