/**
 * The three dashboards, built with @grafana/grafana-foundation-sdk (no hand-written JSON). Metric
 * names come from the constructs' typed attributes and the monitoring catalog; every PromQL
 * expression is parsed when the dashboard is built.
 */
import {
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { DataqueryBuilder as TempoQuery, SearchTableType } from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import {
  COLLECTOR_METRICS,
  NGINX_EXPORTER_METRICS,
  TEMPO_CACHE_METRICS,
  PLATFORM_METRICS,
  TEMPO2_METRICS,
  TEMPO3_METRICS,
  TEMPO_METRICS,
  TEMPO_QUERY_ROUTES,
} from '../monitoring/metric-catalog';
import type { MonitoringConfig, ScrapeTarget } from '../monitoring/monitoring-config';
import { checkPromQL, selector } from '../monitoring/promql';
import type { ServiceGraphMetricNames, SpanMetricNames } from '../tempo/generated-metrics';
import type { DatasourceRef } from './datasources';

export interface DashboardInput {
  /** Distinguishes the dashboards of several environments in one Grafana: `tracing-prod`. */
  readonly id: string;
  readonly prometheus: DatasourceRef;
  /** The Tempo datasource of the standard dashboards' trace search. */
  readonly tempo: DatasourceRef;
  /** The Tempo datasource of a panel's `tenant` (a tenant, or a list read together). @default - `tempo` */
  readonly tempoFor?: (tenant: string | readonly string[] | undefined, property: string) => DatasourceRef;
  readonly tempoTarget: MonitoringConfig['tempo'];
  readonly collectors: readonly ScrapeTarget[];
  readonly spanMetrics?: SpanMetricNames;
  readonly serviceGraphs?: ServiceGraphMetricNames;
  readonly tailSampling: boolean;
  /** The query gateway's scrape target (its nginx exporter). @default - no gateway */
  readonly queryGateway?: ScrapeTarget;
}

export interface BuiltDashboard {
  /** Short name used for the ConfigMap: `overview`. */
  readonly slug: string;
  readonly json: Record<string, unknown>;
}

/**
 * A dashboard builder with the stack's UID, tags and time settings.
 * @internal SDK builders stay out of the package's declarations (the SDK's types resolve only
 * through `exports`, which the stock cdk8s tsconfig's node10 resolution does not read).
 */
export function dashboard(i: DashboardInput, slug: string, title: string): DashboardBuilder {
  return new DashboardBuilder(`${title} (${i.id})`)
    .uid(`${i.id}-${slug}`.slice(0, 40))
    .tags(['tracing', 'tracesynth', i.id])
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly();
}

type GridPos = { x: number; y: number; w: number; h: number };

/**
 * The dashboard JSON, panels laid out left to right in the 24-column grid, a panel that does not
 * fit in the rest of a line starting the next one (the SDK's builder keeps it on the line, past
 * column 24), each row header on a line of its own.
 * @internal (as `dashboard`)
 */
export function built(slug: string, d: DashboardBuilder): BuiltDashboard {
  const json = d.build() as unknown as { panels?: { type: string; gridPos?: GridPos }[] };
  let x = 0;
  let y = 0;
  let h = 0;
  for (const p of json.panels ?? []) {
    const pos = p.gridPos!;
    if (p.type === 'row' || x + pos.w > 24) {
      y += h;
      x = 0;
      h = 0;
    }
    p.gridPos = { ...pos, x, y };
    if (p.type === 'row') {
      y += pos.h;
      continue;
    }
    x += pos.w;
    h = Math.max(h, pos.h);
  }
  return { slug, json: json as unknown as Record<string, unknown> };
}

/**
 * A Prometheus query; the expression is parsed here, so a typo fails the synth.
 * @internal (as `dashboard`)
 */
export function prom(i: DashboardInput, slug: string, expr: string, legend?: string): PromQuery {
  // Grafana's interval variables are not PromQL; the parser sees a duration in their place.
  checkPromQL(expr.replace(/\$__(rate_interval|interval|range)/g, '5m'), `grafana.dashboards.${slug}`);
  const q = new PromQuery().datasource(i.prometheus.ref).expr(expr);
  return legend ? q.legendFormat(legend) : q;
}

function series(
  i: DashboardInput,
  slug: string,
  title: string,
  unit: string,
  queries: [string, string][],
  span = 12,
): timeseries.PanelBuilder {
  const p = new timeseries.PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(i.prometheus.ref)
    .height(8)
    .span(span);
  for (const [expr, legend] of queries) p.withTarget(prom(i, slug, expr, legend));
  return p;
}

function single(
  i: DashboardInput,
  slug: string,
  title: string,
  unit: string,
  expr: string,
): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(i.prometheus.ref)
    .height(4)
    .span(6)
    .withTarget(prom(i, slug, expr));
}

