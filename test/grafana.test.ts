import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import {
  buildDatasourceProvisioning,
  escapeProvisioning,
  LokiDatasource,
  PrometheusDatasource,
  TempoDatasource,
  DatasourceModelInput,
  DEFAULT_TRACE_ID_REGEX,
} from '../constructs/grafana/datasources';
import { SPAN_METRICS } from '../constructs/tempo/generated-metrics';
import { DEV, PROD, STACKS } from './fixtures/stacks';
import { EnvironmentDefinition } from '../environments/types';
import { prom, type DashboardInput } from '../constructs/grafana/dashboards';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { dashboardTargets } from './helpers/environment-checks';
import { customDashboards, DashboardSpec } from '../constructs/grafana/custom-dashboards';

const build = (env: EnvironmentDefinition): EnvironmentCharts => buildEnvironment(Testing.app(), env);

function provisioningOf(charts: EnvironmentCharts) {
  const cm = Testing.synth(charts.grafana!).find((m) => m.metadata.name.endsWith('-datasources'));
  return { cm, file: parse(Object.values<string>(cm.data)[0]) };
}

/** Every query of a dashboard, rows included. */
const targets = dashboardTargets;

describe('datasource provisioning', () => {
  test('dev-like: Tempo linked to the provisioned Loki and to Prometheus; Loki links back', () => {
    const { cm, file } = provisioningOf(build(DEV));
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

  test('prod-like: span-metric queries, service map, node graph, through the query gateway', () => {
    const { file } = provisioningOf(build(PROD));
    const tempo = file.datasources[0];
    expect(tempo.jsonData.tracesToMetrics.queries.map((q: any) => q.query)).toEqual([
      // prod tail-samples: the gateway's span_metrics connector is the producer.
      'sum(rate(traces_span_metrics_calls_total{$$__tags}[5m]))',
      'sum(rate(traces_span_metrics_calls_total{$$__tags, status_code="STATUS_CODE_ERROR"}[5m]))',
      'histogram_quantile(0.95, sum by (le) (rate(traces_span_metrics_duration_seconds_bucket{$$__tags}[5m])))',
    ]);
    // The connector's label for service.name is service_name (Tempo's generator: service).
    expect(tempo.jsonData.tracesToMetrics.tags).toEqual([{ key: 'service.name', value: 'service_name' }]);
    expect(tempo.jsonData.serviceMap).toEqual({ datasourceUid: 'prometheus' });
    expect(tempo.jsonData.nodeGraph).toEqual({ enabled: true });
    // Through the gateway: Basic auth as the datasource UID, the password from the mounted
    // Secret ($__file, not escaped), no X-Scope-OrgID (the gateway sets it), no gRPC streaming.
    expect(tempo.url).toBe('http://tempo-gateway.tracing-prod.svc.cluster.local:8080');
    expect(tempo.basicAuth).toBe(true);
    expect(tempo.basicAuthUser).toBe('tracing-prod-tempo');
    expect(tempo.jsonData.httpHeaderName1).toBeUndefined();
    expect(tempo.jsonData.streamingEnabled).toEqual({ search: false, metrics: false });
    expect(tempo.secureJsonData).toEqual({
      basicAuthPassword: '$__file{/etc/secrets/tempo-gateway-grafana/tracing-prod-tempo}',
    });
    expect(file.datasources.map((d: any) => d.type)).toEqual(['tempo']);
  });

  test('without the gateway: one datasource per tenant, X-Scope-OrgID set per datasource', () => {
    const { file } = provisioningOf(
      build({
        ...PROD,
        queryGateway: undefined,
        grafana: { tenant: 'prod', tenants: ['prod', 'checkout'] },
      }),
    );
    const tempos = file.datasources.filter((d: any) => d.type === 'tempo');
    expect(tempos.map((d: any) => [d.uid, d.secureJsonData.httpHeaderValue1, d.url])).toEqual([
      ['tracing-prod-tempo', 'prod', 'http://tempo-query-frontend.tracing-prod.svc.cluster.local:3200'],
      [
        'tracing-prod-tempo-checkout',
        'checkout',
        'http://tempo-query-frontend.tracing-prod.svc.cluster.local:3200',
      ],
    ]);
    expect(tempos.every((d: any) => d.jsonData.httpHeaderName1 === 'X-Scope-OrgID')).toBe(true);
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
    for (const env of STACKS)
      expect(provisioningOf(build(env)).file.datasources.filter((d: any) => d.isDefault)).toEqual([]);
  });
});

// Every environment's dashboards (sidecar labels, datasource UIDs, grid, PromQL against what the
// stack exposes) are checked with the environment-level checks (test/helpers/environment-checks.ts).

describe('dashboard contents (prod-like)', () => {
  const prod = build(PROD).grafana!.provisioning.dashboards;
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
    // prod tail-samples: the buckets are the gateway span_metrics connector's (span-metric catalog).
    expect(p.targets[0].expr).toMatch(
      /^sum by \(le\) \(increase\(traces_span_metrics_duration_seconds_bucket\{/,
    );
  });

  test('query latency shows P50, P95 and P99', () => {
    const q = targets(prod.find((d) => d.slug === 'tempo-operations')!.json).filter(
      (t) => t.panel.title === 'Query latency',
    );
    expect(q.map((t) => t.legendFormat)).toEqual(['P50', 'P95', 'P99']);
  });
});

// Synth-time errors of this area: every message, exact text.
describe('Grafana synth-time errors name the property, the value and the fix', () => {
  test('grafana: two defaults', () => {
    const tempoDs = new TempoDatasource({
      uid: 't',
      name: 'Tempo',
      url: 'http://tempo:3200',
      isDefault: true,
    });
    expectError(
      () =>
        buildDatasourceProvisioning({
          tempo: tempoDs,
          prometheus: PrometheusDatasource.provisioned({ url: 'http://p:9090', isDefault: true }),
          logLabels: {},
          metricLabels: {},
          serviceGraphs: false,
        }),
      "grafana.datasources: 'Tempo' and 'Prometheus' are both marked default; Grafana refuses to provision two defaults in one organization (kube-prometheus-stack already marks its Prometheus), so mark at most one",
    );
    expectError(
      () =>
        renderEnvironment(
          {
            name: 'x',
            grafana: {
              tempoDatasource: { isDefault: true },
              loki: LokiDatasource.provisioned({ url: 'http://loki:3100', isDefault: true }),
            },
          },
          buildEnvironment,
        ),
      "x.grafana.datasources: 'Tempo (tracing-x)' and 'Loki' are both marked default; Grafana refuses to provision two defaults in one organization (kube-prometheus-stack already marks its Prometheus), so mark at most one",
    );
  });

  test('grafana: a link to a datasource that is not provisioned and has no UID', () => {
    expectError(
      () => LokiDatasource.existing({} as any).check(),
      'grafana.loki.uid: is missing; a datasource that is not provisioned here is referenced by its UID, so give it (Grafana > Connections > Data sources > the datasource, in the URL)',
    );
    expectError(
      () => PrometheusDatasource.existing({ uid: 'has spaces' }).check(),
      "grafana.prometheus.uid: 'has spaces' is not a datasource UID; use up to 40 letters, digits, '-' and '_'",
    );
    expectError(
      () => LokiDatasource.provisioned({ url: 'loki:3100' }).check(),
      "grafana.loki.url: 'loki:3100' is not an http(s) URL; give an http:// or https:// URL",
    );
  });

  test('grafana: a dashboard query that does not parse', () => {
    const input = {
      id: 'x',
      prometheus: PrometheusDatasource.existing({ uid: 'p' }),
      tempo: new TempoDatasource({ uid: 't', name: 'T', url: 'http://t:3200' }),
      tempoTarget: {
        namespace: 'n',
        job: 'j',
        pvcPattern: 'x',
        components: ['single-binary'],
        spanMetrics: false,
        generatedSeriesLabels: {},
        line: '3.0' as const,
        kafka: false,
      },
      collectors: [],
      tailSampling: false,
    };
    expectError(
      () => prom(input, 'overview', 'sum(rate(x[$__rate_interval])'),
      "grafana.dashboards.overview: PromQL syntax error at character 15 (near 'sum(rate(x[5m])') in 'sum(rate(x[5m])'; fix the expression",
    );
  });

  test('grafana: tenant missing for a multi-tenant Tempo, grafana without monitoring', () => {
    expectError(
      () =>
        renderEnvironment(
          { name: 'x', tempo: { multitenancy: true }, collector: { tenant: 'a' } },
          buildEnvironment,
        ),
      'x.grafana.tenant: is required: Tempo has multi-tenancy on and answers queries without X-Scope-OrgID with 401; set the tenant Grafana queries',
    );
    expectError(
      () => renderEnvironment({ name: 'x', monitoring: false, grafana: {} }, buildEnvironment),
      'x.grafana: needs monitoring (its dashboards chart the scraped targets); enable monitoring or set grafana: false',
    );
  });
});

// Grafana capabilities the seeds need (issue 15).
describe('Grafana capabilities the seeds need', () => {
  /**
   * Grafana capabilities the seeds need (issue 15): Tempo datasource httpMethod and node graph,
   * Loki matcherRegex, Prometheus exemplar labels, trace-link datasources beside existing ones,
   * the datasources ConfigMap name, dashboards from props; every throw with its exact message.
   */
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
        (model({ prometheus: p }).datasources[1] as any).jsonData.exemplarTraceIdDestinations.map(
          (d: any) => [d.name, d.datasourceUid],
        );
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
      const env = (grafana: object) => () =>
        renderEnvironment({ name: 'x', grafana } as any, buildEnvironment);
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
        () =>
          renderEnvironment({ name: 'x', grafana: { datasourcesConfigMap: 'Tempo_DS' } }, buildEnvironment),
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
});
