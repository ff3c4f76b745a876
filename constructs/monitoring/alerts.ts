/**
 * Alert rules, pure functions of the monitoring config. Each alert carries the promtool cases
 * that make it fire and keep it silent, so the unit tests are generated from the same source as
 * the PrometheusRule. Only alerts that can fire in this deployment are emitted: the set depends
 * on the mode (single binary), the collector tiers present, tail sampling and the metrics
 * generator.
 */
import {
  COLLECTOR_METRICS,
  MEMCACHED_METRICS,
  NGINX_EXPORTER_METRICS,
  OAUTH2_PROXY_METRICS,
  PLATFORM_METRICS,
  ROLLOUT_OPERATOR_METRICS,
  TEMPO2_METRICS,
  TEMPO3_METRICS,
  TEMPO_CACHE_METRICS,
  TEMPO_METRICS,
  TEMPO_QUERY_ROUTES,
  TEMPO_REQUEST_DURATION_BUCKETS,
} from './metric-catalog';
import { forMinutes, MonitoringConfig, ScrapeTarget } from './monitoring-config';
import { selector } from './promql';
import { AlertRule, RuleGroup, RuleTestCase } from './rule-model';
import { ConfigError } from '../../lib/errors';

type Labels = Record<string, string>;
const series = (metric: string, labels: Labels) => `${metric}${selector(labels)}`;
const target = (t: ScrapeTarget): Labels => ({ namespace: t.namespace, job: t.job });
/** This stack's runbook of an alert (docs/runbooks.md, one anchor per alert). */
const runbook = (c: MonitoringConfig, alert: string) => `${c.runbookBaseUrl}#${alert.toLowerCase()}`;
/** A scrape target down, or gone from Prometheus altogether. */
const downOrAbsent = (sel: string) =>
  `${PLATFORM_METRICS.up}${sel} == 0\nor\nabsent(${PLATFORM_METRICS.up}${sel})`;

/** A test case with the given series, evaluated at `evalTime`. */
function at(evalTime: string, s: [string, Labels, string][], labels?: Labels): RuleTestCase {
  return { evalTime, series: s.map(([m, l, values]) => ({ series: series(m, l), values })), labels };
}

/**
 * A case whose condition must hold for `forText`: sampled every minute (the rate windows are 5m,
 * so coarser samples would leave a window with one sample) and evaluated a quarter hour after
 * the alert fires. `values` gets the number of samples and the seconds between two.
 */
function held(
  forText: string,
  s: [string, Labels, (samples: number, step: number) => string][],
  labels?: Labels,
): RuleTestCase {
  const minutes = forMinutes(forText);
  return at(
    `${minutes + 15}m`,
    s.map(([m, l, values]) => [m, l, values(minutes + 25, 60)] as [string, Labels, string]),
    labels,
  );
}

/** Bucket bounds around a P95 threshold: a firing case above it, a silent one far below. */
function latencyBuckets(threshold: number): { above: string[]; below: string } {
  const bounds = TEMPO_REQUEST_DURATION_BUCKETS as readonly number[];
  const i = bounds.findIndex((b) => b > threshold);
  return {
    above: [String(bounds[i]), i + 1 < bounds.length ? String(bounds[i + 1]) : '+Inf'],
    below: String(bounds[0]),
  };
}

