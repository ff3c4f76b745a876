import { Testing } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { CollectorChart, CollectorStackProps } from '../charts/collector-chart';
import { prom } from '../constructs/grafana/dashboards';
import {
  buildDatasourceProvisioning,
  LokiDatasource,
  PrometheusDatasource,
  TempoDatasource,
} from '../constructs/grafana/datasources';
import { resolveSlo, SRE_WORKBOOK_WINDOWS } from '../constructs/monitoring/slo';
import { TempoChart } from '../charts/tempo-chart';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoProps } from '../constructs/tempo/tempo';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';

describe('Grafana synth-time errors name the property, the value and the fix', () => {
  const collector =
    (c: CollectorStackProps, tempoProps: TempoProps = {}) =>
    () => {
      const app = Testing.app();
      const t = new TempoChart(app, 'tempo', { namespace: 'ns', tempo: tempoProps });
      return new CollectorChart(app, 'collector', { namespace: 'ns', tempo: t.tempo, collector: c });
    };

  test('collector: tail sampling without a gateway', () => {
    expectError(
      collector({ gateway: false, sampling: CollectorSampling.tail() }),
      'collector.sampling: tail sampling needs the gateway: agents only see the spans of their own node, and a tail decision needs the whole trace. Enable the gateway or use CollectorSampling.head(...)',
    );
    expectError(
      collector({ agent: false, sampling: CollectorSampling.tail() }),
      "collector.agent: is disabled, but tail sampling on 2 gateway replicas needs the agents' trace-ID routing: spans of one trace would land on different replicas and be sampled separately. Enable the agent or run one gateway replica",
    );
    expectError(
      collector({ agent: false, sampling: CollectorSampling.head({ percentage: 5 }) }),
      'collector.sampling: head sampling runs in the agent, which is disabled; enable the agent or use tail sampling at the gateway',
    );
    expectError(
      collector({ agent: false, gateway: false }),
      'collector: both the gateway and the agent are disabled; set collector: false to run no collector',
    );
  });

  const monitoring = (m: any) => () => renderEnvironment({ name: 'env', monitoring: m }, buildEnvironment);
  const slo = {
    name: 'x',
    alert: 'TempoX',
    description: 'd',
    scope: {},
    sli: { bad: () => 'a', total: () => 'b', testSeries: () => [] },
  };

  test('monitoring: SLO objective outside (0, 100), empty or inverted windows', () => {
    expectError(
      () => resolveSlo({ ...slo, objectivePercent: 100 }),
      'monitoring.slos.x.objectivePercent: 100 is outside (0, 100); an objective such as 99.5 leaves a 0.5 % error budget',
    );
    expectError(
      () => resolveSlo({ ...slo, objectivePercent: 0 }),
      'monitoring.slos.x.objectivePercent: 0 is outside (0, 100); an objective such as 99.5 leaves a 0.5 % error budget',
    );
    expectError(
      () => resolveSlo({ ...slo, objectivePercent: 99, windows: [] }),
      'monitoring.slos.x.windows: is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
    expectError(
      () =>
        resolveSlo({
          ...slo,
          objectivePercent: 99,
          windows: [{ long: '5m', short: '1h', factor: 2, severity: 'warning' }],
        }),
      'monitoring.slos.x.windows[0].short: 1h is not shorter than the long window 5m',
    );
    expectError(
      () =>
        resolveSlo({ ...slo, objectivePercent: 99, windows: [{ ...SRE_WORKBOOK_WINDOWS[0], factor: 0 }] }),
      'monitoring.slos.x.windows[0].factor: 0 is not a positive number',
    );
    expectError(
      monitoring({ slos: { ingestionAvailability: 120 } }),
      'env.monitoring.slos.ingestion-availability.objectivePercent: 120 is outside (0, 100); an objective such as 99.5 leaves a 0.5 % error budget',
    );
    expectError(
      monitoring({ slos: { windows: [] } }),
      'env.monitoring.slos.ingestion-availability.windows: is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
  });

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
      () => LokiDatasource.existing({} as any),
      'grafana.loki.uid: is missing: a datasource that is not provisioned here must be referenced by its UID (Grafana > Connections > Data sources > the datasource, in the URL)',
    );
    expectError(
      () => PrometheusDatasource.existing({ uid: 'has spaces' }),
      "grafana.prometheus.uid: 'has spaces' is not a datasource UID; use up to 40 letters, digits, '-' and '_'",
    );
    expectError(
      () => LokiDatasource.provisioned({ url: 'loki:3100' }),
      "grafana.loki.url: 'loki:3100' is not an http(s) URL",
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
      },
      collectors: [],
      tailSampling: false,
    };
    expectError(
      () => prom(input, 'overview', 'sum(rate(x[$__rate_interval])'),
      "grafana.dashboards.overview: PromQL syntax error at character 15 (near 'sum(rate(x[5m])') in 'sum(rate(x[5m])'",
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
