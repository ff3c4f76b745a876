/**
 * Service-level objectives from one typed definition: recording rules for the error ratio over
 * every window, and multi-window multi-burn-rate alerts (Google SRE workbook, ch. 5: 1h/5m at
 * 14.4× and 6h/30m at 6× page; 1d/2h at 3× and 3d/6h at 1× open a ticket).
 */
import { DurationInput, toDuration } from '../../lib/duration';
import { ConfigError, show } from '../../lib/errors';
import {
  TEMPO3_METRICS,
  TEMPO_METRICS,
  TEMPO_QUERY_ROUTES,
  TEMPO_REQUEST_DURATION_BUCKETS,
} from './metric-catalog';
import { MonitoringConfig } from './monitoring-config';
import { selector } from './promql';
import { AlertRule, RecordingRule, RuleGroup, RuleTestCase, Severity } from './rule-model';

export interface BurnRateWindow {
  readonly long: DurationInput;
  readonly short: DurationInput;
  /** How many times faster than sustainable the budget burns. */
  readonly factor: number;
  readonly severity: Severity;
}

/** An SLI as two counters' rates over a window: bad events and all events. */
export interface SliQueries {
  readonly bad: (window: string) => string;
  readonly total: (window: string) => string;
  /** promtool series, `samples` samples 5 minutes apart, with the given share of bad events. */
  readonly testSeries: (badRatio: number, samples: number) => { series: string; values: string }[];
}

export interface SloDefinition {
  /** Slug, the `slo` label of the recording rules: `ingestion-availability`. */
  readonly name: string;
  /** Alert name: `Tempo<Component><Condition>`. */
  readonly alert: string;
  /** Objective in percent, in (0, 100). */
  readonly objectivePercent: number;
  /** Where the user sets the objective, for errors. @default `monitoring.slos.<name>` */
  readonly objectiveProperty?: string;
  readonly description: string;
  /**
   * Labels that identify the measured system (`namespace`, `job`); the SLI keeps them, so
   * several environments can share one Prometheus without their recording rules colliding.
   */
  readonly scope: Readonly<Record<string, string>>;
  readonly sli: SliQueries;
  /** @default SRE_WORKBOOK_WINDOWS */
  readonly windows?: readonly BurnRateWindow[];
}

export const SRE_WORKBOOK_WINDOWS: readonly BurnRateWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical' },
  { long: '6h', short: '30m', factor: 6, severity: 'critical' },
  { long: '1d', short: '2h', factor: 3, severity: 'warning' },
  { long: '3d', short: '6h', factor: 1, severity: 'warning' },
];

/** Prometheus duration text: Go durations plus `d` for whole days. */
function promDuration(d: DurationInput, property: string): string {
  if (typeof d === 'string' && /^\d+d$/.test(d)) return d;
  const ms = toDuration(d, property).milliseconds;
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  throw new ConfigError(
    property,
    `${show(String(d))} must be a whole number of minutes; give e.g. '5m' or '1h'`,
  );
}

const recordName = (window: string) => `slo:sli_error:ratio_rate${window}`;

/** Minutes of a duration written by `promDuration` (`5m`, `6h`, `3d`). */
function minutesOf(text: string): number {
  const n = parseInt(text, 10);
  return text.endsWith('d') ? n * 1440 : text.endsWith('h') ? n * 60 : n;
}

interface ResolvedSlo extends SloDefinition {
  readonly windows: readonly (BurnRateWindow & { readonly longText: string; readonly shortText: string })[];
  readonly errorBudget: number;
}

/** The SLOs' shared burn-rate windows are set here (`TempoSloProps.windows`). */
const WINDOWS_PROPERTY = 'monitoring.slos.windows';