function tempoAlerts(c: MonitoringConfig): AlertRule[] {
  const t = c.tempo;
  const sel = selector(target(t));
  const base = target(t);
  const mixin = (name: string) => `${c.tempoMixinRunbook}#${name}`;
  const th = c.thresholds;
  const counterAlert = (
    alert: string,
    metric: string,
    severity: AlertRule['severity'],
    forDuration: string,
    summary: string,
    runbook: string,
    by: string[] = [],
  ): AlertRule => {
    const groupBy = ['namespace', 'job', ...by].join(', ');
    const extra: Labels = Object.fromEntries(by.map((b) => [b, 'single-tenant']));
    return {
      alert,
      expr: `sum by (${groupBy}) (increase(${metric}${sel}[1h])) > 2\nand\nsum by (${groupBy}) (increase(${metric}${sel}[5m])) > 0`,
      for: forDuration,
      severity,
      summary,
      description: `More than 2 in the past hour and still happening for {{ $labels.job }} in {{ $labels.namespace }}.`,
      runbookUrl: runbook,
      tests: {
        firing: at('150m', [[metric, { ...base, ...extra }, '0+1x180']], { ...base, ...extra }),
        silent: at('150m', [[metric, { ...base, ...extra }, '0x180']]),
      },
    };
  };
  const storageSel = selector({ namespace: t.namespace }, { persistentvolumeclaim: t.pvcPattern });
  const pvc = {
    namespace: t.namespace,
    persistentvolumeclaim: t.components.includes('ingester')
      ? `storage-${t.job}-ingester-0`
      : t.components.includes('live-store-zone-a')
        ? `storage-${t.job}-live-store-zone-a-0`
        : `storage-${t.job}-0`,
  };
  const storage = (
    severity: AlertRule['severity'],
    threshold: number,
    used: string,
    alsoWarning: boolean,
  ): AlertRule =>
    ({
      alert: 'TempoStorageFillingUp',
      expr: `max by (namespace, persistentvolumeclaim) (\n  ${PLATFORM_METRICS.volumeUsedBytes}${storageSel}\n  / ${PLATFORM_METRICS.volumeCapacityBytes}${storageSel}\n) > ${threshold}`,
      for: severity === 'critical' ? '5m' : '15m',
      severity,
      summary: `Tempo volume {{ $labels.persistentvolumeclaim }} is more than ${Math.round(threshold * 100)} % full.`,
      description:
        'The PVC holds the WAL (and blocks with local storage); when it is full the ingester stops accepting traces. Grow the PVC or shorten retention.',
      runbookUrl: runbook(c, 'TempoStorageFillingUp'),
      tests: {
        firing: {
          ...at(
            '30m',
            [
              [PLATFORM_METRICS.volumeUsedBytes, pvc, `${used}x40`],
              [PLATFORM_METRICS.volumeCapacityBytes, pvc, '100x40'],
            ],
            pvc,
          ),
          alsoFiring: alsoWarning ? ['warning'] : [],
        },
        silent: at('30m', [
          [PLATFORM_METRICS.volumeUsedBytes, pvc, '50x40'],
          [PLATFORM_METRICS.volumeCapacityBytes, pvc, '100x40'],
        ]),
      },
    }) as AlertRule;
  const tenant = { ...base, tenant: 'single-tenant' };
  const distributed = !t.components.includes('single-binary');
  // Series of one component (distributed) or of the single binary.
  const of = (component: string) => (distributed ? selector(target(t), { component }) : sel);
  // Who measures outstanding blocks (tempodb_compaction_outstanding_blocks) and who compacts:
  // 2.10 the compactor; 3.0 the backend-scheduler measures, backend-workers compact (mixin v3.0.3).
  const measurer = t.line === '3.0' ? 'backend-scheduler' : 'compactor';
  const compacter = t.line === '3.0' ? 'backend-worker' : 'compactor';
  // Rings whose members can turn Unhealthy in this deployment, and a component that watches each
  // ring (dskit `ring/ring.go` `ring_members{name, state}`). No distributor ring: Tempo registers
  // it only with the `global` ingestion rate strategy, so an alert on it could never fire.
  type Ring = [string, string, AlertRule['severity'], string];
  const rings: Ring[] = !distributed
    ? []
    : t.line === '3.0'
      ? [
          // tempo-mixin v3.0.3 TempoLiveStoreUnhealthy; the queriers watch the live-store ring.
          ['live-store', 'TempoLiveStoreUnhealthy', 'critical', 'querier'] as Ring,
        ]
      : (
          [
            ['ingester', 'TempoIngesterUnhealthy', 'critical', 'ingester'],
            ['compactor', 'TempoCompactorUnhealthy', 'critical', 'compactor'],
            ['metrics-generator', 'TempoMetricsGeneratorUnhealthy', 'critical', 'metrics-generator'],
          ] as Ring[]
        ).filter(([component]) => t.components.includes(component));
  const ringAlerts: AlertRule[] = rings.map(([ring, alert, severity, watcher]): AlertRule => {
    const ringSel = selector({ ...target(t), state: 'Unhealthy', name: ring });
    const members = {
      ...base,
      state: 'Unhealthy',
      name: ring,
      component: watcher,
      instance: `10.0.0.3:3200`,
    };
    return {
      alert,
      expr: `max by (namespace, job) (${TEMPO_METRICS.ringMembers}${ringSel}) > 0`,
      for: '15m',
      severity,
      summary: `Tempo has unhealthy ${ring} ring members in {{ $labels.namespace }}.`,
      description: `Members of the ${ring} ring stopped heartbeating; until they are forgotten, writes, queries or compaction routed to them fail.`,
      runbookUrl: mixin(alert),
      tests: {
        firing: at('30m', [[TEMPO_METRICS.ringMembers, members, '2x40']], base),
        silent: at('30m', [[TEMPO_METRICS.ringMembers, members, '0x40']]),
      },
    };
  });
  const slow = latencyBuckets(th.queryLatencyP95Seconds);
  // Counter increase per sample for a rate (rounded: 0.1 * 2 * 60 is 12.000000000000002).
  const perSample = (perSecond: number, step: number) => Math.round(perSecond * step * 1e6) / 1e6;
  // Absolute-rate alerts (per second, over 5m): a counter rising at twice the threshold fires,
  // at half of it stays silent.
  const rateAlert = (
    alert: 'TempoDiscardedSpansRateHigh' | 'TempoIngesterAppendFailuresHigh',
    metric: string,
    threshold: number,
    extra: Labels,
    what: string,
    description: string,
  ): AlertRule => ({
    alert,
    expr: `sum by (namespace, job) (rate(${metric}${sel}[5m])) > ${threshold}`,
    for: c.alertFor[alert],
    severity: 'warning',
    summary: `Tempo ${what} in {{ $labels.namespace }} above ${threshold}/s.`,
    description,
    runbookUrl: runbook(c, alert),
    tests: {
      firing: held(
        c.alertFor[alert],
        [[metric, { ...base, ...extra }, (n, step) => `0+${perSample(threshold * 2, step)}x${n}`]],
        base,
      ),
      silent: held(c.alertFor[alert], [
        [metric, { ...base, ...extra }, (n, step) => `0+${perSample(threshold / 2, step)}x${n}`],
      ]),
    },
  });
  const rateAlerts: AlertRule[] = [
    ...(th.discardedSpansPerSecond === undefined
      ? []
      : [
          rateAlert(
            'TempoDiscardedSpansRateHigh',
            TEMPO_METRICS.discardedSpans,
            th.discardedSpansPerSecond,
            { reason: 'rate_limited' },
            'discards spans',
            `More than ${th.discardedSpansPerSecond} spans per second are refused (rate limits, live traces or trace size limits; tempo_discarded_spans_total, any reason). Raise the tenant limits or fix the sender.`,
          ),
        ]),
    ...(th.ingesterAppendFailuresPerSecond === undefined
      ? []
      : [
          rateAlert(
            'TempoIngesterAppendFailuresHigh',
            TEMPO2_METRICS.ingesterAppendFailures,
            th.ingesterAppendFailuresPerSecond,
            { ingester: '10.0.0.2:9095' },
            'distributors fail to append batches to ingesters',
            `More than ${th.ingesterAppendFailuresPerSecond} batch appends per second from distributors to ingesters fail (tempo_distributor_ingester_append_failures_total). Check the ingesters' health and the ring.`,
          ),
        ]),
  ];
  return [
    ...ringAlerts,
    {
      alert: 'TempoTargetDown',
      expr: downOrAbsent(sel),
      for: c.alertFor.TempoTargetDown,
      severity: 'critical',
      summary: 'Tempo {{ $labels.job }} in {{ $labels.namespace }} is down or not scraped.',
      description:
        'Prometheus has no healthy scrape of Tempo. Check the pod, and that the PodMonitor carries the labels the Prometheus Operator selects.',
      runbookUrl: runbook(c, 'TempoTargetDown'),
      tests: {
        firing: held(
          c.alertFor.TempoTargetDown,
          [[PLATFORM_METRICS.up, { ...base, instance: '10.0.0.1:3200' }, (n) => `0x${n}`]],
          { ...base, instance: '10.0.0.1:3200' },
        ),
        silent: held(c.alertFor.TempoTargetDown, [
          [PLATFORM_METRICS.up, { ...base, instance: '10.0.0.1:3200' }, (n) => `1x${n}`],
        ]),
      },
    },
    {
      alert: 'TempoDistributorDiscardingSpans',
      expr: `sum by (namespace, job, reason) (rate(${TEMPO_METRICS.discardedSpans}${sel}[5m]))\n/ ignoring (reason) group_left\nsum by (namespace, job) (rate(${TEMPO_METRICS.spansReceived}${sel}[5m]))\n> ${th.discardedSpansRatio}`,
      for: c.alertFor.TempoDistributorDiscardingSpans,
      severity: 'warning',
      summary: 'Tempo discards spans ({{ $labels.reason }}) in {{ $labels.namespace }}.',
      description: `More than ${th.discardedSpansRatio * 100} % of received spans are discarded with reason {{ $labels.reason }} (rate limit, live traces or trace size limits). Raise the tenant limits or fix the sender.`,
      runbookUrl: runbook(c, 'TempoDistributorDiscardingSpans'),
      tests: {
        firing: held(
          c.alertFor.TempoDistributorDiscardingSpans,
          [
            [TEMPO_METRICS.spansReceived, base, (n) => `0+1000x${n}`],
            [TEMPO_METRICS.discardedSpans, { ...base, reason: 'rate_limited' }, (n) => `0+100x${n}`],
          ],
          { ...base, reason: 'rate_limited' },
        ),
        silent: held(c.alertFor.TempoDistributorDiscardingSpans, [
          [TEMPO_METRICS.spansReceived, base, (n) => `0+1000x${n}`],
          [TEMPO_METRICS.discardedSpans, { ...base, reason: 'rate_limited' }, (n) => `0+1x${n}`],
        ]),
      },
    },
    {
      alert: 'TempoQueryFrontendLatencyHigh',
      expr: `histogram_quantile(0.95, sum by (namespace, job, le) (rate(${TEMPO_METRICS.requestDurationBucket}${selector(target(t), { route: TEMPO_QUERY_ROUTES })}[5m])))\n> ${th.queryLatencyP95Seconds}`,
      for: c.alertFor.TempoQueryFrontendLatencyHigh,
      severity: 'warning',
      summary: 'Tempo queries in {{ $labels.namespace }} are slow.',
      description: `P95 latency of the query API is above ${th.queryLatencyP95Seconds}s. Check search ranges, query-frontend concurrency and backend latency.`,
      runbookUrl: runbook(c, 'TempoQueryFrontendLatencyHigh'),
      tests: {
        // Every request in the bucket above the first bound past the threshold (the P95 is
        // interpolated there), or every request in the lowest bucket.
        firing: held(
          c.alertFor.TempoQueryFrontendLatencyHigh,
          [
            [
              TEMPO_METRICS.requestDurationBucket,
              { ...base, route: 'api_search', le: slow.above[0]! },
              (n) => `0x${n}`,
            ],
            ...(slow.above[1] === '+Inf'
              ? []
              : ([
                  [
                    TEMPO_METRICS.requestDurationBucket,
                    { ...base, route: 'api_search', le: slow.above[1]! },
                    (n: number) => `0+10x${n}`,
                  ],
                ] as [string, Labels, (n: number) => string][])),
            [
              TEMPO_METRICS.requestDurationBucket,
              { ...base, route: 'api_search', le: '+Inf' },
              (n) => `0+10x${n}`,
            ],
          ],
          base,
        ),
        silent: held(c.alertFor.TempoQueryFrontendLatencyHigh, [
          [
            TEMPO_METRICS.requestDurationBucket,
            { ...base, route: 'api_search', le: slow.below },
            (n) => `0+10x${n}`,
          ],
          [
            TEMPO_METRICS.requestDurationBucket,
            { ...base, route: 'api_search', le: '+Inf' },
            (n) => `0+10x${n}`,
          ],
        ]),
      },
    },
    ...rateAlerts,
    storage(
      'warning',
      th.storageUsedRatio.warning,
      String(
        Math.round(
          (th.storageUsedRatio.warning + (th.storageUsedRatio.critical - th.storageUsedRatio.warning) / 2) *
            100,
        ),
      ),
      false,
    ),
    storage(
      'critical',
      th.storageUsedRatio.critical,
      String(Math.min(100, Math.round(th.storageUsedRatio.critical * 100) + 5)),
      true,
    ),
    // From the tempo-mixin (operations/tempo-mixin-compiled/alerts.yaml), scoped to this Tempo.
    counterAlert(
      'TempoCompactionsFailing',
      TEMPO_METRICS.compactionErrors,
      'critical',
      '1h',
      'Tempo compactions are failing in {{ $labels.namespace }}.',
      mixin('TempoCompactionsFailing'),
    ),
    ...(t.line === '2.10'
      ? [
          counterAlert(
            'TempoIngesterFlushesUnhealthy',
            TEMPO2_METRICS.ingesterFailedFlushes,
            'warning',
            '5m',
            'Tempo ingester flushes are being retried in {{ $labels.namespace }}.',
            mixin('TempoIngesterFlushesFailing'),
          ),
          counterAlert(
            'TempoIngesterFlushesFailing',
            TEMPO2_METRICS.ingesterFlushFailedRetries,
            'critical',
            '5m',
            'Tempo ingester flush retries are failing in {{ $labels.namespace }}.',
            mixin('TempoIngesterFlushesFailing'),
          ),
        ]
      : [
          // 3.0: the live-store cuts complete blocks to its local disk (complete_block_lifecycle.go).
          counterAlert(
            'TempoLiveStoreFlushesFailing',
            TEMPO3_METRICS.liveStoreFailedFlushes,
            'critical',
            '5m',
            'Tempo live-store local block flushes are failing in {{ $labels.namespace }}.',
            runbook(c, 'TempoLiveStoreFlushesFailing'),
          ),
        ]),
    counterAlert(
      'TempoPollsFailing',
      TEMPO_METRICS.blocklistPollErrors,
      'critical',
      '5m',
      'Tempo blocklist polls are failing in {{ $labels.namespace }}.',
      mixin('TempoPollsFailing'),
    ),
    counterAlert(
      'TempoTenantIndexFailures',
      TEMPO_METRICS.tenantIndexErrors,
      'critical',
      '5m',
      'Tempo tenant index builds are failing in {{ $labels.namespace }}.',
      mixin('TempoTenantIndexFailures'),
    ),
    {
      alert: 'TempoNoTenantIndexBuilders',
      // The mixin's `and` compares label sets with and without `tenant`, which never match;
      // `on (namespace, job)` makes the two sides join.
      expr: `sum by (namespace, job, tenant) (${TEMPO_METRICS.tenantIndexBuilder}${sel}) == 0\nand on (namespace, job)\nmax by (namespace, job) (${TEMPO_METRICS.blocklistLength}${sel}) > 0`,
      for: '5m',
      severity: 'critical',
      summary: 'No tenant index builder for tenant {{ $labels.tenant }} in {{ $labels.namespace }}.',
      description: 'Without a builder the tenant index goes stale and queriers stop seeing new blocks.',
      runbookUrl: mixin('TempoNoTenantIndexBuilders'),
      tests: {
        firing: at(
          '20m',
          [
            [TEMPO_METRICS.tenantIndexBuilder, tenant, '0x30'],
            [TEMPO_METRICS.blocklistLength, tenant, '10x30'],
          ],
          tenant,
        ),
        silent: at('20m', [
          [TEMPO_METRICS.tenantIndexBuilder, tenant, '1x30'],
          [TEMPO_METRICS.blocklistLength, tenant, '10x30'],
        ]),
      },
    },
    {
      alert: 'TempoTenantIndexTooOld',
      expr: `max by (namespace, job, tenant) (${TEMPO_METRICS.tenantIndexAgeSeconds}${sel}) > 600`,
      for: '5m',
      severity: 'critical',
      summary:
        'Tempo tenant index of {{ $labels.tenant }} is older than 10 minutes in {{ $labels.namespace }}.',
      description: 'Queriers read a stale block list: recent blocks are missing from search.',
      runbookUrl: mixin('TempoTenantIndexTooOld'),
      tests: {
        firing: at('20m', [[TEMPO_METRICS.tenantIndexAgeSeconds, tenant, '900x30']], tenant),
        silent: at('20m', [[TEMPO_METRICS.tenantIndexAgeSeconds, tenant, '60x30']]),
      },
    },
    {
      alert: 'TempoBadOverrides',
      expr: `min by (namespace, job) (${TEMPO_METRICS.runtimeConfigReloadSuccessful}${sel}) == 0`,
      for: '15m',
      severity: 'warning',
      summary: '{{ $labels.job }} failed to reload the per-tenant overrides in {{ $labels.namespace }}.',
      description:
        'The runtime overrides file (ConfigMap *-overrides) does not parse; Tempo keeps the previous limits.',
      runbookUrl: mixin('TempoBadOverrides'),
      tests: {
        firing: at('30m', [[TEMPO_METRICS.runtimeConfigReloadSuccessful, base, '0x40']], base),
        silent: at('30m', [[TEMPO_METRICS.runtimeConfigReloadSuccessful, base, '1x40']]),
      },
    },
    ...(
      [
        ['warning', 100, '6h', 150],
        ['critical', 250, '24h', 300],
      ] as const
    ).map(
      ([severity, threshold, forDuration, value]): AlertRule =>
        ({
          alert:
            t.line === '3.0'
              ? 'TempoCompactionTooManyOutstandingBlocks'
              : 'TempoCompactorsTooManyOutstandingBlocks',
          expr: `sum by (namespace, job, tenant) (${TEMPO_METRICS.compactionOutstandingBlocks}${of(measurer)})\n/ ignoring (tenant) group_left\ncount by (namespace, job) (${PLATFORM_METRICS.up}${of(compacter)})\n> ${threshold}`,
          for: forDuration,
          severity,
          summary:
            'Too many outstanding compaction blocks for tenant {{ $labels.tenant }} in {{ $labels.namespace }}.',
          description: `More than ${threshold} blocks per ${compacter} wait for compaction; give the ${compacter} more CPU or scale it out.`,
          runbookUrl: mixin(
            t.line === '3.0'
              ? 'TempoCompactionTooManyOutstandingBlocks'
              : 'TempoCompactorsTooManyOutstandingBlocks',
          ),
          // 26 hours of gauges, sampled every 5 minutes.
          tests: {
            firing: {
              ...at(
                severity === 'critical' ? '25h' : '7h',
                [
                  [
                    TEMPO_METRICS.compactionOutstandingBlocks,
                    { ...tenant, component: distributed ? measurer : 'single-binary' },
                    `${value}x312`,
                  ],
                  [
                    PLATFORM_METRICS.up,
                    { ...base, component: distributed ? compacter : 'single-binary', instance: 'tempo-0' },
                    '1x312',
                  ],
                ],
                tenant,
              ),
              alsoFiring: severity === 'critical' ? ['warning'] : [],
              interval: '5m',
            },
            silent: {
              ...at('25h', [
                [
                  TEMPO_METRICS.compactionOutstandingBlocks,
                  { ...tenant, component: distributed ? measurer : 'single-binary' },
                  '10x312',
                ],
                [
                  PLATFORM_METRICS.up,
                  { ...base, component: distributed ? compacter : 'single-binary', instance: 'tempo-0' },
                  '1x312',
                ],
              ]),
              interval: '5m',
            },
          },
        }) as AlertRule,
    ),
    ...(t.line === '2.10'
      ? ([
          {
            alert: 'TempoIngesterReplayErrors',
            expr: `sum by (namespace, job, tenant) (increase(${TEMPO2_METRICS.ingesterReplayErrors}${sel}[5m])) > 0`,
            for: '5m',
            severity: 'critical',
            summary:
              'Tempo ingester failed to replay a WAL block for tenant {{ $labels.tenant }} in {{ $labels.namespace }}.',
            description:
              'A block could not be replayed at startup; its traces are lost unless the WAL is repaired.',
            runbookUrl: mixin('TempoIngesterReplayErrors'),
            tests: {
              firing: at('20m', [[TEMPO2_METRICS.ingesterReplayErrors, tenant, '0+1x30']], tenant),
              silent: at('20m', [[TEMPO2_METRICS.ingesterReplayErrors, tenant, '0x30']]),
            },
          },
          {
            alert: 'TempoProvisioningTooManyWrites',
            expr: `avg by (namespace, job) (rate(${TEMPO2_METRICS.ingesterBytesReceived}${of('ingester')}[5m])) / 1024 / 1024 > 30`,
            for: '15m',
            severity: 'warning',
            summary: 'Tempo ingesters in {{ $labels.namespace }} receive more than 30 MiB/s each.',
            description:
              'Above the sizing guidance for one ingester; scale out (distributed mode) or lower ingestion limits.',
            runbookUrl: mixin('TempoProvisioningTooManyWrites'),
            tests: {
              firing: at(
                '30m',
                [
                  [
                    TEMPO2_METRICS.ingesterBytesReceived,
                    { ...base, component: distributed ? 'ingester' : 'single-binary' },
                    '0+2400000000x40',
                  ],
                ],
                base,
              ),
              silent: at('30m', [
                [
                  TEMPO2_METRICS.ingesterBytesReceived,
                  { ...base, component: distributed ? 'ingester' : 'single-binary' },
                  '0+60000000x40',
                ],
              ]),
            },
          },
        ] as AlertRule[])
      : tempo3Alerts(c, distributed)),
  ];
}