/**
 * A table of the traces a TraceQL query finds (Tempo datasource), full width.
 * @internal (as `dashboard`)
 */
export function traceSearch(
  i: DashboardInput,
  title: string,
  query: string,
  limit: number,
  tempo: DatasourceRef = i.tempo,
): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(title)
    .datasource(tempo.ref)
    .height(8)
    .span(24)
    .withTarget(
      new TempoQuery()
        .datasource(tempo.ref)
        .queryType('traceql')
        .refId('A')
        .query(query)
        .limit(limit)
        .tableType(SearchTableType.Traces),
    );
}

/** 1. Distributed tracing overview (span metrics, service graph, TraceQL search). */
export function tracingOverview(i: DashboardInput): BuiltDashboard | undefined {
  const m = i.spanMetrics;
  if (!m) return undefined; // without span metrics there is nothing to chart
  const slug = 'overview';
  const server = `${m.labels.spanKind}="SPAN_KIND_SERVER", ${m.labels.service}=~"$service"`;
  const errors = `${server}, ${m.labels.statusCode}="${m.errorStatus}"`;
  const rate = (labels: string) => `rate(${m.calls}{${labels}}[$__rate_interval])`;
  const d = dashboard(i, slug, 'Distributed tracing overview')
    .withVariable(
      new QueryVariableBuilder('service')
        .label('Service')
        .datasource(i.prometheus.ref)
        .query(`label_values(${m.calls}, ${m.labels.service})`)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withRow(new RowBuilder('Golden signals'))
    .withPanel(single(i, slug, 'Requests per second', 'reqps', `sum(${rate(server)})`))
    .withPanel(
      single(
        i,
        slug,
        'P95 latency',
        's',
        `histogram_quantile(0.95, sum by (le) (rate(${m.latencyBucket}{${server}}[$__rate_interval])))`,
      ),
    )
    .withPanel(single(i, slug, 'Error rate', 'percentunit', `sum(${rate(errors)}) / sum(${rate(server)})`))
    .withPanel(
      single(
        i,
        slug,
        'Active services',
        'none',
        `count(count by (${m.labels.service}) (${rate(m.labels.spanKind + '="SPAN_KIND_SERVER"')} > 0))`,
      ),
    )
    .withRow(new RowBuilder('Per operation'))
    .withPanel(
      series(
        i,
        slug,
        'Latency percentiles per operation',
        's',
        [50, 95, 99].map((q) => [
          `histogram_quantile(0.${q}, sum by (le, ${m.labels.service}, ${m.labels.spanName}) (rate(${m.latencyBucket}{${server}}[$__rate_interval])))`,
          `P${q} {{${m.labels.service}}} {{${m.labels.spanName}}}`,
        ]),
      ),
    )
    .withPanel(
      series(i, slug, 'Request rate per operation', 'reqps', [
        [
          `sum by (${m.labels.service}, ${m.labels.spanName}) (${rate(server)})`,
          `{{${m.labels.service}}} {{${m.labels.spanName}}}`,
        ],
      ]),
    )
    .withPanel(
      series(i, slug, 'Success vs error', 'reqps', [
        [`sum(${rate(`${server}, ${m.labels.statusCode}!="${m.errorStatus}"`)})`, 'success'],
        [`sum(${rate(errors)})`, 'error'],
      ]),
    )
    .withPanel(
      new table.PanelBuilder()
        .title('Operations')
        .datasource(i.prometheus.ref)
        .height(10)
        .span(24)
        .withTarget(
          prom(
            i,
            slug,
            `sum by (${m.labels.service}, ${m.labels.spanName}) (rate(${m.calls}{${server}}[$__range]))`,
          )
            .instant()
            .format(PromQueryFormat.Table)
            .refId('rate'),
        )
        .withTarget(
          prom(
            i,
            slug,
            `sum by (${m.labels.service}, ${m.labels.spanName}) (rate(${m.calls}{${errors}}[$__range])) / sum by (${m.labels.service}, ${m.labels.spanName}) (rate(${m.calls}{${server}}[$__range]))`,
          )
            .instant()
            .format(PromQueryFormat.Table)
            .refId('errors'),
        )
        .withTarget(
          prom(
            i,
            slug,
            `histogram_quantile(0.95, sum by (le, ${m.labels.service}, ${m.labels.spanName}) (rate(${m.latencyBucket}{${server}}[$__range])))`,
          )
            .instant()
            .format(PromQueryFormat.Table)
            .refId('p95'),
        )
        .withTransformation({ id: 'merge', options: {} }),
    );
  d.withPanel(
    new heatmap.PanelBuilder()
      .title('Request latency heatmap')
      .datasource(i.prometheus.ref)
      .height(10)
      .span(24)
      .unit('s')
      // The buckets are the generator's: draw them as they are, no re-bucketing in Grafana.
      .calculate(false)
      .withTarget(
        prom(
          i,
          slug,
          `sum by (le) (increase(${m.latencyBucket}{${server}}[$__rate_interval]))`,
          '{{le}}',
        ).format(PromQueryFormat.Heatmap),
      ),
  );
  if (i.serviceGraphs) {
    d.withRow(new RowBuilder('Service graph')).withPanel(
      new nodegraph.PanelBuilder()
        .title('Service graph')
        .datasource(i.tempo.ref)
        .height(14)
        .span(24)
        .withTarget(new TempoQuery().datasource(i.tempo.ref).queryType('serviceMap').refId('A')),
    );
  }
  d.withRow(new RowBuilder('Traces')).withPanel(
    traceSearch(
      i,
      'TraceQL search: slow or failed requests',
      '{ resource.service.name =~ "$service" && (status = error || duration > 1s) }',
      50,
    ).height(12),
  );
  return built(slug, d);
}

/** 2. Tempo operations: ingestion, discards, query latency, blocks and compaction, flushes, errors. */
export function tempoOperations(i: DashboardInput): BuiltDashboard {
  const slug = 'tempo-operations';
  const sel = selector({ namespace: i.tempoTarget.namespace, job: i.tempoTarget.job });
  const queries = selector(
    { namespace: i.tempoTarget.namespace, job: i.tempoTarget.job },
    { route: TEMPO_QUERY_ROUTES },
  );
  const r = (metric: string, s = sel) => `rate(${metric}${s}[$__rate_interval])`;
  const d = dashboard(i, slug, 'Tempo operations')
    .withRow(new RowBuilder('Ingestion'))
    .withPanel(
      series(
        i,
        slug,
        'Spans received',
        'cps',
        [[`sum by (tenant) (${r(TEMPO_METRICS.spansReceived)})`, '{{tenant}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Bytes received',
        'Bps',
        [[`sum by (tenant) (${r(TEMPO_METRICS.bytesReceived)})`, '{{tenant}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Discarded spans by reason',
        'cps',
        [[`sum by (reason) (${r(TEMPO_METRICS.discardedSpans)})`, '{{reason}}']],
        8,
      ),
    )
    .withRow(new RowBuilder('Queries'))
    .withPanel(
      series(
        i,
        slug,
        'Query latency',
        's',
        [0.5, 0.95, 0.99].map((q) => [
          `histogram_quantile(${q}, sum by (le) (${r(TEMPO_METRICS.requestDurationBucket, queries)}))`,
          `P${Math.round(q * 100)}`,
        ]),
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Bytes inspected by queries',
        'Bps',
        [[`sum by (tenant, op) (${r(TEMPO_METRICS.queryBytesInspected)})`, '{{tenant}} {{op}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Query requests by status',
        'reqps',
        [
          [
            `sum by (route, status_code) (${r(TEMPO_METRICS.requestDurationCount, queries)})`,
            '{{route}} {{status_code}}',
          ],
        ],
        8,
      ),
    );
  if (!i.tempoTarget.components.includes('single-binary')) {
    // Distributed: P95 of every request a component serves (writes, internal gRPC, queries).
    d.withPanel(
      series(
        i,
        slug,
        'Request latency P95 by component',
        's',
        [
          [
            `histogram_quantile(0.95, sum by (le, component) (${r(TEMPO_METRICS.requestDurationBucket)}))`,
            '{{component}}',
          ],
        ],
        24,
      ),
    );
  }
  if (i.tempoTarget.caches?.any) {
    // Tempo's memcached client, by pool (`name`: the pool's roles). Hits are counted on the
    // backend roles' single-key reads only (Memcache.Get 200 vs 404, as TempoMemcachedHitRatioLow).
    const base = { namespace: i.tempoTarget.namespace, job: i.tempoTarget.job };
    const requests = TEMPO_CACHE_METRICS.memcacheRequests;
    const byPool = (matchers: Record<string, string>, regex: Record<string, string> = {}) =>
      `sum by (name) (${r(requests, selector({ ...base, ...matchers }, regex))})`;
    d.withRow(new RowBuilder('Query caches'))
      .withPanel(
        series(i, slug, 'Cache requests by pool and method', 'reqps', [
          [`sum by (name, method) (${r(requests, selector(base))})`, '{{name}} {{method}}'],
        ]),
      )
      .withPanel(
        series(i, slug, 'Cache errors and hit ratio', 'percentunit', [
          [`${byPool({ status_code: '500' })}\n/\n${byPool({})}`, 'errors {{name}}'],
          ...(i.tempoTarget.caches.backendRoles
            ? ([
                [
                  `${byPool({ method: 'Memcache.Get', status_code: '200' })}\n/\n${byPool({ method: 'Memcache.Get' }, { status_code: '200|404' })}`,
                  'hit ratio {{name}}',
                ],
              ] as [string, string][])
            : []),
        ]),
      );
  }
  if (i.queryGateway) {
    // Every query (Grafana's too) passes the gateway: its nginx, from the exporter sidecar.
    const gw = selector({ namespace: i.queryGateway.namespace, job: i.queryGateway.job });
    d.withRow(new RowBuilder('Query gateway'))
      .withPanel(
        series(
          i,
          slug,
          'Gateway pods serving',
          'short',
          [[`sum(${NGINX_EXPORTER_METRICS.up}${gw})`, 'serving']],
          8,
        ),
      )
      .withPanel(
        series(
          i,
          slug,
          'Gateway requests',
          'reqps',
          [[`sum(${r(NGINX_EXPORTER_METRICS.httpRequests, gw)})`, 'requests']],
          8,
        ),
      )
      .withPanel(
        series(
          i,
          slug,
          'Gateway active connections',
          'short',
          [[`sum(${NGINX_EXPORTER_METRICS.connectionsActive}${gw})`, 'connections']],
          8,
        ),
      );
  }
  d.withRow(new RowBuilder('Blocks and compaction'))
    .withPanel(
      series(
        i,
        slug,
        'Blocks in the block list',
        'none',
        [[`sum by (tenant) (${TEMPO_METRICS.blocklistLength}${sel})`, '{{tenant}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Blocks compacted',
        'cps',
        [[`sum by (level) (${r(TEMPO_METRICS.compactionBlocks)})`, 'level {{level}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Outstanding compaction blocks',
        'none',
        [[`sum by (tenant) (${TEMPO_METRICS.compactionOutstandingBlocks}${sel})`, '{{tenant}}']],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Storage usage and growth',
        'bytes',
        [
          // Every component that polls the block list reports the same gauge: max, not sum.
          [
            `max by (tenant) (${TEMPO_METRICS.backendBytes}${selector({ namespace: i.tempoTarget.namespace, job: i.tempoTarget.job, status: 'live' })})`,
            'backend {{tenant}}',
          ],
          [
            `max by (tenant) (delta(${TEMPO_METRICS.backendBytes}${selector({ namespace: i.tempoTarget.namespace, job: i.tempoTarget.job, status: 'live' })}[1d]))`,
            'backend growth per day {{tenant}}',
          ],
          [
            `max by (persistentvolumeclaim) (${PLATFORM_METRICS.volumeUsedBytes}${selector({ namespace: i.tempoTarget.namespace }, { persistentvolumeclaim: i.tempoTarget.pvcPattern })})`,
            'volume {{persistentvolumeclaim}}',
          ],
        ],
        24,
      ),
    )
    .withRow(new RowBuilder('Flushes and errors'))
    .withPanel(
      series(
        i,
        slug,
        i.tempoTarget.line === '2.10' ? 'Ingester flushes' : 'Live-store flush failures',
        'cps',
        i.tempoTarget.line === '2.10'
          ? [
              [`sum(${r(TEMPO2_METRICS.ingesterBlocksFlushed)})`, 'blocks flushed'],
              [`sum(${r(TEMPO2_METRICS.ingesterFailedFlushes)})`, 'failed flushes'],
              [`sum(${r(TEMPO2_METRICS.ingesterFlushFailedRetries)})`, 'failed retries'],
            ]
          : [[`sum(${r(TEMPO3_METRICS.liveStoreFailedFlushes)})`, 'failed local flushes']],
        8,
      ),
    )

    .withPanel(
      series(
        i,
        slug,
        'Compaction and poll errors',
        'cps',
        [
          [`sum(${r(TEMPO_METRICS.compactionErrors)})`, 'compaction'],
          [`sum(${r(TEMPO_METRICS.blocklistPollErrors)})`, 'blocklist poll'],
          [`sum(${r(TEMPO_METRICS.tenantIndexErrors)})`, 'tenant index'],
        ],
        8,
      ),
    )
    .withPanel(
      series(
        i,
        slug,
        'Query errors (5xx)',
        'reqps',
        [
          [
            `sum by (route) (${r(TEMPO_METRICS.requestDurationCount, selector({ namespace: i.tempoTarget.namespace, job: i.tempoTarget.job }, { route: TEMPO_QUERY_ROUTES, status_code: '5..' }))})`,
            '{{route}}',
          ],
        ],
        8,
      ),
    );
  if (i.tempoTarget.kafka) {
    // Tempo 3.0 microservices: how far each consumer group (block-builder, each live-store,
    // metrics-generator) is behind Kafka (pkg/ingest/metrics.go).
    d.withPanel(
      series(
        i,
        slug,
        'Kafka consumer lag',
        's',
        [[`max by (group) (${TEMPO3_METRICS.partitionLagSeconds}${sel})`, '{{group}}']],
        8,
      ),
    );
  }
  return built(slug, d);
}

/** 3. Collector health: receivers, exporters, queues, memory limiter, tail sampling. */
export function collectorHealth(i: DashboardInput): BuiltDashboard | undefined {
  if (i.collectors.length === 0) return undefined;
  const slug = 'collector-health';
  const sel = selector(
    { namespace: i.collectors[0].namespace },
    { job: i.collectors.map((c) => c.job).join('|') },
  );
  const r = (metric: string) => `rate(${metric}${sel}[$__rate_interval])`;
  const d = dashboard(i, slug, 'OpenTelemetry Collector health')
    .withRow(new RowBuilder('Receivers'))
    .withPanel(
      series(i, slug, 'Spans accepted per receiver', 'cps', [
        [`sum by (job, receiver) (${r(COLLECTOR_METRICS.receiverAccepted)})`, '{{job}} {{receiver}}'],
      ]),
    )
    .withPanel(
      series(i, slug, 'Spans refused per receiver', 'cps', [
        [`sum by (job, receiver) (${r(COLLECTOR_METRICS.receiverRefused)})`, '{{job}} {{receiver}}'],
      ]),
    )
    .withRow(new RowBuilder('Exporters'))
    .withPanel(
      series(i, slug, 'Spans sent per exporter', 'cps', [
        [`sum by (job, exporter) (${r(COLLECTOR_METRICS.exporterSent)})`, '{{job}} {{exporter}}'],
      ]),
    )
    .withPanel(
      series(i, slug, 'Spans failed per exporter', 'cps', [
        [
          `sum by (job, exporter) (${r(COLLECTOR_METRICS.exporterSendFailed)})`,
          'send failed {{job}} {{exporter}}',
        ],
        [
          `sum by (job, exporter) (${r(COLLECTOR_METRICS.exporterEnqueueFailed)})`,
          'dropped (queue full) {{job}} {{exporter}}',
        ],
      ]),
    )
    .withPanel(
      series(i, slug, 'Queue size vs capacity', 'none', [
        [
          `max by (job, exporter) (${COLLECTOR_METRICS.exporterQueueSize}${sel})`,
          'size {{job}} {{exporter}}',
        ],
        [
          `max by (job, exporter) (${COLLECTOR_METRICS.exporterQueueCapacity}${sel})`,
          'capacity {{job}} {{exporter}}',
        ],
      ]),
    )
    .withPanel(
      series(i, slug, 'Memory limiter refusals', 'cps', [
        [`sum by (job) (${r(COLLECTOR_METRICS.memoryLimiterRefused)})`, '{{job}}'],
      ]),
    )
    .withRow(new RowBuilder('Processors and memory'))
    .withPanel(
      series(
        i,
        slug,
        'Batch send size',
        'none',
        // Batches form in the exporters' sending queues (no batch processor).
        [0.5, 0.95].map((q) => [
          `histogram_quantile(${q}, sum by (le, job, exporter) (${r(COLLECTOR_METRICS.exporterBatchSendSizeBucket)}))`,
          `P${Math.round(q * 100)} {{job}} {{exporter}}`,
        ]),
      ),
    )
    .withPanel(
      series(i, slug, 'Memory usage by component', 'bytes', [
        [`max by (job, pod) (${COLLECTOR_METRICS.processMemoryRss}${sel})`, '{{job}} {{pod}}'],
      ]),
    );
  if (i.tailSampling) {
    d.withRow(new RowBuilder('Tail sampling')).withPanel(
      series(
        i,
        slug,
        'Tail-sampling decisions',
        'cps',
        [
          // `decision` (sampled, not_sampled, dropped) since contrib 0.155; `sampled="false"`
          // mixes "not sampled" with "dropped" (tailsamplingprocessor metadata.yaml).
          [`sum by (decision) (${r(COLLECTOR_METRICS.tailSamplingTracesSampled)})`, '{{decision}}'],
          [`sum(${r(COLLECTOR_METRICS.tailSamplingDroppedTooEarly)})`, 'dropped too early'],
          [`sum(${r(COLLECTOR_METRICS.tailSamplingDroppedTooLarge)})`, 'dropped too large'],
        ],
        24,
      ),
    );
  }
  return built(slug, d);
}
