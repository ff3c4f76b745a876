/**
 * Span metrics before tail sampling (issue 15), the collector's prometheus exporter, tail-sampling
 * policy names and per-service rates, whole-value scrubbing: what they emit and every error.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { CollectorChart, CollectorStackProps } from '../charts/collector-chart';
import { buildEnvironment } from '../charts/environment';
import { TempoChart } from '../charts/tempo-chart';
import { stackSpanMetrics } from '../constructs/otel-collector/span-metric-catalog';
import { resolveMonitoringConfig } from '../constructs/monitoring/monitoring-config';
import { alertGroups } from '../constructs/monitoring/alerts';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { scrubbingProcessors } from '../constructs/otel-collector/scrubbing';
import type { TempoProps } from '../constructs/tempo/tempo';
import { expectError } from './helpers/errors';
import { validateConfigs, hasOtelcol } from './helpers/otelcol';

const REMOTE = [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }];

function stack(c: CollectorStackProps, tempo: TempoProps = {}) {
  const app = Testing.app();
  const t = new TempoChart(app, 'tempo', { namespace: 'ns', tempo });
  const chart = new CollectorChart(app, 'collector', { namespace: 'ns', tempo: t.tempo, collector: c });
  const config = (name: string) =>
    parse(Testing.synth(chart).find((m) => m.metadata.name === `${name}-config`).data['collector.yaml']);
  return { tempo: t.tempo, chart, config };
}

describe('span metrics at the gateway, before tail sampling', () => {
  test('on by default with tail sampling: a second traces pipeline into span_metrics, metrics to prometheus', () => {
    const { chart, config } = stack({ sampling: CollectorSampling.tail() });
    const gw = config('otel-gateway');
    expect(gw.service.pipelines['traces/spanmetrics']).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter'],
      exporters: ['span_metrics'],
    });
    expect(gw.service.pipelines.metrics).toEqual({
      receivers: ['otlp', 'span_metrics'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['prometheus'],
    });
    // tail_sampling only in the main pipeline: the connector sees every span.
    expect(gw.service.pipelines.traces.processors).toContain('tail_sampling');
    expect(gw.connectors.span_metrics.histogram).toEqual({
      unit: 's',
      explicit: {
        buckets: ['5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '500ms', '1s', '2s500ms', '5s', '10s'],
      },
    });
    expect(gw.exporters.prometheus).toEqual({
      endpoint: '${env:POD_IP}:8889',
      enable_open_metrics: true,
      translation_strategy: 'UnderscoreEscapingWithSuffixes',
      without_scope_info: true,
    });
    expect(chart.gateway!.ports.find((p) => p.name === 'prometheus')?.port).toBe(8889);
    expect(chart.gateway!.spanMetrics).toMatchObject({
      producer: 'collector-span-metrics-connector',
      beforeSampling: true,
      calls: 'traces_span_metrics_calls_total',
      latencyBucket: 'traces_span_metrics_duration_seconds_bucket',
      labels: { service: 'service_name' },
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      seriesLabels: { namespace: 'ns', job: 'otel-gateway' },
    });
  });

  test('off by default without tail sampling, on when asked; false turns it off', () => {
    expect(stack({}).chart.gateway!.spanMetrics).toBeUndefined();
    expect(stack({}).config('otel-gateway').connectors).toBeUndefined();
    const on = stack({ gateway: { spanMetrics: { buckets: ['100ms', '1s'], dimensions: ['http.route'] } } });
    expect(on.config('otel-gateway').connectors.span_metrics.dimensions).toEqual([{ name: 'http.route' }]);
    expect(on.chart.gateway!.spanMetrics!.buckets).toEqual([0.1, 1]);
    const off = stack({ sampling: CollectorSampling.tail(), gateway: { spanMetrics: false } });
    expect(off.chart.gateway!.spanMetrics).toBeUndefined();
    expect(off.config('otel-gateway').service.pipelines.metrics).toBeUndefined();
  });

  test("the stack's catalog: the gateway's, Tempo's generator's (of sampled traces behind tail sampling), or none", () => {
    const gw = stack({ sampling: CollectorSampling.tail() });
    expect(stackSpanMetrics({ tempo: gw.tempo, gateway: gw.chart.gateway })?.alertPrefix).toBe(
      'OtelCollectorSpanMetrics',
    );
    const tempoOnly = stack(
      { sampling: CollectorSampling.tail(), gateway: { spanMetrics: false } },
      { metricsGenerator: { processors: ['span-metrics'], remoteWrite: REMOTE } },
    );
    const c = stackSpanMetrics({ tempo: tempoOnly.tempo, gateway: tempoOnly.chart.gateway })!;
    expect(c).toMatchObject({ producer: 'tempo-metrics-generator', beforeSampling: false });
    // Where span metrics stay behind the sampler, the alerts say so.
    const config = resolveMonitoringConfig({ tempo: tempoOnly.tempo, gateway: tempoOnly.chart.gateway });
    const rules = alertGroups(config).find((g) => g.name === 'trace-sli-alerts')!.rules;
    for (const r of rules) expect((r as { description: string }).description).toContain('of sampled traces');
    expect(stackSpanMetrics({ tempo: stack({}).tempo })).toBeUndefined();
  });

  test('alerts, their unit tests and le values follow the catalog', () => {
    const gw = stack({ sampling: CollectorSampling.tail() });
    const config = resolveMonitoringConfig({ tempo: gw.tempo, gateway: gw.chart.gateway });
    const [latency] = alertGroups(config).find((g) => g.name === 'trace-sli-alerts')!.rules as any[];
    expect(latency.alert).toBe('OtelCollectorSpanMetricsServiceLatencyHigh');
    expect(latency.expr).toBe(
      'histogram_quantile(0.95, sum by (service_name, le) (rate(traces_span_metrics_duration_seconds_bucket{namespace="ns", job="otel-gateway", span_kind="SPAN_KIND_SERVER"}[5m]))) > 1',
    );
    expect(JSON.stringify(latency.tests.firing)).toContain('le=\\"2.5\\"');
  });

  test('errors: Tempo span metrics next to the gateway, a P95 threshold no bucket can exceed, bad buckets and ports', () => {
    const tempo: TempoProps = {
      metricsGenerator: { processors: ['service-graphs', 'span-metrics'], remoteWrite: REMOTE },
    };
    expectError(
      () =>
        buildEnvironment(Testing.app(), {
          name: 'x',
          tempo,
          collector: { sampling: CollectorSampling.tail() },
          monitoring: false,
          gitops: false,
        }),
      "tempo.metricsGenerator.processors: 'span-metrics' is on while the collector gateway computes span metrics before tail sampling; Tempo's would count only the sampled traces (biased towards errors and slow traces) and duplicate them. Remove 'span-metrics' (keep 'service-graphs'), or set collector.gateway.spanMetrics: false",
    );
    const gw = stack({
      sampling: CollectorSampling.tail(),
      gateway: { spanMetrics: { buckets: ['1s', '5s'] } },
    });
    expectError(
      () =>
        alertGroups(
          resolveMonitoringConfig({
            tempo: gw.tempo,
            gateway: gw.chart.gateway,
            thresholds: { serviceLatencyP95Seconds: 5 },
          }),
        ),
      'monitoring.thresholds.serviceLatencyP95Seconds: 5 is not below the largest span-metrics latency bucket but one (1s of 1, 5), so the P95 alert could never fire; lower the threshold or add larger buckets (collector.gateway.spanMetrics.buckets)',
    );
    expectError(
      () => stack({ gateway: { spanMetrics: { buckets: ['1s'] } } }),
      "collector.gateway.spanMetrics.buckets: [\"1s\"] needs at least two boundaries; give ascending durations such as ['100ms', '1s', '5s']",
    );
    expectError(
      () => stack({ gateway: { spanMetrics: { buckets: ['1s', '500ms'] } } }),
      "collector.gateway.spanMetrics.buckets[1]: '500ms' is not above the previous boundary (1s); give strictly ascending positive durations",
    );
    expectError(
      () => stack({ gateway: { spanMetrics: { buckets: ['1s', '2x'] } } }),
      "collector.gateway.spanMetrics.buckets[1]: '2x' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
    );
    expectError(
      () => stack({ gateway: { spanMetrics: { dimensions: ['http.route', 'http.route'] } } }),
      'collector.gateway.spanMetrics.dimensions: lists an attribute twice; give each attribute once',
    );
    expectError(
      () => stack({ gateway: { spanMetrics: { dimensions: [' '] } } }),
      "collector.gateway.spanMetrics.dimensions[0]: ' ' is not an attribute name; give e.g. 'http.route'",
    );
    expectError(
      () => stack({ gateway: { spanMetrics: 'yes' as never } }),
      "collector.gateway.spanMetrics: 'yes' is not valid; give true, false or { buckets: [...] }",
    );
    expectError(
      () => stack({ agent: { prometheus: { enableOpenMetrics: 'no' as never } } }),
      "collector.agent.prometheus.enableOpenMetrics: 'no' is not a boolean; give true or false",
    );
    expectError(
      () => stack({ agent: { prometheus: { port: 4317 } } }),
      "collector.agent.receivers: port 4317 is used by both 'prometheus' and 'otlp-grpc'; give each its own port",
    );
  });
});

describe("the agent serves applications' OTLP metrics to Prometheus", () => {
  test('metrics pipeline from otlp to prometheus, container port and PodMonitor endpoint', () => {
    const { config, chart } = stack({ agent: { prometheus: { port: 9464 } } });
    expect(config('otel-agent').service.pipelines.metrics).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['prometheus'],
    });
    expect(chart.agent!.ports.find((p) => p.name === 'prometheus')?.port).toBe(9464);
  });
});

describe('tail-sampling policy names and per-service rates', () => {
  const tail = (props: Parameters<typeof CollectorSampling.tail>[0]) => CollectorSampling.tail(props);

  test('names and one OR-ed and-policy per service', () => {
    const s = tail({
      percentage: 10,
      policyNames: { errors: 'errors-policy', latency: 'slow', probabilistic: 'rest' },
      serviceRates: { checkout: 50 },
    });
    const policies = s.processorConfig().policies as any[];
    expect(policies.map((p) => p.name)).toEqual(['errors-policy', 'slow', 'rest', 'sample-checkout']);
    expect(policies[3]).toEqual({
      name: 'sample-checkout',
      type: 'and',
      and: {
        and_sub_policy: [
          {
            name: 'service',
            type: 'string_attribute',
            string_attribute: { key: 'service.name', values: ['checkout'] },
          },
          { name: 'rate', type: 'probabilistic', probabilistic: { sampling_percentage: 50 } },
        ],
      },
    });
    expect(s.describe()).toContain('10 % of the rest (checkout 50 %)');
  });

  test('errors', () => {
    expectError(
      () => tail({ percentage: 10, serviceRates: { checkout: 5 } }).check(),
      'collector.sampling.serviceRates.checkout: 5 is not above percentage (10); policies are OR-ed, so a service already keeps 10 % — give a higher rate or remove it',
    );
    expectError(
      () => tail({ serviceRates: { checkout: 101 } }).check(),
      'collector.sampling.serviceRates.checkout: 101 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
    );
    expectError(
      () => tail({ serviceRates: { '': 50 } }).check(),
      "collector.sampling.serviceRates: has an empty service name; key the rates by service.name, e.g. { 'checkout': 50 }",
    );
    expectError(
      () => tail({ policyNames: { errors: 'bad name' } }).check(),
      "collector.sampling.policyNames.errors: 'bad name' is not a policy name; use letters, digits, '-', '_' and '.' (at most 63), e.g. 'errors-policy'",
    );
    expectError(
      () => tail({ policyNames: { errors: 'same', latency: 'same' } }).check(),
      "collector.sampling.policyNames: 'same' names two policies; the tail-sampling processor needs unique names",
    );
  });

  (hasOtelcol ? test : test.skip)(
    'the real collector accepts the and-policies and whole-value updates',
    async () => {
      const { config } = stack({
        sampling: tail({ serviceRates: { checkout: 50, payments: 100 } }),
        scrubbing: { replaceAttributes: { 'user.email': 'REDACTED' } },
      });
      expect(await validateConfigs([{ name: 'rates', config: config('otel-gateway') }])).toEqual([]);
    },
  );
});

describe('a sampled copy for a second tenant (longer retention tier)', () => {
  const mt: TempoProps = { multitenancy: true };
  test('a traces/sampled pipeline without tail sampling, its own sampler and tenant header', () => {
    const { config } = stack(
      {
        tenant: 'team',
        sampling: CollectorSampling.tail(),
        gateway: { sampledTenant: { tenant: 'team-sampled', percentage: 5 } },
      },
      mt,
    );
    const gw = config('otel-gateway');
    expect(gw.service.pipelines['traces/sampled']).toEqual({
      receivers: ['otlp'],
      processors: [
        'memory_limiter',
        'k8s_attributes',
        'probabilistic_sampler/sampled',
        'attributes/scrub',
        'transform/scrub',
        'batch',
      ],
      exporters: ['otlp_grpc/tempo-sampled'],
    });
    expect(gw.processors['probabilistic_sampler/sampled']).toEqual({ sampling_percentage: 5 });
    expect(gw.exporters['otlp_grpc/tempo-sampled'].headers).toEqual({ 'X-Scope-OrgID': 'team-sampled' });
    expect(gw.exporters['otlp_grpc/tempo'].headers).toEqual({ 'X-Scope-OrgID': 'team' });
  });

  test('errors', () => {
    expectError(
      () => stack({ gateway: { sampledTenant: { tenant: 'x', percentage: 5 } } }),
      'collector.gateway.sampledTenant: needs Tempo multi-tenancy (the copy is told apart by its X-Scope-OrgID); enable tempo.multitenancy or remove sampledTenant',
    );
    expectError(
      () => stack({ tenant: 'team', gateway: { sampledTenant: { tenant: 'team', percentage: 5 } } }, mt),
      "collector.gateway.sampledTenant.tenant: 'team' is the main tenant; the sampled copy needs a tenant of its own (e.g. 'team-sampled')",
    );
    expectError(
      () => stack({ tenant: 'team', gateway: { sampledTenant: { tenant: 'b', percentage: 0 } } }, mt),
      'collector.gateway.sampledTenant.percentage: 0 is outside (0, 100]; give the share of all traces the tenant keeps',
    );
  });
});

describe('tenants by namespace', () => {
  const mt: TempoProps = { multitenancy: true };
  const teams = [
    { tenant: 'backstage', namespaces: ['backstage'] },
    { tenant: 'ci', namespaces: ['jenkins', 'argocd'] },
  ];
  test('one filtered pipeline and exporter per tenant; the default tenant gets the other namespaces', () => {
    const { config } = stack(
      { tenant: 'platform', sampling: CollectorSampling.tail(), gateway: { namespaceTenants: teams } },
      mt,
    );
    const gw = config('otel-gateway');
    const ns = 'resource.attributes["k8s.namespace.name"]';
    expect(gw.processors['filter/other-tenants']).toEqual({
      error_mode: 'ignore',
      trace_conditions: [`${ns} == "backstage" or ${ns} == "jenkins" or ${ns} == "argocd"`],
    });
    expect(gw.processors['filter/ci']).toEqual({
      error_mode: 'ignore',
      trace_conditions: [`${ns} != "jenkins" and ${ns} != "argocd"`],
    });
    expect(gw.service.pipelines.traces.processors.slice(0, 3)).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'filter/other-tenants',
    ]);
    expect(gw.service.pipelines['traces/ci']).toEqual({
      receivers: ['otlp'],
      processors: [
        'memory_limiter',
        'k8s_attributes',
        'filter/ci',
        'tail_sampling',
        'attributes/scrub',
        'transform/scrub',
        'batch',
      ],
      exporters: ['otlp_grpc/tempo-ci'],
    });
    expect(gw.exporters['otlp_grpc/tempo-ci'].headers).toEqual({ 'X-Scope-OrgID': 'ci' });
  });

  test('errors', () => {
    const tenants =
      (namespaceTenants: { tenant: string; namespaces: string[] }[], tempo = mt) =>
      () =>
        stack({ tenant: 'platform', gateway: { namespaceTenants } }, tempo);
    expectError(
      () => stack({ gateway: { namespaceTenants: teams } }),
      'collector.gateway.namespaceTenants: needs Tempo multi-tenancy (tenants are told apart by X-Scope-OrgID); enable tempo.multitenancy or remove namespaceTenants',
    );
    expectError(
      tenants([{ tenant: 'platform', namespaces: ['a'] }]),
      "collector.gateway.namespaceTenants[0].tenant: 'platform' is already used (collector.tenant, sampledTenant or another entry); give each namespace tenant its own ID",
    );
    expectError(
      tenants([{ tenant: 'a', namespaces: [] }]),
      'collector.gateway.namespaceTenants[0].namespaces: is empty; list the namespaces whose spans go to this tenant',
    );
    expectError(
      tenants([
        { tenant: 'a', namespaces: ['x'] },
        { tenant: 'b', namespaces: ['x'] },
      ]),
      "collector.gateway.namespaceTenants[1].namespaces[0]: 'x' already goes to tenant 'a'; a namespace belongs to one tenant",
    );
    expectError(
      tenants([{ tenant: 'a(b)', namespaces: ['x'] }]),
      "collector.gateway.namespaceTenants[0].tenant: 'a(b)' names a pipeline and an exporter here; use letters, digits, '-', '_' and '.'",
    );
  });
});

describe('whole-value scrubbing', () => {
  test('update actions after delete and hash; a non-string value is refused', () => {
    expect(
      scrubbingProcessors({ replaceAttributes: { 'user.email': 'REDACTED' } }).attributes!.actions,
    ).toContainEqual({
      key: 'user.email',
      action: 'update',
      value: 'REDACTED',
    });
    expectError(
      () => scrubbingProcessors({ replaceAttributes: { 'user.email': 1 as never } }),
      "collector.scrubbing.replaceAttributes.user.email: 1 is not a string; give the replacement text, e.g. 'REDACTED'",
    );
  });
});