/**
 * Recent queries that met a lagging live-store (the recent-data trap, docs/tempo.md): Tempo's own
 * signal for it, `tempo_live_store_lagged_requests_total` by `route` (grafana/tempo v3.0.3
 * `modules/livestore/live_store.go`; `operations/manage-trace-ingestion.md` tells to watch it).
 * With `fail_on_high_lag` such a query fails unless another zone's live-store answers; without
 * it, it returns without the newest spans of the lagging partition.
 */
function laggedQueries(c: MonitoringConfig, liveStores: string, base: Labels, runbook: string): AlertRule {
  const m = TEMPO3_METRICS.liveStoreLaggedRequests;
  const labels = { ...base, component: 'live-store-zone-a', route: '/tempopb.Querier/SearchRecent' };
  const what = c.tempo.failOnHighLag
    ? 'fail ("cannot guarantee complete results") where no other zone answers'
    : 'return without the newest spans of the lagging partition';
  return {
    alert: 'TempoLiveStoreLaggedQueries',
    expr: `sum by (namespace, job, route) (rate(${m}${liveStores}[5m])) > 0`,
    for: '5m',
    severity: c.tempo.failOnHighLag ? 'critical' : 'warning',
    summary: `Recent Tempo queries ({{ $labels.route }}) meet a live-store lagging behind Kafka in {{ $labels.namespace }}.`,
    description: `For 5 minutes, queries whose range ends near now overlap the live-stores' Kafka lag: they ${what}. Grafana's default ranges all end at now. See the partition-lag alerts for the cause.`,
    runbookUrl: runbook,
    tests: {
      firing: at('30m', [[m, labels, '0+2x40']], {
        namespace: base.namespace,
        job: base.job,
        route: labels.route,
      }),
      silent: at('30m', [[m, labels, '5x40']]),
    },
  };
}

