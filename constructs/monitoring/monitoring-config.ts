/**
 * The monitoring config: what is scraped (targets derived from the constructs), thresholds, SLOs
 * and labels. Alerts and recording rules are pure functions of this object (as in the
 * tempo-mixin: config, alerts, rules and dashboards kept apart).
 */
import { SpanMetricCatalog, stackSpanMetrics } from '../otel-collector/span-metric-catalog';
import { ConfigError, show } from '../../lib/errors';
import { checkPositiveNumber } from '../../lib/validate';
import { urlPeer } from '../common/flows';
import { PROJECT } from '../../lib/versions';
import { TEMPO_REQUEST_DURATION_BUCKETS } from './metric-catalog';
import type { OtelCollectorAgent } from '../otel-collector/otel-collector-agent';
import type { OtelCollectorGateway } from '../otel-collector/otel-collector-gateway';
import type { StackWorkloads } from '../stack/workloads';
import type { HttpUrl, Labels, PrometheusDuration } from '../../lib/input-types';

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
  /**
   * Absolute rate of discarded spans (spans/s, any reason: rate limits, live-trace and trace-size
   * limits; `tempo_discarded_spans_total`) above which `TempoDiscardedSpansRateHigh` fires.
   * @default - no absolute-rate alert (the ratio alert `TempoDistributorDiscardingSpans` only)
   */
  readonly discardedSpansPerSecond?: number;
  /**
   * Failed batch appends from distributors to ingesters per second
   * (`tempo_distributor_ingester_append_failures_total`, Tempo 2.10 only: 3.0 has no ingesters)
   * above which `TempoIngesterAppendFailuresHigh` fires.
   * @default - no such alert
   */
  readonly ingesterAppendFailuresPerSecond?: number;
}

/**
 * How long each threshold alert's condition must hold before it fires (the rule's `for`), as a
 * Prometheus duration in whole minutes (`'10m'`, `'1h'`).
 */
export interface AlertForProps {
  /** @default '15m' */
  readonly TempoQueryFrontendLatencyHigh?: PrometheusDuration;
  /** @default '15m' */
  readonly TempoDistributorDiscardingSpans?: PrometheusDuration;
  /** @default '15m' */
  readonly TempoDiscardedSpansRateHigh?: PrometheusDuration;
  /** @default '5m' */
  readonly TempoIngesterAppendFailuresHigh?: PrometheusDuration;
  /** @default '5m' */
  readonly TempoTargetDown?: PrometheusDuration;
}

/** The `for` of each tunable alert when the environment does not set it. */
export const ALERT_FOR_DEFAULTS: Required<AlertForProps> = {
  TempoQueryFrontendLatencyHigh: '15m',
  TempoDistributorDiscardingSpans: '15m',
  TempoDiscardedSpansRateHigh: '15m',
  TempoIngesterAppendFailuresHigh: '5m',
  TempoTargetDown: '5m',
};

export interface MonitoringProps {
  /** Labels the Prometheus Operator selects PodMonitors and PrometheusRules by. @default { release: 'kube-prometheus-stack' } */
  readonly prometheusLabels?: Labels;
  /** Scrape interval. @default '30s' */
  readonly scrapeInterval?: PrometheusDuration;
  /** Base URL of this project's runbooks (`docs/runbooks.md`). @default PROJECT.runbooks */
  readonly runbookBaseUrl?: HttpUrl;
  readonly thresholds?: MonitoringThresholdsProps;
  /** The `for` of the threshold alerts. @default ALERT_FOR_DEFAULTS */
  readonly alertFor?: AlertForProps;
  /**
   * Scrape Tempo's native histograms too (PodMonitor `scrapeNativeHistograms` and
   * `scrapeClassicHistograms`, Prometheus >= 3.8), and compute the query-latency SLO from the
   * native `tempo_request_duration_seconds` with `histogram_fraction`. Tempo 3.0 exposes its
   * request durations as native histograms with bucket factor 1.1 (schema 3), whose boundaries
   * include every power of two: a threshold such as 2 s, which the classic buckets (… 1, 2.5, 5 …)
   * lack, is measured exactly. Tempo 2.10 exposes classic buckets only.
   * @default false
   */
  readonly nativeHistograms?: boolean;
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
    /** 3.0 microservices: a lagging live-store fails recent queries (`live_store.fail_on_high_lag`). */
    readonly failOnHighLag?: boolean;
    readonly spanMetrics: boolean;
    /** `tempo.caches`: whether any pool serves a backend role (read with `Memcache.Get`), any pool at all. */
    readonly caches?: { readonly any: boolean; readonly backendRoles: boolean };
    /** Labels selecting this stack's generated series (the generator's external labels). */
    readonly generatedSeriesLabels: Readonly<Record<string, string>>;
  };
  readonly collectors: readonly ScrapeTarget[];
  /** The memcached pools this app deploys (their exporters are scraped, `job` = the pool). */
  readonly memcachedPools?: readonly ScrapeTarget[];
  /**
   * The query gateway (its nginx exporter sidecar, `job` = the gateway's Deployment), and whether
   * it authenticates through oauth2-proxy (scraped too).
   */
  readonly queryGateway?: ScrapeTarget & { readonly oidc: boolean };
  /** The rollout-operator of the live-store zones (`job` = its Deployment), and the rollout group it rolls. */
  readonly rolloutOperator?: ScrapeTarget & { readonly rolloutGroup: string };
  readonly tailSampling: boolean;
  /** The stack's span metrics (producer, names, labels, buckets), if any (span-metric-catalog.ts). */
  readonly spanMetrics?: SpanMetricCatalog;
  /**
   * Where the span metrics are, when the Prometheus evaluating these rules does not receive them
   * (Tempo's generator remote-writes them elsewhere): no alert reads them then.
   * @default - they reach that Prometheus (or there are none)
   */
  readonly spanMetricsElsewhere?: string;
  readonly thresholds: Required<
    Omit<MonitoringThresholdsProps, 'discardedSpansPerSecond' | 'ingesterAppendFailuresPerSecond'>
  > &
    Pick<MonitoringThresholdsProps, 'discardedSpansPerSecond' | 'ingesterAppendFailuresPerSecond'>;
  /** The `for` of every tunable alert (defaults filled in). */
  readonly alertFor: Required<AlertForProps>;
  /** Tempo's native histograms are scraped (and the latency SLO reads them). */
  readonly nativeHistograms: boolean;
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