export function resolveSlo(def: SloDefinition): ResolvedSlo {
  if (typeof def.objectivePercent !== 'number' || !(def.objectivePercent > 0 && def.objectivePercent < 100)) {
    throw new ConfigError(
      def.objectiveProperty ?? `monitoring.slos.${def.name}.objectivePercent`,
      `${show(def.objectivePercent)} is outside (0, 100); an objective such as 99.5 leaves a 0.5 % error budget`,
    );
  }
  const windows = def.windows ?? SRE_WORKBOOK_WINDOWS;
  if (windows.length === 0)
    throw new ConfigError(
      WINDOWS_PROPERTY,
      'is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
  return {
    ...def,
    errorBudget: 1 - def.objectivePercent / 100,
    windows: windows.map((w, i) => {
      if (typeof w.factor !== 'number' || !(w.factor > 0))
        throw new ConfigError(
          `${WINDOWS_PROPERTY}[${i}].factor`,
          `${show(w.factor)} is not a positive number; give a burn-rate factor such as 14.4`,
        );
      const longText = promDuration(w.long, `${WINDOWS_PROPERTY}[${i}].long`);
      const shortText = promDuration(w.short, `${WINDOWS_PROPERTY}[${i}].short`);
      if (minutesOf(shortText) >= minutesOf(longText)) {
        throw new ConfigError(
          `${WINDOWS_PROPERTY}[${i}].short`,
          `${shortText} is not shorter than the long window ${longText}; make the short window shorter`,
        );
      }
      return { ...w, longText, shortText };
    }),
  };
}

export function sloRecordingRules(slos: readonly ResolvedSlo[]): RuleGroup {
  const rules: RecordingRule[] = [];
  for (const slo of slos) {
    const windows = [...new Set(slo.windows.flatMap((w) => [w.shortText, w.longText]))];
    for (const w of windows) {
      rules.push({
        record: recordName(w),
        expr: `(${slo.sli.bad(w)})\n/\n(${slo.sli.total(w)})`,
        labels: { slo: slo.name },
      });
    }
  }
  return { name: 'tempo-slo-recording', rules };
}

export function sloAlerts(slos: readonly ResolvedSlo[], runbookBaseUrl: string): RuleGroup {
  const rules: AlertRule[] = [];
  for (const slo of slos) {
    const pct = Math.round(slo.errorBudget * 1e6) / 1e4;
    for (const severity of ['critical', 'warning'] as const) {
      const windows = slo.windows.filter((w) => w.severity === severity);
      if (windows.length === 0) continue;
      const sel = selector({ slo: slo.name, ...slo.scope });
      const clause = (w: ResolvedSlo['windows'][number]) => {
        const threshold = `${w.factor} * ${slo.errorBudget.toFixed(6).replace(/0+$/, '')}`;
        return `(\n  ${recordName(w.longText)}${sel} > (${threshold})\n  and\n  ${recordName(w.shortText)}${sel} > (${threshold})\n)`;
      };
      const labels = { ...slo.scope, slo: slo.name };
      // Warning cases burn between the fastest ticket factor and the slowest page factor, so
      // only the ticket fires; critical cases burn at 50 % and trip every window.
      const minutes = Math.max(180, ...slo.windows.map((w) => minutesOf(w.shortText) + 60));
      const pageFactors = slo.windows.filter((w) => w.severity === 'critical').map((w) => w.factor);
      const ticketFactors = slo.windows.filter((w) => w.severity === 'warning').map((w) => w.factor);
      const warningOnly = pageFactors.length === 0 || Math.min(...pageFactors) > Math.max(...ticketFactors);
      const ratio =
        severity === 'critical' || !warningOnly
          ? 0.5
          : ((Math.max(...ticketFactors) + Math.min(...pageFactors, Infinity)) / 2) * slo.errorBudget;
      const firing: RuleTestCase = {
        evalTime: `${minutes - 10}m`,
        interval: '5m',
        series: slo.sli.testSeries(Math.min(ratio === Infinity ? 0.5 : ratio, 0.5), Math.ceil(minutes / 5)),
        labels,
        alsoFiring:
          severity === 'critical'
            ? ticketFactors.length
              ? ['warning']
              : []
            : warningOnly
              ? []
              : ['critical'],
      };
      rules.push({
        alert: slo.alert,
        expr: windows.map(clause).join('\nor\n'),
        for: severity === 'critical' ? '2m' : '15m',
        severity,
        summary: `Tempo burns the ${slo.name} error budget too fast (${severity === 'critical' ? 'page' : 'ticket'}).`,
        description: `${slo.description} Objective ${slo.objectivePercent} % (error budget ${pct} %); burn rates ${windows.map((w) => `${w.factor}x over ${w.longText}/${w.shortText}`).join(', ')}.`,
        runbookUrl: `${runbookBaseUrl}#slo-${slo.name}`,
        tests: {
          firing,
          silent: {
            evalTime: `${minutes - 10}m`,
            interval: '5m',
            series: slo.sli.testSeries(0, Math.ceil(minutes / 5)),
          },
        },
      });
    }
  }
  return { name: 'tempo-slo-alerts', rules };
}

export interface TempoSloProps {
  /** Share of received spans not discarded. @default 99.5 */
  readonly ingestionAvailability?: number;
  /** Share of query API requests without a 5xx. @default 99 */
  readonly queryAvailability?: number;
  /** Share of query API requests under `queryLatencyThresholdSeconds`. @default 95 */
  readonly queryLatency?: number;
  /**
   * Latency threshold of the query-latency SLO, which must be a bucket boundary or the SLI
   * cannot be computed exactly: a classic bucket of `tempo_request_duration_seconds`
   * (… 1, 2.5, 5 …), or with `monitoring.nativeHistograms` (Tempo 3.0) a power of two (… 1, 2,
   * 4 …), measured with `histogram_fraction` on the native histogram.
   * @default 2.5 (classic buckets have no 2 s boundary)
   */
  readonly queryLatencyThresholdSeconds?: number;
  /** Share of compactions without error. @default 99 */
  readonly compactionSuccess?: number;
  /** Burn-rate windows of every SLO. @default SRE_WORKBOOK_WINDOWS */
  readonly windows?: BurnRateWindow[];
}

/** Powers of two are boundaries of every native schema from 0 up (Tempo 3.0 exposes schema 3). */
const isPowerOfTwo = (x: number) => Number.isInteger(Math.log2(x));

/**
 * Whether the latency SLI reads the native histogram; throws when `threshold` is no boundary of
 * the histogram this deployment exposes and scrapes.
 */
function checkLatencyThreshold(threshold: number, c: MonitoringConfig): boolean {
  const property = 'monitoring.slos.queryLatencyThresholdSeconds';
  const classic = (TEMPO_REQUEST_DURATION_BUCKETS as readonly number[]).includes(threshold);
  const buckets = TEMPO_REQUEST_DURATION_BUCKETS.join(', ');
  if (c.nativeHistograms) {
    if (typeof threshold === 'number' && threshold > 0 && isPowerOfTwo(threshold)) return true;
    throw new ConfigError(
      property,
      `${show(threshold)} is not a boundary of Tempo's native histogram (schema 3 and below: powers of two such as 1, 2, 4 are exact); pick a power of two, or turn monitoring.nativeHistograms off to use the classic buckets (${buckets})`,
    );
  }
  if (classic) return false;
  if (typeof threshold === 'number' && threshold > 0 && isPowerOfTwo(threshold) && c.tempo.line === '3.0')
    throw new ConfigError(
      property,
      `${show(threshold)} is not a classic bucket boundary of tempo_request_duration_seconds (${buckets}); set monitoring.nativeHistograms: true (Tempo 3.0's native histogram has a boundary at ${threshold} s) or pick a classic boundary, e.g. 2.5`,
    );
  throw new ConfigError(
    property,
    `${show(threshold)} is not a bucket boundary of tempo_request_duration_seconds on Tempo ${c.tempo.line} (${buckets}); pick one, e.g. 2.5${c.tempo.line === '3.0' ? '' : ' (Tempo 3.0 with monitoring.nativeHistograms measures powers of two such as 2 s exactly)'}`,
  );
}

/**
 * The query-latency SLI on Tempo 3.0's native `tempo_request_duration_seconds`: the share of
 * requests above `threshold` is 1 - histogram_fraction(0, threshold, …), exact because the
 * threshold is a bucket boundary. Test series are schema-3 histograms (Tempo's factor 1.1,
 * client_golang `pickSchema`), whose bucket 8 ends at 2^(8/8) = 2: the bucket of index i ends at
 * 2^(i/8), so the buckets just below and above `threshold` are 8·log2(threshold) and one more.
 */
function nativeLatencySli(threshold: number, queries: string, route: Record<string, string>): SliQueries {
  const by = 'sum by (namespace, job)';
  const h = (w: string) => `${by} (rate(${TEMPO3_METRICS.requestDurationNative}${queries}[${w}]))`;
  const index = 8 * Math.log2(threshold);
  return {
    bad: (w) => `histogram_count(${h(w)}) * (1 - histogram_fraction(0, ${threshold}, ${h(w)}))`,
    total: (w) => `histogram_count(${h(w)})`,
    testSeries: (r, n) => {
      // Per 5-minute sample: 500 requests, the share r of them just above the threshold.
      const slow = Math.round(500 * r * 1e6) / 1e6;
      const fast = 500 - slow;
      const sum = Math.round((fast * threshold + slow * threshold * 1.05) * 1e6) / 1e6;
      return [
        {
          series: `${TEMPO3_METRICS.requestDurationNative}${selector({ ...route, status_code: '200' })}`,
          values: `{{schema:3 sum:0 count:0}}+{{schema:3 sum:${sum} count:500 buckets:[${fast} ${slow}] offset:${index}}}x${n}`,
        },
      ];
    },
  };
}

/** The four Tempo SLOs (seed: Tempo values README), as typed definitions. */
export function tempoSlos(c: MonitoringConfig, props: TempoSloProps = {}): SloDefinition[] {
  const labels = { namespace: c.tempo.namespace, job: c.tempo.job };
  const sel = selector(labels);
  const queries = selector(labels, { route: TEMPO_QUERY_ROUTES });
  const errors = selector(labels, { route: TEMPO_QUERY_ROUTES, status_code: '5..' });
  const threshold = props.queryLatencyThresholdSeconds ?? 2.5;
  const native = checkLatencyThreshold(threshold, c);
  const le = selector({ ...labels, le: String(threshold) }, { route: TEMPO_QUERY_ROUTES });
  const s = (m: string, l: Record<string, string>) => `${m}${selector(l)}`;
  // Increments per 5-minute sample.
  const counter = (perMinute: number, samples: number) => `0+${perMinute * 5}x${samples}`;
  const route = { ...labels, route: 'api_search' };
  const by = 'sum by (namespace, job)';
  const classicLatencySli = (): SliQueries => ({
    bad: (w) =>
      `${by} (rate(${TEMPO_METRICS.requestDurationCount}${queries}[${w}])) - ${by} (rate(${TEMPO_METRICS.requestDurationBucket}${le}[${w}]))`,
    total: (w) => `${by} (rate(${TEMPO_METRICS.requestDurationCount}${queries}[${w}]))`,
    testSeries: (r, n) => [
      {
        series: s(TEMPO_METRICS.requestDurationCount, { ...route, status_code: '200' }),
        values: counter(100, n),
      },
      {
        series: s(TEMPO_METRICS.requestDurationBucket, {
          ...route,
          status_code: '200',
          le: String(threshold),
        }),
        values: counter(100 * (1 - r), n),
      },
    ],
  });
  const defs: Omit<SloDefinition, 'windows' | 'scope'>[] = [
    {
      name: 'ingestion-availability',
      objectiveProperty: 'monitoring.slos.ingestionAvailability',
      alert: 'TempoIngestionErrorBudgetBurning',
      objectivePercent: props.ingestionAvailability ?? 99.5,
      description:
        'Spans discarded by Tempo (rate limits, live-trace and trace-size limits) against spans received.',
      sli: {
        bad: (w) => `${by} (rate(${TEMPO_METRICS.discardedSpans}${sel}[${w}]))`,
        total: (w) => `${by} (rate(${TEMPO_METRICS.spansReceived}${sel}[${w}]))`,
        testSeries: (r, n) => [
          { series: s(TEMPO_METRICS.spansReceived, labels), values: counter(1000, n) },
          {
            series: s(TEMPO_METRICS.discardedSpans, { ...labels, reason: 'rate_limited' }),
            values: counter(1000 * r, n),
          },
        ],
      },
    },
    {
      name: 'query-availability',
      objectiveProperty: 'monitoring.slos.queryAvailability',
      alert: 'TempoQueryErrorBudgetBurning',
      objectivePercent: props.queryAvailability ?? 99,
      description: 'Query API requests (route api_*) answered with a 5xx against all query API requests.',
      sli: {
        bad: (w) => `${by} (rate(${TEMPO_METRICS.requestDurationCount}${errors}[${w}]))`,
        total: (w) => `${by} (rate(${TEMPO_METRICS.requestDurationCount}${queries}[${w}]))`,
        testSeries: (r, n) => [
          {
            series: s(TEMPO_METRICS.requestDurationCount, { ...route, status_code: '200' }),
            values: counter(100 * (1 - r), n),
          },
          {
            series: s(TEMPO_METRICS.requestDurationCount, { ...route, status_code: '500' }),
            values: counter(100 * r, n),
          },
        ],
      },
    },
    {
      name: 'query-latency',
      objectiveProperty: 'monitoring.slos.queryLatency',
      alert: 'TempoQueryLatencyErrorBudgetBurning',
      objectivePercent: props.queryLatency ?? 95,
      description: `Query API requests slower than ${threshold}s against all query API requests${native ? ' (native histogram)' : ''}.`,
      sli: native ? nativeLatencySli(threshold, queries, route) : classicLatencySli(),
    },
    {
      name: 'compaction-success',
      objectiveProperty: 'monitoring.slos.compactionSuccess',
      alert: 'TempoCompactionErrorBudgetBurning',
      objectivePercent: props.compactionSuccess ?? 99,
      description:
        'Failed compactions against compacted blocks plus failures (Tempo counts compacted input blocks, not compaction runs).',
      sli: {
        bad: (w) => `${by} (rate(${TEMPO_METRICS.compactionErrors}${sel}[${w}]))`,
        total: (w) =>
          `${by} (rate(${TEMPO_METRICS.compactionBlocks}${sel}[${w}])) + ${by} (rate(${TEMPO_METRICS.compactionErrors}${sel}[${w}]))`,
        testSeries: (r, n) => [
          {
            series: s(TEMPO_METRICS.compactionBlocks, { ...labels, level: '0' }),
            values: counter(10 * (1 - r), n),
          },
          { series: s(TEMPO_METRICS.compactionErrors, labels), values: counter(10 * r, n) },
        ],
      },
    },
  ];
  return defs.map((d) => ({ ...d, scope: labels, windows: props.windows }));
}