/**
 * Tempo 3.0 alerts on the Kafka write path, from tempo-mixin v3.0.3 (`alerts.libsonnet`) scoped to
 * this Tempo, on metrics of `pkg/ingest/metrics.go` (`tempo_ingest_group_partition_lag_seconds`
 * by `group`, `partition`), `pkg/ingest/writer_client.go`, `modules/blockbuilder`,
 * `modules/backendscheduler` and `modules/backendworker`. Monolithic 3.0 has no Kafka: none.
 */
function tempo3Alerts(c: MonitoringConfig, distributed: boolean): AlertRule[] {
  const t = c.tempo;
  if (!distributed || !t.kafka) return [];
  const base = target(t);
  const mixin = (name: string) => `${c.tempoMixinRunbook}#${name}`;
  const of = (component: string) => selector({ ...base, component });
  const liveStores = selector(base, { component: 'live-store-zone-.*' });
  const lag = TEMPO3_METRICS.partitionLagSeconds;
  const lagAlert = (
    alert: string,
    severity: AlertRule['severity'],
    sel: string,
    by: string,
    agg: 'max' | 'min',
    threshold: number,
    forDuration: string,
    what: string,
    series: Labels[],
    silentSeries: Labels[],
    runbook: string,
    /** A series that stays behind in the silent case (only the others recover). */
    laggingWhenSilent?: Labels,
  ): AlertRule => ({
    alert,
    expr: `${agg} by (${by}) (avg_over_time(${lag}${sel}[6m])) > ${threshold}`,
    for: forDuration,
    severity,
    summary: `Tempo ${what} lags more than ${threshold}s behind Kafka on partition {{ $labels.partition }} in {{ $labels.namespace }}.`,
    description: `Records wait longer than ${threshold}s to be consumed; Kafka retention bounds how long that can last before data is lost. Check the consumers' CPU, restarts and the brokers.`,
    runbookUrl: runbook,
    tests: {
      firing: at(
        '30m',
        series.map((l) => [lag, l, `${threshold + 100}x40`] as [string, Labels, string]),
        Object.fromEntries(by.split(', ').map((k) => [k, series[0][k]])),
      ),
      silent: at('30m', [
        ...silentSeries.map((l) => [lag, l, '5x40'] as [string, Labels, string]),
        ...(laggingWhenSilent
          ? [[lag, laggingWhenSilent, `${threshold + 100}x40`] as [string, Labels, string]]
          : []),
      ]),
    },
  });
  const bb = { ...base, component: 'block-builder', group: 'block-builder', partition: '0' };
  const lsA = { ...base, component: 'live-store-zone-a', group: 'tempo-live-store-zone-a-0', partition: '0' };
  const lsB = { ...base, component: 'live-store-zone-b', group: 'tempo-live-store-zone-b-0', partition: '0' };
  const counter = (
    alert: string,
    metric: string,
    component: string,
    severity: AlertRule['severity'],
    summary: string,
    runbook: string,
  ): AlertRule => {
    const labels = { ...base, component };
    return {
      alert,
      expr: `sum by (namespace, job) (increase(${metric}${of(component)}[10m])) > 0`,
      for: '10m',
      severity,
      summary,
      description: 'Still happening after 10 minutes; see the runbook.',
      runbookUrl: runbook,
      tests: {
        firing: at('40m', [[metric, labels, '0+5x50']], base),
        silent: at('40m', [[metric, labels, '0x50']]),
      },
    };
  };
  const sched = { ...base, component: 'backend-scheduler', tenant: 'single-tenant', job_type: 'compaction' };
  const ringPartitions = TEMPO3_METRICS.partitionRingPartitions;
  const owned = TEMPO3_METRICS.blockBuilderOwnedPartitions;
  const ringLabels = {
    ...base,
    component: 'distributor',
    instance: '10.0.0.5:3200',
    name: 'livestore-partitions',
    state: 'Active',
  };
  const ringSeries: [string, Labels, string] = [ringPartitions, ringLabels, '2x40'];
  const ownedSeries = (instance: string, partition: string): [string, Labels, string] => [
    owned,
    { ...base, component: 'block-builder', instance, partition, state: 'PartitionActive' },
    '1x40',
  ];
  return [
    lagAlert(
      'TempoBlockBuilderPartitionLagWarning',
      'warning',
      of('block-builder'),
      'namespace, job, partition',
      'max',
      200,
      '5m',
      'block-builder',
      [bb],
      [bb],
      mixin('TempoPartitionLag'),
    ),
    lagAlert(
      'TempoBlockBuilderPartitionLagCritical',
      'critical',
      of('block-builder'),
      'namespace, job, partition',
      'max',
      300,
      '5m',
      'block-builder',
      [bb],
      [bb],
      mixin('TempoPartitionLag'),
    ),
    lagAlert(
      'TempoLiveStorePartitionLagWarning',
      'warning',
      liveStores,
      'namespace, job, partition, group',
      'max',
      200,
      '5m',
      'live-store',
      [lsA],
      [lsA],
      mixin('TempoPartitionLag'),
    ),
    // Both zones' owners behind: recent traces of that partition cannot be queried.
    lagAlert(
      'TempoLiveStoreAllMembersLagging',
      'critical',
      liveStores,
      'namespace, job, partition',
      'min',
      300,
      '2m',
      'every live-store owner',
      [lsA, lsB],
      [lsB],
      mixin('TempoLiveStoreAllMembersLagging'),
      // One zone behind, the other current: queries still succeed, no alert.
      lsA,
    ),
    laggedQueries(c, liveStores, base, runbook(c, 'TempoLiveStoreLaggedQueries')),
    ...(t.components.includes('metrics-generator')
      ? [
          lagAlert(
            'TempoMetricsGeneratorPartitionLagCritical',
            'critical',
            of('metrics-generator'),
            'namespace, job, partition',
            'max',
            900,
            '5m',
            'metrics-generator',
            [{ ...base, component: 'metrics-generator', group: 'metrics-generator', partition: '0' }],
            [{ ...base, component: 'metrics-generator', group: 'metrics-generator', partition: '0' }],
            mixin('TempoPartitionLag'),
          ),
        ]
      : []),
    counter(
      'TempoDistributorKafkaProduceFailing',
      TEMPO3_METRICS.distributorProduceFailures,
      'distributor',
      'critical',
      'Tempo distributors fail to write records to Kafka in {{ $labels.namespace }}.',
      runbook(c, 'TempoDistributorKafkaProduceFailing'),
    ),
    counter(
      'TempoBlockBuilderFetchErrors',
      TEMPO3_METRICS.blockBuilderFetchErrors,
      'block-builder',
      'critical',
      'Tempo block-builders fail to fetch from Kafka in {{ $labels.namespace }}.',
      runbook(c, 'TempoBlockBuilderFetchErrors'),
    ),
    counter(
      'TempoBackendWorkerBadJobsRateHigh',
      TEMPO3_METRICS.backendWorkerBadJobs,
      'backend-worker',
      'warning',
      'Tempo backend-workers receive bad jobs in {{ $labels.namespace }}.',
      mixin('TempoBackendWorkerBadJobsRateHigh'),
    ),
    {
      alert: 'TempoBackendSchedulerJobsFailureRateHigh',
      expr: `sum by (namespace, job) (increase(${TEMPO3_METRICS.backendSchedulerJobsFailed}${of('backend-scheduler')}[5m]))\n/\nsum by (namespace, job) (increase(${TEMPO3_METRICS.backendSchedulerJobsCreated}${of('backend-scheduler')}[5m]))\n> 0.05`,
      for: '10m',
      severity: 'critical',
      summary: 'More than 5 % of Tempo backend jobs (compaction, retention) fail in {{ $labels.namespace }}.',
      description:
        'Failed jobs leave blocks uncompacted and expired data undeleted; check the backend-workers and object storage.',
      runbookUrl: mixin('TempoBackendSchedulerJobsFailureRateHigh'),
      tests: {
        firing: at(
          '40m',
          [
            [TEMPO3_METRICS.backendSchedulerJobsCreated, sched, '0+10x50'],
            [TEMPO3_METRICS.backendSchedulerJobsFailed, sched, '0+2x50'],
          ],
          base,
        ),
        silent: at('40m', [
          [TEMPO3_METRICS.backendSchedulerJobsCreated, sched, '0+10x50'],
          [TEMPO3_METRICS.backendSchedulerJobsFailed, sched, '0x50'],
        ]),
      },
    },
    {
      alert: 'TempoBlockBuildersPartitionsMismatch',
      // Partitions with data (Active or Inactive in the live-stores' partition ring) that no
      // block-builder consumes: their traces never reach object storage.
      expr: `max by (namespace, job) (sum by (namespace, job, instance) (${ringPartitions}${selector({ ...base, name: 'livestore-partitions' }, { state: 'Active|Inactive' })}))\n>\nsum by (namespace, job) (${owned}${of('block-builder')})`,
      for: '10m',
      severity: 'critical',
      summary: 'Some Tempo partitions in {{ $labels.namespace }} have no block-builder.',
      description:
        'More partitions are in use than block-builders own; traces of the unowned partitions are never written to object storage. Check the block-builder replicas and assigned_partitions.',
      runbookUrl: mixin('TempoBlockBuildersPartitionsMismatch'),
      tests: {
        // Two partitions in use; one block-builder owns one (firing), two own one each (silent).
        firing: at('30m', [ringSeries, ownedSeries('10.0.0.6:3200', '0')], base),
        silent: at('30m', [ringSeries, ownedSeries('10.0.0.6:3200', '0'), ownedSeries('10.0.0.7:3200', '1')]),
      },
    },
  ];
}

