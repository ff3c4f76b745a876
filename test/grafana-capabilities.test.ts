/**
 * Grafana capabilities the seeds need (issue 15): Tempo datasource httpMethod and node graph,
 * Loki matcherRegex, Prometheus exemplar labels, trace-link datasources beside existing ones,
 * the datasources ConfigMap name, dashboards from props; every throw with its exact message.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { customDashboards, DashboardSpec } from '../constructs/grafana/custom-dashboards';
import type { DashboardInput } from '../constructs/grafana/dashboards';
import {
  buildDatasourceProvisioning,
  DatasourceModelInput,
  DEFAULT_TRACE_ID_REGEX,
  LokiDatasource,
  PrometheusDatasource,
  TempoDatasource,
} from '../constructs/grafana/datasources';
import { SPAN_METRICS } from '../constructs/tempo/generated-metrics';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';

const tempo = (extra: Partial<ConstructorParameters<typeof TempoDatasource>[0]> = {}) =>
  new TempoDatasource({ uid: 't', name: 'Tempo', url: 'http://tempo:3200', ...extra });
const model = (extra: Partial<DatasourceModelInput> = {}) =>
  buildDatasourceProvisioning({
    tempo: tempo(),
    logLabels: {},
    metricLabels: {},
    serviceGraphs: false,
    ...extra,
  });

describe('Tempo datasource', () => {
  test('httpMethod is written when set; the node graph is on without service graphs, and can be off', () => {
    const d = buildDatasourceProvisioning({
      tempo: tempo({ httpMethod: 'GET' }),
      logLabels: {},
      metricLabels: {},
      serviceGraphs: false,
    }).datasources[0] as any;
    expect(d.jsonData.httpMethod).toBe('GET');
    expect(d.jsonData.nodeGraph).toEqual({ enabled: true });
    expect((model().datasources[0] as any).jsonData.httpMethod).toBeUndefined();
    const off = buildDatasourceProvisioning({
      tempo: tempo({ nodeGraph: false }),
      logLabels: {},
      metricLabels: {},
      serviceGraphs: true,
    }).datasources[0] as any;
    expect(off.jsonData.nodeGraph).toEqual({ enabled: false });
  });

  test('bad httpMethod or nodeGraph', () => {
    expectError(
      () => tempo({ httpMethod: 'PUT' as any }),
      "grafana.tempoDatasource.httpMethod: 'PUT' is not an HTTP method Grafana's Tempo datasource uses; give 'GET' or 'POST'",
    );
    expectError(
      () => tempo({ nodeGraph: 'yes' as any }),
      "grafana.tempoDatasource.nodeGraph: 'yes' is not a boolean; give true or false",
    );
  });
});

describe('Loki derived field', () => {
  const derived = (loki: LokiDatasource) =>
    (model({ loki }).datasources[1] as any).jsonData.derivedFields[0].matcherRegex;

  test('the default regex finds the trace ID in the seeds’ log formats, case-insensitive on the key', () => {
    const re = new RegExp(DEFAULT_TRACE_ID_REGEX);
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    for (const line of [
      `level=info trace_id=${id} msg=ok`,
      `{"level":"ERROR","trace_id": "${id}"}`,
      `{"traceId":"${id}"}`,
      `traceID: ${id}`,
      `Processing step Validate for process Deploy. TraceId: ${id}`,
    ])
      expect([line, re.exec(line)?.[1]]).toEqual([line, id]);
    expect(re.exec('no ids here 12345')).toBeNull();
    expect(derived(LokiDatasource.provisioned({ url: 'http://loki:3100' }))).toBe(DEFAULT_TRACE_ID_REGEX);
  });

  test('a configured matcherRegex is written as given', () => {
    expect(
      derived(LokiDatasource.provisioned({ url: 'http://loki:3100', matcherRegex: 'TraceId: (\\w+)' })),
    ).toBe('TraceId: (\\w+)');
  });

  test('bad matcherRegex', () => {
    expectError(
      () => LokiDatasource.provisioned({ url: 'http://loki:3100', matcherRegex: '([' }).check(),
      "grafana.loki.matcherRegex: '([' is not a regular expression (Invalid regular expression: /([/: Unterminated character class); give a JavaScript regex whose first group captures the trace ID",
    );
    expectError(
      () => LokiDatasource.provisioned({ url: 'http://loki:3100', matcherRegex: '' }).check(),
      "grafana.loki.matcherRegex: '' is not a regular expression (not a non-empty string); give a JavaScript regex whose first group captures the trace ID",
    );
    expectError(
      () => LokiDatasource.provisioned({ url: 'http://loki:3100', matcherRegex: 'trace_id=\\w+' }).check(),
      "grafana.loki.matcherRegex: 'trace_id=\\w+' has no capture group; Grafana links the text of the first group, so wrap the trace ID in ( )",
    );
  });
});

describe('Prometheus exemplars', () => {
  test('one destination per exemplar label, traceID by default', () => {
    const dest = (p: PrometheusDatasource) =>
      (model({ prometheus: p }).datasources[1] as any).jsonData.exemplarTraceIdDestinations.map((d: any) => [
        d.name,
        d.datasourceUid,
      ]);
    expect(dest(PrometheusDatasource.provisioned({ url: 'http://p:9090' }))).toEqual([['traceID', 't']]);
    expect(
      dest(
        PrometheusDatasource.provisioned({ url: 'http://p:9090', exemplarLabels: ['traceID', 'trace_id'] }),
      ),
    ).toEqual([
      ['traceID', 't'],
      ['trace_id', 't'],
    ]);
  });

  test('bad exemplarLabels', () => {
    const p = (exemplarLabels: any) => () =>
      PrometheusDatasource.provisioned({ url: 'http://p:9090', exemplarLabels }).check();
    expectError(
      p([]),
      "grafana.prometheus.exemplarLabels: [] is not a non-empty list; give the exemplar label names that hold the trace ID, e.g. ['traceID']",
    );
    expectError(
      p(['trace.id']),
      "grafana.prometheus.exemplarLabels[0]: 'trace.id' is not a Prometheus label name; use letters, digits and '_' (not first), e.g. 'trace_id'",
    );
    expectError(
      p(['trace_id', 'trace_id']),
      "grafana.prometheus.exemplarLabels[1]: 'trace_id' is listed twice; list each label once",
    );
  });
});

describe('trace-link datasources beside existing ones', () => {
  test('an extra Loki and Prometheus carry the links; the existing ones are only referenced', () => {
    const doc = model({
      loki: LokiDatasource.existing({ uid: 'loki' }),
      prometheus: PrometheusDatasource.existing({ uid: 'prometheus' }),
      traceLinks: {
        loki: LokiDatasource.provisioned({
          url: 'http://loki:3100',
          uid: 'loki-links',
          name: 'Loki (links)',
        }),
        prometheus: PrometheusDatasource.provisioned({
          url: 'http://p:9090',
          uid: 'prom-links',
          exemplarLabels: ['trace_id'],
        }),
      },
    }) as any;
    expect(doc.datasources.map((d: any) => d.uid)).toEqual(['t', 'loki-links', 'prom-links']);
    expect(doc.datasources[0].jsonData.tracesToLogsV2.datasourceUid).toBe('loki');
    expect(doc.datasources[0].jsonData.tracesToMetrics.datasourceUid).toBe('prometheus');
    expect(doc.datasources[1].jsonData.derivedFields[0].datasourceUid).toBe('t');
    expect(doc.datasources[2].jsonData.exemplarTraceIdDestinations[0]).toMatchObject({
      name: 'trace_id',
      datasourceUid: 't',
    });
  });

  test('one UID per datasource', () => {
    expectError(
      () =>
        model({
          loki: LokiDatasource.existing({ uid: 'loki' }),
          traceLinks: { loki: LokiDatasource.provisioned({ url: 'http://loki:3100' }) },
        }),
      "grafana.datasources: UID 'loki' is used by 'Loki' and the existing loki datasource; give each datasource its own uid",
    );
  });

  test('a trace-link datasource must be provisioned, of its type, beside an existing one', () => {
    const env = (grafana: object) => () => renderEnvironment({ name: 'x', grafana } as any, buildEnvironment);
    expectError(
      env({ traceLinks: { loki: LokiDatasource.existing({ uid: 'l' }) } }),
      'x.grafana.traceLinks.loki: is an existing datasource; only one provisioned here carries links to Tempo, so give LokiDatasource.provisioned({ url, uid })',
    );
    expectError(
      env({ traceLinks: { prometheus: LokiDatasource.provisioned({ url: 'http://l:3100' }) } }),
      'x.grafana.traceLinks.prometheus: a LokiDatasource instance is not a PrometheusDatasource; create it with PrometheusDatasource.existing(…) or PrometheusDatasource.provisioned(…)',
    );
    expectError(
      env({
        loki: LokiDatasource.provisioned({ url: 'http://l:3100' }),
        traceLinks: { loki: LokiDatasource.provisioned({ url: 'http://l:3100', uid: 'l2' }) },
      }),
      'x.grafana.traceLinks.loki: grafana.loki is provisioned here and already links to Tempo; drop traceLinks.loki',
    );
  });
});

describe('datasource defaults', () => {
  test('one default is allowed (a standalone Grafana), two stay an error', () => {
    const doc = model({
      prometheus: PrometheusDatasource.provisioned({ url: 'http://p:9090', isDefault: true }),
      loki: LokiDatasource.provisioned({ url: 'http://l:3100' }),
    }) as any;
    expect(doc.datasources.filter((d: any) => d.isDefault).map((d: any) => d.name)).toEqual(['Prometheus']);
    expectError(
      () =>
        model({
          prometheus: PrometheusDatasource.provisioned({ url: 'http://p:9090', isDefault: true }),
          loki: LokiDatasource.provisioned({ url: 'http://l:3100', isDefault: true }),
        }),
      "grafana.datasources: 'Loki' and 'Prometheus' are both marked default; Grafana refuses to provision two defaults in one organization (kube-prometheus-stack already marks its Prometheus), so mark at most one",
    );
  });
});

describe('datasources ConfigMap name', () => {
  test('named as set, its file <name>.yaml', () => {
    const charts = buildEnvironment(Testing.app(), {
      name: 'x',
      grafana: { datasourcesConfigMap: 'tempo-datasource' },
    });
    const cm = Testing.synth(charts.grafana!).find((m) => m.metadata.name === 'tempo-datasource');
    expect(Object.keys(cm.data)).toEqual(['tempo-datasource.yaml']);
    expect(parse(cm.data['tempo-datasource.yaml']).datasources[0].type).toBe('tempo');
  });

  test('not a DNS label', () => {
    expectError(
      () => renderEnvironment({ name: 'x', grafana: { datasourcesConfigMap: 'Tempo_DS' } }, buildEnvironment),
      "x.grafana.datasourcesConfigMap: 'Tempo_DS' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')",
    );
  });
});

describe('dashboards from props', () => {
  const input: DashboardInput = {
    id: 'x',
    prometheus: PrometheusDatasource.existing({ uid: 'p' }),
    tempo: tempo(),
    tempoTarget: {
      namespace: 'n',
      job: 'j',
      pvcPattern: 'x',
      components: ['single-binary'],
      spanMetrics: true,
      generatedSeriesLabels: {},
      line: '3.0',
      kafka: false,
    } as DashboardInput['tempoTarget'],
    collectors: [],
    spanMetrics: SPAN_METRICS,
    tailSampling: false,
  };
  const loki = LokiDatasource.existing({ uid: 'l' });
  const build = (specs: unknown) => customDashboards(input, loki, specs as DashboardSpec[]);
  const one = (panel: unknown) => () => build([{ title: 'T', slug: 's', panels: [panel] }]);

  test('each panel type with its datasource and query; variables become text boxes', () => {
    const [d] = build([
      {
        title: 'Saved queries',
        slug: 'saved',
        variables: { trace_id: '' },
        panels: [
          {
            type: 'timeseries',
            title: 'Rate',
            promql: `sum(rate(${SPAN_METRICS.calls}{service="api"}[$__rate_interval]))`,
            unit: 'reqps',
          },
          {
            type: 'traceql',
            title: 'Errors',
            traceql: '{ resource.service.name = "api" && status = error }',
          },
          { type: 'trace', title: 'Trace', traceId: '$trace_id' },
          { type: 'logs', title: 'Logs', logql: '{job="api"} | json | trace_id="$trace_id"' },
        ],
      },
    ]);
    const j = d.json as any;
    expect([d.slug, j.uid, j.title]).toEqual(['saved', 'x-saved', 'Saved queries (x)']);
    expect(j.templating.list).toMatchObject([{ type: 'textbox', name: 'trace_id', query: '' }]);
    expect(j.panels.map((p: any) => [p.type, p.title, p.datasource.uid])).toEqual([
      ['timeseries', 'Rate', 'p'],
      ['table', 'Errors', 't'],
      ['traces', 'Trace', 't'],
      ['logs', 'Logs', 'l'],
    ]);
    expect(j.panels[1].targets[0]).toMatchObject({ queryType: 'traceql', tableType: 'traces', limit: 20 });
    expect(j.panels[2].targets[0]).toMatchObject({ queryType: 'traceql', query: '$trace_id' });
    expect(j.panels[3].targets[0].expr).toBe('{job="api"} | json | trace_id="$trace_id"');
    expect(j.panels.every((p: any) => p.gridPos.x + p.gridPos.w <= 24)).toBe(true);
  });

  test('bad dashboards', () => {
    expectError(() => build({}), 'grafana.dashboards: {} is not a list; give [{ title, slug, panels }]');
    expectError(
      () => build([{ title: '', slug: 's', panels: [] }]),
      "grafana.dashboards[0].title: '' is not a title; give a non-empty string",
    );
    expectError(
      () => build([{ title: 'T', slug: 'Bad Slug', panels: [] }]),
      "grafana.dashboards[0].slug: 'Bad Slug' is not a slug; use up to 40 lowercase letters, digits and '-'",
    );
    expectError(
      () => build([{ title: 'T', slug: 'overview', panels: [] }]),
      "grafana.dashboards[0].slug: 'overview' is already the slug of another dashboard (overview, tempo-operations, collector-health); give another",
    );
    expectError(
      () => build([{ title: 'T', slug: 's', panels: [] }]),
      'grafana.dashboards[0].panels: [] is not a non-empty list of panels',
    );
    expectError(
      () =>
        build([
          {
            title: 'T',
            slug: 's',
            variables: { 'trace-id': '' },
            panels: [{ type: 'trace', title: 'a', traceId: 'x' }],
          },
        ]),
      "grafana.dashboards[0].variables: 'trace-id' is not a variable name; use letters, digits and '_' (not first)",
    );
  });

  test('bad panels', () => {
    const at = 'grafana.dashboards[0].panels[0]';
    expectError(
      one({ type: 'pie', title: 'a' }),
      `${at}.type: 'pie' is not a panel type; give 'timeseries', 'traceql', 'trace' or 'logs'`,
    );
    expectError(
      one({ type: 'timeseries', title: 'a', promql: 3 }),
      `${at}.promql: 3 is not a PromQL expression`,
    );
    expectError(
      one({ type: 'timeseries', title: 'a', promql: 'sum(rate(x[5m])' }),
      `${at}.promql: PromQL syntax error at character 15 (near 'sum(rate(x[5m])') in 'sum(rate(x[5m])'; fix the expression`,
    );
    expectError(
      one({ type: 'timeseries', title: 'a', promql: 'rate(http_requests_total[5m])' }),
      `${at}.promql: reads 'http_requests_total', which nothing in this stack exposes; use a metric of the catalog (constructs/monitoring/metric-catalog.ts) or of the metrics generator, e.g. 'traces_spanmetrics_calls_total'`,
    );
    expectError(
      one({ type: 'traceql', title: 'a', traceql: 'service.name="x"' }),
      `${at}.traceql: 'service.name="x"' is not a TraceQL query; start with a spanset filter: { resource.service.name = "api" }`,
    );
    expectError(
      one({ type: 'traceql', title: 'a', traceql: '{ status = error' }),
      `${at}.traceql: '{ status = error' has unbalanced braces; close every { with }`,
    );
    expectError(
      one({ type: 'traceql', title: 'a', traceql: '{service.name="webapp-backend"}' }),
      `${at}.traceql: 'service.name' in '{service.name="webapp-backend"}' is not an attribute reference (TraceQL reads it as an unknown identifier); scope it: 'resource.service.name', 'span.service.name' or '.service.name'`,
    );
    expectError(
      one({ type: 'traceql', title: 'a', traceql: '{ trace.user.id = "a" }' }),
      `${at}.traceql: 'trace.user.id' in '{ trace.user.id = "a" }' is not an attribute reference (TraceQL reads it as an unknown identifier); scope it: 'resource.trace.user.id', 'span.trace.user.id' or '.trace.user.id'`,
    );
    expectError(
      one({ type: 'traceql', title: 'a', traceql: '{}', limit: 0 }),
      `${at}.limit: 0 is not a positive integer; give e.g. 20`,
    );
    expectError(
      one({ type: 'trace', title: 'a', traceId: '' }),
      `${at}.traceId: '' is not a trace ID; give one, or a variable: '$trace_id'`,
    );
    expectError(
      one({ type: 'logs', title: 'a', logql: 'job="api"' }),
      `${at}.logql: 'job="api"' is not a LogQL query; start with a stream selector: {job="api"} |= "error"`,
    );
    expectError(
      () =>
        customDashboards(input, undefined, [
          { title: 'T', slug: 's', panels: [{ type: 'logs', title: 'a', logql: '{a="b"}' }] },
        ]),
      `${at}: is a logs panel but no Loki datasource is set; set grafana.loki`,
    );
  });

  test('scoped attributes, strings and pipelines pass the TraceQL check', () => {
    expect(() =>
      one({
        type: 'traceql',
        title: 'a',
        traceql:
          '{resource.service.name="jenkins" || .service.name="argocd"} | {span.git.commit.sha="a.b.c" && name="deploy"}',
      })(),
    ).not.toThrow();
  });
});