/** Minutes of a Prometheus duration in whole minutes, hours or days (`'10m'`, `'1h'`, `'1d'`). */
export function forMinutes(text: string): number {
  const m = /^([1-9]\d*)([mhd])$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] === 'd' ? 1440 : m[2] === 'h' ? 60 : 1);
}

function resolveAlertFor(props: AlertForProps): Required<AlertForProps> {
  // Unknown alert names and non-strings are refused by the environment schema.
  for (const [alert, value] of Object.entries(props) as [string, string][]) {
    if (!(forMinutes(value) <= 1440))
      throw new ConfigError(
        `monitoring.alertFor.${alert}`,
        `${show(value)} is not a duration in whole minutes, hours or days up to 1d; give e.g. '10m' or '1h'`,
      );
  }
  return { ...ALERT_FOR_DEFAULTS, ...props };
}

/**
 * Whether Tempo's generated series reach the Prometheus that evaluates this stack's rules (the
 * Prometheus Operator's Prometheus in `prometheusNamespace`, which scrapes the PodMonitors and
 * loads the PrometheusRules of `prometheusLabels`): one of the generator's remote-write URLs is
 * a Prometheus remote-write receiver (`/api/v1/write`, `--web.enable-remote-write-receiver`) of a
 * Service in that namespace. Mimir (`/api/v1/push`), Thanos Receive or a Prometheus elsewhere
 * keep them from it; alerts on them would be evaluated on series that never arrive.
 */
export function generatedSeriesReachRules(
  remoteWrite: readonly { readonly url: string }[],
  tempoNamespace: string,
  prometheusNamespace: string,
): boolean {
  return remoteWrite.some((r, i) => {
    const { peer } = urlPeer(
      r.url,
      'remoteWrite',
      tempoNamespace,
      `tempo.metricsGenerator.remoteWrite[${i}].url`,
    );
    return (
      peer.kind === 'service' &&
      peer.namespace === prometheusNamespace &&
      new URL(r.url).pathname.replace(/\/+$/, '') === '/api/v1/write'
    );
  });
}