function collectorAlerts(c: MonitoringConfig): AlertRule[] {
  if (c.collectors.length === 0) return [];
  const ns = c.collectors[0].namespace;
  const jobs = c.collectors.map((x) => x.job).join('|');
  const sel = selector({ namespace: ns }, { job: jobs });
  const first = target(c.collectors[0]);
  const th = c.thresholds;
  const rateAlert = (
    alert: string,
    metric: string,
    label: string,
    severity: AlertRule['severity'],
    summary: string,
    description: string,
  ): AlertRule => {
    const l = { ...first, [label]: label === 'receiver' ? 'otlp' : 'otlp_grpc/tempo' };
    return {
      alert,
      expr: `sum by (namespace, job, ${label}) (rate(${metric}${sel}[5m])) > 0`,
      for: severity === 'critical' ? '5m' : '10m',
      severity,
      summary,
      description,
      runbookUrl: runbook(c, alert),
      tests: {
        firing: at('30m', [[metric, { ...l, transport: 'grpc' }, '0+100x40']], l),
        silent: at('30m', [[metric, { ...l, transport: 'grpc' }, '0x40']]),
      },
    };
  };
  const exporterLabels = { ...first, exporter: 'otlp_grpc/tempo' };
  const alerts: AlertRule[] = [
    {
      alert: 'OtelCollectorTargetDown',
      expr: `${PLATFORM_METRICS.up}${sel} == 0`,
      for: '5m',
      severity: 'critical',
      summary: 'Collector {{ $labels.job }} ({{ $labels.instance }}) is down.',
      description:
        'Prometheus cannot scrape this collector pod; spans sent to it are lost or queued in the sender.',
      runbookUrl: runbook(c, 'OtelCollectorTargetDown'),
      tests: {
        firing: at('10m', [[PLATFORM_METRICS.up, { ...first, instance: '10.0.0.2:8888' }, '0x15']], {
          ...first,
          instance: '10.0.0.2:8888',
        }),
        silent: at('10m', [[PLATFORM_METRICS.up, { ...first, instance: '10.0.0.2:8888' }, '1x15']]),
      },
    },
    rateAlert(
      'OtelCollectorReceiverRefusedSpans',
      COLLECTOR_METRICS.receiverRefused,
      'receiver',
      'warning',
      'Collector {{ $labels.job }} refuses spans on receiver {{ $labels.receiver }}.',
      'The receiver returns errors to senders, usually because the memory limiter is refusing data downstream.',
    ),
    {
      alert: 'OtelCollectorExporterSendFailures',
      expr: `sum by (namespace, job, exporter) (rate(${COLLECTOR_METRICS.exporterSendFailed}${sel}[5m]))\n/\n(\n  sum by (namespace, job, exporter) (rate(${COLLECTOR_METRICS.exporterSent}${sel}[5m]))\n  + sum by (namespace, job, exporter) (rate(${COLLECTOR_METRICS.exporterSendFailed}${sel}[5m]))\n) > ${th.exporterFailureRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Collector {{ $labels.job }} fails to send spans with {{ $labels.exporter }}.',
      description: `More than ${th.exporterFailureRatio * 100} % of spans fail to export after retries. Check the backend (Tempo or the gateway) and the network path.`,
      runbookUrl: runbook(c, 'OtelCollectorExporterSendFailures'),
      tests: {
        firing: at(
          '30m',
          [
            [COLLECTOR_METRICS.exporterSent, exporterLabels, '0+900x40'],
            [COLLECTOR_METRICS.exporterSendFailed, exporterLabels, '0+100x40'],
          ],
          exporterLabels,
        ),
        silent: at('30m', [
          [COLLECTOR_METRICS.exporterSent, exporterLabels, '0+1000x40'],
          [COLLECTOR_METRICS.exporterSendFailed, exporterLabels, '0x40'],
        ]),
      },
    },
    rateAlert(
      'OtelCollectorExporterEnqueueFailures',
      COLLECTOR_METRICS.exporterEnqueueFailed,
      'exporter',
      'critical',
      'Collector {{ $labels.job }} drops spans: the {{ $labels.exporter }} queue is full.',
      'Spans are dropped because the sending queue is full; the backend is too slow or down.',
    ),
    {
      alert: 'OtelCollectorExporterQueueNearlyFull',
      expr: `max by (namespace, job, exporter) (\n  ${COLLECTOR_METRICS.exporterQueueSize}${sel}\n  / ${COLLECTOR_METRICS.exporterQueueCapacity}${sel}\n) > ${th.exporterQueueRatio}`,
      for: '10m',
      severity: 'warning',
      summary: 'Collector {{ $labels.job }} sending queue of {{ $labels.exporter }} is nearly full.',
      description: `The queue is above ${Math.round(th.exporterQueueRatio * 100)} % of its capacity; once full, spans are dropped.`,
      runbookUrl: runbook(c, 'OtelCollectorExporterQueueNearlyFull'),
      tests: {
        firing: at(
          '30m',
          [
            [COLLECTOR_METRICS.exporterQueueSize, exporterLabels, '4500x40'],
            [COLLECTOR_METRICS.exporterQueueCapacity, exporterLabels, '5000x40'],
          ],
          exporterLabels,
        ),
        silent: at('30m', [
          [COLLECTOR_METRICS.exporterQueueSize, exporterLabels, '10x40'],
          [COLLECTOR_METRICS.exporterQueueCapacity, exporterLabels, '5000x40'],
        ]),
      },
    },
    {
      alert: 'OtelCollectorMemoryLimiterRefusing',
      expr: `sum by (namespace, job) (rate(${COLLECTOR_METRICS.memoryLimiterRefused}${sel}[5m])) > 0`,
      for: '5m',
      severity: 'warning',
      summary: 'Collector {{ $labels.job }} is refusing spans under memory pressure.',
      description:
        'The memory_limiter soft limit is exceeded; senders get errors and may drop spans. Give the collector more memory or replicas.',
      runbookUrl: runbook(c, 'OtelCollectorMemoryLimiterRefusing'),
      tests: {
        firing: at('30m', [[COLLECTOR_METRICS.memoryLimiterRefused, first, '0+50x40']], first),
        silent: at('30m', [[COLLECTOR_METRICS.memoryLimiterRefused, first, '0x40']]),
      },
    },
  ];
  if (c.tailSampling) {
    alerts.push({
      alert: 'OtelCollectorTailSamplingTracesDroppedTooEarly',
      expr: `sum by (namespace, job) (rate(${COLLECTOR_METRICS.tailSamplingDroppedTooEarly}${sel}[5m])) > 0`,
      for: '10m',
      severity: 'warning',
      summary: 'Tail sampling in {{ $labels.job }} drops traces before deciding.',
      description:
        'num_traces is too small for decision_wait × new traces per second: traces are evicted undecided. Raise num_traces or add gateway replicas.',
      runbookUrl: runbook(c, 'OtelCollectorTailSamplingTracesDroppedTooEarly'),
      tests: {
        firing: at('30m', [[COLLECTOR_METRICS.tailSamplingDroppedTooEarly, first, '0+10x40']], first),
        silent: at('30m', [[COLLECTOR_METRICS.tailSamplingDroppedTooEarly, first, '0x40']]),
      },
    });
    alerts.push({
      alert: 'OtelCollectorTailSamplingTracesTooLarge',
      expr: `sum by (namespace, job) (rate(${COLLECTOR_METRICS.tailSamplingDroppedTooLarge}${sel}[5m])) > 0`,
      for: '15m',
      severity: 'warning',
      summary: 'Tail sampling in {{ $labels.job }} drops traces larger than maximum_trace_size_bytes.',
      description:
        'Traces grow past the size cap and are dropped before their decision, whatever the policies say. Find the runaway trace (a loop, a batch job in one trace) or raise maxTraceBytes with the gateway memory.',
      runbookUrl: runbook(c, 'OtelCollectorTailSamplingTracesTooLarge'),
      tests: {
        firing: at('30m', [[COLLECTOR_METRICS.tailSamplingDroppedTooLarge, first, '0+5x40']], first),
        silent: at('30m', [[COLLECTOR_METRICS.tailSamplingDroppedTooLarge, first, '0x40']]),
      },
    });
  }
  return alerts;
}

function spanMetricsAlerts(c: MonitoringConfig): AlertRule[] {
  const m = c.spanMetrics;
  // An alert is evaluated where its series are: none on series this Prometheus never receives.
  if (!m || c.spanMetricsElsewhere) return [];
  const server = { ...m.seriesLabels, [m.labels.spanKind]: m.serverKind };
  const th = c.thresholds;
  const svc = { [m.labels.service]: 'checkout' };
  const who = `{{ $labels.${m.labels.service} }}`;
  // The P95 lands between the first boundary at or above the threshold and the next one.
  const at_ = m.buckets.findIndex((b) => b >= th.serviceLatencyP95Seconds);
  if (at_ < 0 || at_ === m.buckets.length - 1)
    throw new ConfigError(
      'monitoring.thresholds.serviceLatencyP95Seconds',
      `${th.serviceLatencyP95Seconds} is not below the largest span-metrics latency bucket but one (${m.buckets.at(-2)}s of ${m.buckets.join(', ')}), so the P95 alert could never fire; lower the threshold or add larger buckets (collector.gateway.spanMetrics.buckets)`,
    );
  const le = (b: number | string) => String(b);
  const latency = `${m.alertPrefix}ServiceLatencyHigh`;
  const errors = `${m.alertPrefix}ServiceErrorRatioHigh`;
  const sampled = m.beforeSampling
    ? ''
    : ' Computed after tail sampling: of sampled traces, biased towards errors and slow traces.';
  return [
    {
      alert: latency,
      expr: `histogram_quantile(0.95, sum by (${m.labels.service}, le) (rate(${m.latencyBucket}${selector(server)}[5m]))) > ${th.serviceLatencyP95Seconds}`,
      for: '15m',
      severity: 'warning',
      summary: `Service ${who} answers slowly (P95 from traces).`,
      description: `P95 duration of the service's server spans is above ${th.serviceLatencyP95Seconds}s (${m.source}).${sampled}`,
      runbookUrl: runbook(c, latency),
      tests: {
        firing: at(
          '30m',
          [
            [m.latencyBucket, { ...server, ...svc, le: le(m.buckets[at_]!) }, '0x40'],
            [m.latencyBucket, { ...server, ...svc, le: le(m.buckets[at_ + 1]!) }, '0+10x40'],
            [m.latencyBucket, { ...server, ...svc, le: '+Inf' }, '0+10x40'],
          ],
          svc,
        ),
        silent: at('30m', [
          [m.latencyBucket, { ...server, ...svc, le: le(m.buckets[0]!) }, '0+10x40'],
          [m.latencyBucket, { ...server, ...svc, le: '+Inf' }, '0+10x40'],
        ]),
      },
    },
    {
      alert: errors,
      expr: `sum by (${m.labels.service}) (rate(${m.calls}${selector({ ...server, [m.labels.statusCode]: m.errorStatus })}[5m]))\n/\nsum by (${m.labels.service}) (rate(${m.calls}${selector(server)}[5m]))\n> ${th.serviceErrorRatio}`,
      for: '15m',
      severity: 'warning',
      summary: `Service ${who} fails too many requests (from traces).`,
      description: `More than ${th.serviceErrorRatio * 100} % of the service's server spans end with an error status (${m.source}).${sampled}`,
      runbookUrl: runbook(c, errors),
      tests: {
        firing: at(
          '30m',
          [
            [m.calls, { ...server, ...svc, [m.labels.statusCode]: m.errorStatus }, '0+20x40'],
            [m.calls, { ...server, ...svc, [m.labels.statusCode]: 'STATUS_CODE_UNSET' }, '0+80x40'],
          ],
          svc,
        ),
        silent: at('30m', [
          [m.calls, { ...server, ...svc, [m.labels.statusCode]: m.errorStatus }, '0x40'],
          [m.calls, { ...server, ...svc, [m.labels.statusCode]: 'STATUS_CODE_UNSET' }, '0+80x40'],
        ]),
      },
    },
  ];
}

