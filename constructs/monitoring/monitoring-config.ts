/**
 * The monitoring config: what is scraped (targets derived from the constructs), thresholds, SLOs
 * and labels. Alerts and recording rules are pure functions of this object (as in the
 * tempo-mixin: config, alerts, rules and dashboards kept apart).
 */
import { SpanMetricCatalog, stackSpanMetrics } from '../otel-collector/span-metric-catalog';
import { ConfigError, show } from '../../lib/errors';
import { checkPositiveNumber } from '../../lib/validate';
import { PROJECT } from '../../lib/versions';
import type { OtelCollectorAgent } from '../otel-collector/otel-collector-agent';
import type { OtelCollectorGateway } from '../otel-collector/otel-collector-gateway';
import type { StackWorkloads } from '../stack/workloads';

export interface MonitoringThresholdsProps {
  /** P95 query latency (s) above which `TempoQueryFrontendLatencyHigh` fires. @default 3 */
  readonly queryLatencyP95Seconds?: number;
  /** Share of received spans discarded (any reason) that is alarming. @default 0.01 */
  readonly discardedSpansRatio?: number;
  /** Share of spans an exporter fails to send. @default 0.01 */
  readonly exporterFailureRatio?: number;
  /** Exporter queue fill ratio, (0, 1]. @default 0.8 */
  readonly exporterQueueRatio?: number;
  /** PVC fill ratios for warning and critical. @default { warning: 0.8, critical: 0.9 } */
  readonly storageUsedRatio?: { readonly warning: number; readonly critical: number };
  /** Per-service P95 latency (s) from span metrics (server spans). @default 1 */
  readonly serviceLatencyP95Seconds?: number;
  /** Per-service error ratio from span metrics (server spans). @default 0.05 */
  readonly serviceErrorRatio?: number;
}

export interface MonitoringProps {
  /** Labels the Prometheus Operator selects PodMonitors and PrometheusRules by. @default { release: 'kube-prometheus-stack' } */
  readonly prometheusLabels?: Record<string, string>;
  /** Scrape interval. @default '30s' */
  readonly scrapeInterval?: string;
  /** Base URL of this project's runbooks (`docs/runbooks.md`). @default PROJECT.runbooks */
  readonly runbookBaseUrl?: string;
  readonly thresholds?: MonitoringThresholdsProps;
}

/** A scraped workload: the `namespace` and `job` labels its series carry. */
export interface ScrapeTarget {
  readonly namespace: string;
  readonly job: string;
}

export interface MonitoringConfig {
  readonly tempo: ScrapeTarget & {
    /** Regex of Tempo's PVC names (`storage-<statefulset>-<ordinal>`). */
    readonly pvcPattern: string;
    /** `single-binary`, or the distributed components (the `component` label of the series). */
    readonly components: readonly string[];
    /** The Tempo line: its components and metrics differ (3.0 has no ingesters or compactor). */
    readonly line: '3.0' | '2.10';
    /** 3.0 microservices: the write path goes through Kafka (partition lag, produce failures). */
    readonly kafka: boolean;
    readonly spanMetrics: boolean;
    /** Labels selecting this stack's generated series (the generator's external labels). */
    readonly generatedSeriesLabels: Readonly<Record<string, string>>;
  };
  readonly collectors: readonly ScrapeTarget[];
  readonly tailSampling: boolean;
  /** The stack's span metrics (producer, names, labels, buckets), if any (span-metric-catalog.ts). */
  readonly spanMetrics?: SpanMetricCatalog;
  readonly thresholds: Required<MonitoringThresholdsProps>;
  readonly runbookBaseUrl: string;
  readonly tempoMixinRunbook: string;
}

/** The tempo-mixin's runbook, for the alerts taken from it. */
export const TEMPO_MIXIN_RUNBOOK =
  'https://github.com/grafana/tempo/tree/main/operations/tempo-mixin/runbook.md';

/** A threshold: a positive number. */
const positive = (value: number, property: string) =>
  checkPositiveNumber(value, property, 'give a threshold greater than 0');

function ratio(value: number, property: string): number {
  positive(value, property);
  if (value > 1)
    throw new ConfigError(
      property,
      `${show(value)} is a ratio above 1; give a value in (0, 1], e.g. 0.8 for 80 %`,
    );
  return value;
}

export function resolveMonitoringConfig(props: MonitoringProps & StackWorkloads): MonitoringConfig {
  const t = props.thresholds ?? {};
  const p = 'monitoring.thresholds';
  const storage = t.storageUsedRatio ?? { warning: 0.8, critical: 0.9 };
  ratio(storage.warning, `${p}.storageUsedRatio.warning`);
  ratio(storage.critical, `${p}.storageUsedRatio.critical`);
  if (storage.critical <= storage.warning) {
    throw new ConfigError(
      `${p}.storageUsedRatio.critical`,
      `${storage.critical} is not above the warning ratio (${storage.warning}); give a critical ratio above the warning one`,
    );
  }
  const tempo = props.tempo;
  const mg = tempo.settings.metricsGenerator;
  return {
    tempo: {
      namespace: tempo.namespace,
      job: tempo.name,
      pvcPattern: tempo.pvcPattern,
      components:
        tempo.settings.mode === 'distributed'
          ? tempo.settings.components.map((c) => c.component)
          : ['single-binary'],
      line: tempo.settings.line,
      kafka: tempo.settings.kafka !== undefined,
      spanMetrics: tempo.generates('span-metrics'),
      generatedSeriesLabels: mg?.externalLabels ?? {},
    },
    collectors: [props.gateway, props.agent]
      .filter((c): c is OtelCollectorGateway | OtelCollectorAgent => c !== undefined)
      .map((c) => ({ namespace: c.namespace, job: c.name })),
    tailSampling: props.gateway?.tailSampling !== undefined,
    spanMetrics: stackSpanMetrics(props),
    thresholds: {
      queryLatencyP95Seconds: positive(t.queryLatencyP95Seconds ?? 3, `${p}.queryLatencyP95Seconds`),
      discardedSpansRatio: ratio(t.discardedSpansRatio ?? 0.01, `${p}.discardedSpansRatio`),
      exporterFailureRatio: ratio(t.exporterFailureRatio ?? 0.01, `${p}.exporterFailureRatio`),
      exporterQueueRatio: ratio(t.exporterQueueRatio ?? 0.8, `${p}.exporterQueueRatio`),
      storageUsedRatio: storage,
      serviceLatencyP95Seconds: positive(t.serviceLatencyP95Seconds ?? 1, `${p}.serviceLatencyP95Seconds`),
      serviceErrorRatio: ratio(t.serviceErrorRatio ?? 0.05, `${p}.serviceErrorRatio`),
    },
    runbookBaseUrl: props.runbookBaseUrl ?? PROJECT.runbooks,
    tempoMixinRunbook: TEMPO_MIXIN_RUNBOOK,
  };
}