export interface MonitoringInputs extends MonitoringProps, StackWorkloads {
  /**
   * Namespace of the Prometheus that scrapes the PodMonitors and evaluates the PrometheusRules
   * (`networkPolicies.prometheusNamespace` in an environment).
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}

export function resolveMonitoringConfig(props: MonitoringInputs): MonitoringConfig {
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
  const line = tempo.settings.line;
  const nativeHistograms = props.nativeHistograms ?? false;
  if (nativeHistograms && line !== '3.0')
    throw new ConfigError(
      'monitoring.nativeHistograms',
      `Tempo ${line} exposes no native histograms (only 3.0 sets a native bucket factor, 1.1, on its request durations); remove it, or run Tempo 3.0`,
    );
  const appendFailures = t.ingesterAppendFailuresPerSecond;
  if (appendFailures !== undefined) {
    positive(appendFailures, `${p}.ingesterAppendFailuresPerSecond`);
    if (line !== '2.10')
      throw new ConfigError(
        `${p}.ingesterAppendFailuresPerSecond`,
        `Tempo ${line} has no ingesters, so tempo_distributor_ingester_append_failures_total does not exist; use discardedSpansPerSecond (tempo_discarded_spans_total) instead`,
      );
  }
  if (t.discardedSpansPerSecond !== undefined)
    positive(t.discardedSpansPerSecond, `${p}.discardedSpansPerSecond`);
  const latency = positive(t.queryLatencyP95Seconds ?? 3, `${p}.queryLatencyP95Seconds`);
  const lowest = TEMPO_REQUEST_DURATION_BUCKETS[0];
  const highest = TEMPO_REQUEST_DURATION_BUCKETS[TEMPO_REQUEST_DURATION_BUCKETS.length - 1];
  if (latency < lowest)
    throw new ConfigError(
      `${p}.queryLatencyP95Seconds`,
      `${show(latency)} is below the lowest bucket of tempo_request_duration_seconds (${lowest} s), so the P95 could never stay under it; give at least ${lowest}`,
    );
  if (latency >= highest)
    throw new ConfigError(
      `${p}.queryLatencyP95Seconds`,
      `${show(latency)} is not below the highest finite bucket of tempo_request_duration_seconds (${highest} s), so the P95 could never exceed it; give a lower threshold`,
    );
  // The gateway's span metrics are scraped by that Prometheus (its PodMonitor); Tempo's generator
  // remote-writes them, and the rules see them only if they are written to that Prometheus.
  const spanMetrics = stackSpanMetrics(props);
  const prometheusNamespace = props.prometheusNamespace ?? 'monitoring';
  const spanMetricsElsewhere =
    spanMetrics?.producer === 'tempo-metrics-generator' &&
    !generatedSeriesReachRules(mg?.remoteWrite ?? [], tempo.namespace, prometheusNamespace)
      ? `Tempo's metrics generator writes them to ${(mg?.remoteWrite ?? []).map((r) => r.url).join(', ')}, not to the Prometheus in \`${prometheusNamespace}\` that evaluates these rules`
      : undefined;
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
      failOnHighLag: tempo.settings.recentReads?.failOnHighLag ?? false,
      spanMetrics: tempo.generates('span-metrics'),
      caches: {
        any: tempo.caches.length > 0,
        backendRoles: tempo.caches.some((c) => c.roles.some((r) => r !== 'frontend-search')),
      },
      generatedSeriesLabels: mg?.externalLabels ?? {},
    },
    collectors: [props.gateway, props.agent]
      .filter((c): c is OtelCollectorGateway | OtelCollectorAgent => c !== undefined)
      .map((c) => ({ namespace: c.namespace, job: c.name })),
    memcachedPools: tempo.caches.flatMap((c) =>
      c.pool ? [{ namespace: c.pool.podGroup.namespace, job: c.pool.podGroup.name }] : [],
    ),
    ...(props.queryGateway
      ? {
          queryGateway: {
            namespace: props.queryGateway.namespace,
            job: props.queryGateway.name,
            oidc: props.queryGateway.oidc !== undefined,
          },
        }
      : {}),
    ...(tempo.rolloutOperator
      ? {
          rolloutOperator: {
            namespace: tempo.rolloutOperator.podGroup.namespace,
            job: tempo.rolloutOperator.podGroup.name,
            rolloutGroup: tempo.rolloutOperator.rolloutGroup,
          },
        }
      : {}),
    tailSampling: props.gateway?.tailSampling !== undefined,
    spanMetrics,
    ...(spanMetricsElsewhere ? { spanMetricsElsewhere } : {}),
    thresholds: {
      queryLatencyP95Seconds: latency,
      discardedSpansRatio: ratio(t.discardedSpansRatio ?? 0.01, `${p}.discardedSpansRatio`),
      exporterFailureRatio: ratio(t.exporterFailureRatio ?? 0.01, `${p}.exporterFailureRatio`),
      exporterQueueRatio: ratio(t.exporterQueueRatio ?? 0.8, `${p}.exporterQueueRatio`),
      storageUsedRatio: storage,
      serviceLatencyP95Seconds: positive(t.serviceLatencyP95Seconds ?? 1, `${p}.serviceLatencyP95Seconds`),
      serviceErrorRatio: ratio(t.serviceErrorRatio ?? 0.05, `${p}.serviceErrorRatio`),
      discardedSpansPerSecond: t.discardedSpansPerSecond,
      ingesterAppendFailuresPerSecond: appendFailures,
    },
    alertFor: resolveAlertFor(props.alertFor ?? {}),
    nativeHistograms,
    runbookBaseUrl: props.runbookBaseUrl ?? PROJECT.runbooks,
    tempoMixinRunbook: TEMPO_MIXIN_RUNBOOK,
  };
}