/** Alert groups for this deployment: Tempo, collectors, and trace-based SLIs. */
/**
 * The query caches: Tempo's memcached client (`tempo_memcache_request_duration_seconds_count`,
 * both lines, by `name` = the pool's roles) and the exporter of each pool this app deploys.
 */
function cacheAlerts(c: MonitoringConfig): AlertRule[] {
  const t = c.tempo;
  if (!t.caches?.any) return [];
  const base = target(t);
  const requests = TEMPO_CACHE_METRICS.memcacheRequests;
  const name = 'bloom|trace-id-index|parquet-footer';
  const client = (method: string, status: string) => ({
    ...base,
    component: 'querier',
    name,
    method,
    status_code: status,
  });
  const rules: AlertRule[] = [
    {
      alert: 'TempoMemcachedErrors',
      expr: `sum by (namespace, job, name) (rate(${requests}${selector({ ...base, status_code: '500' })}[5m]))\n/\nsum by (namespace, job, name) (rate(${requests}${selector(base)}[5m])) > 0.05`,
      for: '15m',
      severity: 'warning',
      summary:
        "More than 5 % of Tempo's requests to the memcached of {{ $labels.name }} fail in {{ $labels.namespace }}.",
      description:
        'Timeouts, refused connections (connection limit) or unreachable servers: queries fall back to object storage and slow down. Check the pool, its connections and the NetworkPolicy.',
      runbookUrl: runbook(c, 'TempoMemcachedErrors'),
      tests: {
        firing: at(
          '30m',
          [
            [requests, client('Memcache.Get', '500'), '0+60x40'],
            [requests, client('Memcache.Get', '200'), '0+60x40'],
          ],
          { ...base, name },
        ),
        silent: at('30m', [
          [requests, client('Memcache.Get', '500'), '0x40'],
          [requests, client('Memcache.Get', '200'), '0+60x40'],
        ]),
      },
    },
  ];
  // Hits are only visible on single-key reads (Memcache.Get: 200 hit, 404 miss), which the backend
  // roles use (tempodb/backend/cache/cache.go FetchKey); frontend-search reads with GetMulti.
  if (t.caches.backendRoles) {
    const reads = selector({ ...base, method: 'Memcache.Get' }, { status_code: '200|404' });
    rules.push({
      alert: 'TempoMemcachedHitRatioLow',
      expr: `sum by (namespace, job, name) (rate(${requests}${selector({ ...base, method: 'Memcache.Get', status_code: '200' })}[15m]))\n/\nsum by (namespace, job, name) (rate(${requests}${reads}[15m])) < 0.5\nand\nsum by (namespace, job, name) (rate(${requests}${reads}[15m])) > 1`,
      for: '1h',
      severity: 'warning',
      summary: 'Fewer than half of the cache reads of {{ $labels.name }} hit in {{ $labels.namespace }}.',
      description:
        "The pool is smaller than the working set (every block's bloom filter within retention, caching.md) or was just restarted; queries read object storage instead. Check evictions and grow the pool (tempo.caches, the plan in SUMMARY.md).",
      runbookUrl: runbook(c, 'TempoMemcachedHitRatioLow'),
      tests: {
        firing: held(
          '1h',
          [
            [requests, client('Memcache.Get', '200'), (n, step) => `0+${step * 2}x${n}`],
            [requests, client('Memcache.Get', '404'), (n, step) => `0+${step * 8}x${n}`],
          ],
          { ...base, name },
        ),
        silent: held('1h', [
          [requests, client('Memcache.Get', '200'), (n, step) => `0+${step * 9}x${n}`],
          [requests, client('Memcache.Get', '404'), (n, step) => `0+${step}x${n}`],
        ]),
      },
    });
  }
  for (const pool of c.memcachedPools ?? []) {
    const p = target(pool);
    const labels = { ...p, component: 'cache', instance: '10.0.0.7:9150' };
    rules.push(
      {
        alert: 'TempoMemcachedDown',
        expr: `max by (namespace, job, instance) (${MEMCACHED_METRICS.up}${selector(p)}) == 0`,
        for: '5m',
        severity: 'critical',
        summary:
          'memcached {{ $labels.instance }} of {{ $labels.job }} does not answer its exporter in {{ $labels.namespace }}.',
        description: 'Its share of the keys misses until it is back; Tempo reads those from object storage.',
        runbookUrl: runbook(c, 'TempoMemcachedDown'),
        tests: {
          firing: at('20m', [[MEMCACHED_METRICS.up, labels, '0x30']], {
            namespace: p.namespace,
            job: p.job,
            instance: labels.instance,
          }),
          silent: at('20m', [[MEMCACHED_METRICS.up, labels, '1x30']]),
        },
      },
      {
        alert: 'TempoMemcachedConnectionsNearLimit',
        expr: `max by (namespace, job, instance) (${MEMCACHED_METRICS.currentConnections}${selector(p)} / ${MEMCACHED_METRICS.maxConnections}${selector(p)}) > 0.9`,
        for: '10m',
        severity: 'warning',
        summary:
          'memcached {{ $labels.instance }} of {{ $labels.job }} uses more than 90 % of its connection limit.',
        description:
          'New connections are refused at the limit (caching.md, "Connection limit"); Tempo then counts errors. Raise connectionLimit of the pool.',
        runbookUrl: runbook(c, 'TempoMemcachedConnectionsNearLimit'),
        tests: {
          firing: at(
            '30m',
            [
              [MEMCACHED_METRICS.currentConnections, labels, '3900x40'],
              [MEMCACHED_METRICS.maxConnections, labels, '4096x40'],
            ],
            { namespace: p.namespace, job: p.job, instance: labels.instance },
          ),
          silent: at('30m', [
            [MEMCACHED_METRICS.currentConnections, labels, '300x40'],
            [MEMCACHED_METRICS.maxConnections, labels, '4096x40'],
          ]),
        },
      },
    );
  }
  return rules;
}

