import { buildEnvironment } from '../charts/environment';
import { prom } from '../constructs/grafana/dashboards';
import {
  buildDatasourceProvisioning,
  LokiDatasource,
  PrometheusDatasource,
  TempoDatasource,
} from '../constructs/grafana/datasources';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';

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
