import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import {
  buildDatasourceProvisioning,
  escapeProvisioning,
  LokiDatasource,
  PrometheusDatasource,
  TempoDatasource,
} from '../constructs/grafana/datasources';
import {
  COLLECTOR_METRICS,
  PLATFORM_METRICS,
  tempoExposedMetrics,
} from '../constructs/monitoring/metric-catalog';
import { checkPromQL, metricNames } from '../constructs/monitoring/promql';
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from '../constructs/tempo/generated-metrics';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';

const build = (env: EnvironmentDefinition): EnvironmentCharts => buildEnvironment(Testing.app(), env);
const envNamed = (name: string) => ENVIRONMENTS.find((e) => e.name === name)!;

function provisioningOf(charts: EnvironmentCharts) {
  const cm = Testing.synth(charts.grafana!).find((m) => m.metadata.name.endsWith('-datasources'));
  return { cm, file: parse(Object.values<string>(cm.data)[0]) };
}

/** Walks every query of a dashboard, rows included. */
function targets(dashboard: any): any[] {
  return (dashboard.panels ?? []).flatMap((p: any) => [
    ...(p.targets ?? []).map((t: any) => ({ ...t, panel: p })),
    ...targets({ panels: p.panels }),
  ]);
}

describe('datasource provisioning', () => {
  test('dev: Tempo linked to the provisioned Loki and to Prometheus; Loki links back', () => {
    const { cm, file } = provisioningOf(build(envNamed('dev')));
    expect(cm.metadata).toMatchObject({ namespace: 'monitoring', labels: { grafana_datasource: '1' } });
    expect(file.apiVersion).toBe(1);
    const [tempo, loki] = file.datasources;
    expect(tempo).toMatchObject({
      type: 'tempo',
      uid: 'tracing-dev-tempo',
      url: 'http://tempo.tracing-dev.svc.cluster.local:3200',
      isDefault: false,
      access: 'proxy',
    });
    expect(tempo.jsonData.tracesToLogsV2).toEqual({
      datasourceUid: 'loki-tracing',
      spanStartTimeShift: '-1h',
      spanEndTimeShift: '1h',
      filterByTraceID: true,
      filterBySpanID: false,
      tags: [
        { key: 'service.name', value: 'service' },
        { key: 'k8s.namespace.name', value: 'namespace' },
        { key: 'k8s.pod.name', value: 'pod' },
      ],
    });
    expect(tempo.jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
    expect(tempo.jsonData.lokiSearch).toBeUndefined(); // no effect since Grafana 11
    expect(loki).toMatchObject({ type: 'loki', uid: 'loki-tracing', isDefault: false });
    expect(loki.jsonData.derivedFields).toEqual([
      expect.objectContaining({ datasourceUid: 'tracing-dev-tempo', url: '$${__value.raw}' }),
    ]);
    expect(
      new RegExp(loki.jsonData.derivedFields[0].matcherRegex).exec(
        'level=info trace_id=4bf92f3577b34da6a3ce929d0e0e4736 msg=ok',
      )?.[1],
    ).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  test('prod: span-metric queries, service map, node graph, tenant header', () => {
    const { file } = provisioningOf(build(envNamed('prod')));
    const tempo = file.datasources[0];
    expect(tempo.jsonData.tracesToMetrics.queries.map((q: any) => q.query)).toEqual([
      'sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))',
      'sum(rate(traces_spanmetrics_calls_total{$$__tags, status_code="STATUS_CODE_ERROR"}[5m]))',
      'histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$$__tags}[5m])))',
    ]);
    expect(tempo.jsonData.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(tempo.jsonData.nodeGraph).toEqual({ enabled: true });
    expect(tempo.jsonData.httpHeaderName1).toBe('X-Scope-OrgID');
    expect(tempo.secureJsonData).toEqual({ httpHeaderValue1: 'prod' });
    expect(file.datasources.map((d: any) => d.type)).toEqual(['tempo']);
  });

  test('every literal $ is written as $$ (Grafana expands env vars in provisioning files)', () => {
    const input = {
      tempo: new TempoDatasource({ uid: 't', name: 'Tempo', url: 'http://tempo:3200' }),
      loki: LokiDatasource.provisioned({ url: 'http://loki:3100' }),
      prometheus: PrometheusDatasource.provisioned({ url: 'http://prom:9090', uid: 'prom' }),
      logLabels: {},
      metricLabels: { 'service.name': 'service' },
      spanMetrics: SPAN_METRICS,
      serviceGraphs: true,
    };
    const raw = JSON.stringify(buildDatasourceProvisioning(input));
    const escaped = JSON.stringify(escapeProvisioning(buildDatasourceProvisioning(input)));
    expect(raw).toContain('${__value.raw}');
    expect(escaped.match(/\$+/g)!.every((run) => run.length % 2 === 0)).toBe(true);
    expect(escaped.replace(/\$\$/g, '$')).toBe(raw);
  });

  test('Prometheus provisioned here gets exemplar links to Tempo', () => {
    const doc = buildDatasourceProvisioning({
      tempo: new TempoDatasource({ uid: 't', name: 'Tempo', url: 'http://tempo:3200' }),
      prometheus: PrometheusDatasource.provisioned({ url: 'http://prom:9090', uid: 'prom', isDefault: true }),
      logLabels: {},
      metricLabels: {},
      serviceGraphs: false,
    });
    expect(doc.datasources[1]).toMatchObject({
      type: 'prometheus',
      uid: 'prom',
      isDefault: true,
      jsonData: { exemplarTraceIdDestinations: [{ name: 'traceID', datasourceUid: 't' }] },
    });
  });

  test('by default no datasource is the default', () => {
    for (const env of ENVIRONMENTS)
      expect(provisioningOf(build(env)).file.datasources.filter((d: any) => d.isDefault)).toEqual([]);
  });
});

describe.each(ENVIRONMENTS.map((e) => [e.name, e]))('dashboards of %s', (_name, env) => {
  const charts = build(env);
  const g = charts.grafana!.provisioning;
  const configMaps = Testing.synth(charts.grafana!).filter((m) => m.metadata.name.includes('-dashboard-'));
  const known = new Set([g.tempoDatasource.uid, g.prometheus.uid, ...(g.loki ? [g.loki.uid] : [])]);

  test('ConfigMaps carry the sidecar label and the folder annotation', () => {
    expect(configMaps.length).toBe(g.dashboards.length);
    for (const cm of configMaps) {
      expect(cm.metadata.labels.grafana_dashboard).toBe('1');
      expect(cm.metadata.annotations).toEqual({ grafana_folder: 'Tracing' });
      expect(JSON.parse(Object.values<string>(cm.data)[0]).uid).toBe(
        `${env.namespace ?? `tracing-${env.name}`}-${cm.metadata.name.split('-dashboard-')[1]}`.slice(0, 40),
      );
    }
  });

  test('every panel and query uses a datasource UID this environment provisions or references', () => {
    for (const d of g.dashboards) {
      const ts = targets(d.json);
      expect(ts.length).toBeGreaterThan(3);
      for (const t of ts) {
        expect(known).toContain(t.datasource.uid);
        expect(known).toContain(t.panel.datasource.uid);
      }
    }
  });

  test('panels fit the 24-column grid and never overlap', () => {
    for (const d of g.dashboards) {
      const cells = new Set<string>();
      for (const p of (d.json as any).panels) {
        const { x, y, w, h } = p.gridPos;
        expect([d.slug, p.title, x + w <= 24]).toEqual([d.slug, p.title, true]);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect([d.slug, p.title, cells.has(`${i},${j}`)]).toEqual([d.slug, p.title, false]);
            cells.add(`${i},${j}`);
          }
      }
    }
  });

  test('every PromQL parses and reads only metrics the stack exposes', () => {
    const tempo = charts.tempo.tempo;
    const exposed = new Set<string>([
      ...tempoExposedMetrics(tempo.settings.line, tempo.settings.kafka !== undefined),
      ...Object.values(COLLECTOR_METRICS),
      ...Object.values(PLATFORM_METRICS),
      ...(tempo.generates('span-metrics') ? [SPAN_METRICS.calls, SPAN_METRICS.latencyBucket] : []),
      ...(tempo.generates('service-graphs') ? [SERVICE_GRAPH_METRICS.requests] : []),
    ]);
    for (const t of g.dashboards.flatMap((d) => targets(d.json)).filter((x) => x.expr)) {
      const expr = t.expr.replace(/\$__(rate_interval|range)/g, '5m');
      checkPromQL(expr, 'test');
      for (const m of metricNames(expr)) expect(exposed).toContain(m);
    }
  });
});

describe('dashboard contents', () => {
  const prod = build(envNamed('prod')).grafana!.provisioning.dashboards;
  const titles = (slug: string) => targets(prod.find((d) => d.slug === slug)!.json).map((t) => t.panel.title);

  test('overview: golden signals, per-operation panels, service graph, operations table, TraceQL search', () => {
    expect(new Set(titles('overview'))).toEqual(
      new Set([
        'Requests per second',
        'P95 latency',
        'Error rate',
        'Active services',
        'Latency percentiles per operation',
        'Request rate per operation',
        'Success vs error',
        'Request latency heatmap',
        'Operations',
        'Service graph',
        'TraceQL search: slow or failed requests',
      ]),
    );
    const search = targets(prod.find((d) => d.slug === 'overview')!.json).find(
      (t) => t.queryType === 'traceql',
    );
    expect(search.query).toContain('status = error');
  });

  test('Tempo operations and collector health cover what the seeds ask for', () => {
    expect(titles('tempo-operations')).toEqual(
      expect.arrayContaining([
        'Spans received',
        'Bytes received',
        'Discarded spans by reason',
        'Query latency',
        'Blocks compacted',
        'Live-store flush failures',
        'Kafka consumer lag',
        'Query errors (5xx)',
        'Storage usage and growth',
      ]),
    );
    expect(titles('collector-health')).toEqual(
      expect.arrayContaining([
        'Spans accepted per receiver',
        'Spans refused per receiver',
        'Spans sent per exporter',
        'Spans failed per exporter',
        'Queue size vs capacity',
        'Memory limiter refusals',
        'Tail-sampling decisions',
        'Batch send size',
        'Memory usage by component',
      ]),
    );
  });

  test('the latency heatmap draws the generator buckets as they are (no re-bucketing)', () => {
    const overview = prod.find((d) => d.slug === 'overview')!.json as any;
    const p = overview.panels.find((x: any) => x.title === 'Request latency heatmap');
    expect(p.type).toBe('heatmap');
    expect(p.options.calculate).toBe(false);
    expect(p.targets[0]).toMatchObject({ format: 'heatmap', legendFormat: '{{le}}' });
    expect(p.targets[0].expr).toMatch(/^sum by \(le\) \(increase\(traces_spanmetrics_latency_bucket\{/);
  });

  test('query latency shows P50, P95 and P99', () => {
    const q = targets(prod.find((d) => d.slug === 'tempo-operations')!.json).filter(
      (t) => t.panel.title === 'Query latency',
    );
    expect(q.map((t) => t.legendFormat)).toEqual(['P50', 'P95', 'P99']);
  });
});