/**
 * The query gateway: with it, every query (Grafana's too) and any ingest from outside goes through
 * its nginx. Read from the exporter sidecar's `nginx_up` (0 when nginx does not answer its
 * `stub_status`) and the scrape's `up`; a gateway with no scraped pod at all is `absent`.
 */
function gatewayAlerts(c: MonitoringConfig): AlertRule[] {
  const g = c.queryGateway;
  if (!g) return [];
  const p = target(g);
  const sel = selector(p);
  const nginxUp = NGINX_EXPORTER_METRICS.up;
  const pod = (i: number) => ({ ...p, instance: `10.0.0.${20 + i}:9113` });
  return [
    {
      alert: 'TempoQueryGatewayDown',
      expr: `sum by (namespace, job) (${nginxUp}${sel}) == 0\nor\nabsent(${nginxUp}${sel})`,
      for: '5m',
      severity: 'critical',
      summary: 'No query gateway pod of {{ $labels.job }} serves in {{ $labels.namespace }}.',
      description:
        'Every trace query (Grafana included) and any ingest from outside the cluster go through the gateway: they fail until a pod is back.',
      runbookUrl: runbook(c, 'TempoQueryGatewayDown'),
      tests: {
        firing: at(
          '20m',
          [
            [nginxUp, pod(0), '0x30'],
            [nginxUp, pod(1), '0x30'],
          ],
          p,
        ),
        // One pod of two down: the other serves (TempoQueryGatewayPodDown warns).
        silent: at('20m', [
          [nginxUp, pod(0), '0x30'],
          [nginxUp, pod(1), '1x30'],
        ]),
      },
    },
    {
      alert: 'TempoQueryGatewayPodDown',
      expr: `${nginxUp}${sel} == 0\nor\n${PLATFORM_METRICS.up}${sel} == 0`,
      for: '15m',
      severity: 'warning',
      summary:
        'Query gateway pod {{ $labels.instance }} of {{ $labels.job }} does not serve in {{ $labels.namespace }}.',
      description:
        'Its nginx does not answer, or Prometheus cannot scrape the pod; the other pods carry its share. Check the pod events and the nginx logs.',
      runbookUrl: runbook(c, 'TempoQueryGatewayPodDown'),
      tests: {
        firing: at('30m', [[nginxUp, pod(0), '0x40']], pod(0)),
        silent: at('30m', [
          [nginxUp, pod(0), '1x40'],
          [PLATFORM_METRICS.up, pod(0), '1x40'],
        ]),
      },
    },
    ...(g.oidc ? [oauth2ProxyAlert(c, p)] : []),
  ];
}

/**
 * oauth2-proxy answers nginx's auth subrequest for every request, and browser sign-ins: its 5xx
 * (the code exchange or session refresh with the issuer failing, a broken cookie secret) fail
 * those requests at nginx (an auth subrequest's 5xx becomes a 500).
 */
function oauth2ProxyAlert(c: MonitoringConfig, p: Labels): AlertRule {
  const requests = OAUTH2_PROXY_METRICS.requests;
  const pod = { ...p, instance: '10.0.0.20:44180' };
  return {
    alert: 'TempoQueryGatewayOidcErrors',
    expr: `sum by (namespace, job) (rate(${requests}${selector(p, { code: '5..' })}[5m]))\n/\nsum by (namespace, job) (rate(${requests}${selector(p)}[5m])) > 0.05`,
    for: '10m',
    severity: 'warning',
    summary:
      'oauth2-proxy of the query gateway {{ $labels.job }} fails more than 5 % of its requests in {{ $labels.namespace }}.',
    description:
      'Authentication errors at the gateway fail queries and sign-ins. Check its logs for the issuer (discovery, token endpoint), its CA and the client and cookie Secrets.',
    runbookUrl: runbook(c, 'TempoQueryGatewayOidcErrors'),
    tests: {
      firing: at(
        '30m',
        [
          [requests, { ...pod, code: '500' }, '0+30x40'],
          [requests, { ...pod, code: '202' }, '0+60x40'],
        ],
        p,
      ),
      silent: at('30m', [
        [requests, { ...pod, code: '500' }, '0x40'],
        [requests, { ...pod, code: '202' }, '0+60x40'],
        [requests, { ...pod, code: '401' }, '0+60x40'],
      ]),
    },
  };
}

/**
 * The rollout-operator of the live-store zones (Tempo 3.0 microservices). It alone finishes an
 * `OnDelete` rollout and guards evictions and scale-ins: when it stops reconciling, a change to the
 * live-stores is applied to no pod and nothing says so. Expression and threshold as the Mimir
 * mixin's `RolloutOperatorNotReconciling` (grafana/mimir `operations/mimir-mixin/alerts/alerts.libsonnet`;
 * the operator reconciles every group at least every 5 s, `-reconcile.interval`); its target going
 * away is caught as well, since a stopped operator exposes no timestamp at all.
 */
function rolloutAlerts(c: MonitoringConfig): AlertRule[] {
  const r = c.rolloutOperator;
  if (!r) return [];
  const p = target(r);
  const labels = { ...p, instance: '10.0.0.9:8001', rollout_group: r.rolloutGroup };
  const last = ROLLOUT_OPERATOR_METRICS.lastSuccessfulReconcile;
  const sel = selector(p);
  return [
    {
      alert: 'TempoRolloutOperatorNotReconciling',
      expr: `max by (namespace, job, rollout_group) (time() - ${last}${sel}) > 600`,
      for: '5m',
      severity: 'critical',
      summary:
        'The rollout-operator has not reconciled rollout group {{ $labels.rollout_group }} in {{ $labels.namespace }} for 10 minutes.',
      description:
        'Live-store changes wait for it (OnDelete): no pod of the zones is replaced, and scale-ins and evictions are not guarded. Check its logs and its access to the API server.',
      runbookUrl: runbook(c, 'TempoRolloutOperatorNotReconciling'),
      tests: {
        // The timestamp stops 30 minutes in: time() runs away from it.
        firing: at('50m', [[last, labels, '0+60x30 1800x30']], {
          namespace: p.namespace,
          job: p.job,
          rollout_group: r.rolloutGroup,
        }),
        // Reconciled every minute: the timestamp follows time().
        silent: at('50m', [[last, labels, '0+60x60']]),
      },
    },
    {
      alert: 'TempoRolloutOperatorDown',
      expr: downOrAbsent(sel),
      for: '15m',
      severity: 'critical',
      summary: 'The rollout-operator {{ $labels.job }} in {{ $labels.namespace }} is down or not scraped.',
      description:
        'Without it the live-store zones are not rolled, their evictions are refused by its webhook or not guarded, and scale-ins are not prepared.',
      runbookUrl: runbook(c, 'TempoRolloutOperatorDown'),
      tests: {
        firing: at('30m', [[PLATFORM_METRICS.up, { ...p, instance: labels.instance }, '0x40']], {
          ...p,
          instance: labels.instance,
        }),
        silent: at('30m', [[PLATFORM_METRICS.up, { ...p, instance: labels.instance }, '1x40']]),
      },
    },
  ];
}

export function alertGroups(c: MonitoringConfig): RuleGroup[] {
  return [
    { name: 'tempo-alerts', rules: tempoAlerts(c) },
    { name: 'tempo-cache-alerts', rules: cacheAlerts(c) },
    { name: 'tempo-rollout-alerts', rules: rolloutAlerts(c) },
    { name: 'tempo-gateway-alerts', rules: gatewayAlerts(c) },
    { name: 'otel-collector-alerts', rules: collectorAlerts(c) },
    { name: 'trace-sli-alerts', rules: spanMetricsAlerts(c) },
  ].filter((g) => g.rules.length > 0);
}
