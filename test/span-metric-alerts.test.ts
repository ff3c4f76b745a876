/**
 * An alert is evaluated where its series are: the PrometheusRules are loaded by the Prometheus
 * Operator's Prometheus (in `networkPolicies.prometheusNamespace`), so an alert on the span
 * metrics Tempo's generator remote-writes is emitted only when one of its remote-write targets is
 * that Prometheus's receiver (monitoring-config.ts `generatedSeriesReachRules`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { generatedSeriesReachRules } from '../constructs/monitoring/monitoring-config';
import { isAlert } from '../constructs/monitoring/rule-model';
import { SPAN_METRICS } from '../constructs/tempo/generated-metrics';
import type { EnvironmentDefinition } from '../environments/types';
import { EXAMPLES } from '../examples';
import { renderStack, STAGING } from './fixtures/stacks';
import { readFolderManifests } from './helpers/cluster-apply';
import {
  expectSpanMetricAlertsWhereSeriesAre,
  readsGeneratedSpanMetrics,
} from './helpers/environment-checks';

const ROOT = join(__dirname, '..');
const PROMETHEUS_WRITE = 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write';
const MIMIR_PUSH = 'http://mimir-gateway.observability.svc.cluster.local:8080/api/v1/push';

describe('generatedSeriesReachRules', () => {
  test.each([
    [PROMETHEUS_WRITE, 'tracing', 'monitoring', true],
    ['http://prometheus-operated.monitoring.svc:9090/api/v1/write/', 'tracing', 'monitoring', true],
    // A bare name resolves in Tempo's own namespace.
    ['http://prometheus:9090/api/v1/write', 'monitoring', 'monitoring', true],
    ['http://prometheus:9090/api/v1/write', 'tracing', 'monitoring', false],
    // Mimir's push endpoint, Thanos Receive, a Prometheus of another namespace, an external host.
    [MIMIR_PUSH, 'observability', 'monitoring', false],
    ['http://mimir.monitoring.svc.cluster.local:8080/api/v1/push', 'tracing', 'monitoring', false],
    [
      'http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive',
      'tracing',
      'monitoring',
      false,
    ],
    [PROMETHEUS_WRITE, 'tracing', 'observability', false],
    ['https://prometheus.example.com/api/v1/write', 'tracing', 'monitoring', false],
  ])('%s from %s, rules in %s: %s', (url, tempoNs, promNs, expected) => {
    expect(generatedSeriesReachRules([{ url }], tempoNs, promNs)).toBe(expected);
  });

  test('any one target reaching the Prometheus is enough', () => {
    expect(
      generatedSeriesReachRules([{ url: MIMIR_PUSH }, { url: PROMETHEUS_WRITE }], 't', 'monitoring'),
    ).toBe(true);
    expect(generatedSeriesReachRules([], 't', 'monitoring')).toBe(false);
  });
});

/** Alert names of an environment built in memory. */
function alerts(env: EnvironmentDefinition): string[] {
  const charts = buildEnvironment(Testing.app(), env);
  return charts
    .monitoring!.monitoring.ruleGroups.flatMap((g) => g.rules)
    .filter(isAlert)
    .map((r) => r.alert);
}
const generator = (url: string) => ({
  tempo: { metricsGenerator: { processors: ['span-metrics' as const], remoteWrite: [{ url }] } },
  collector: false as const,
});

describe('span-metric alerts follow the generated series', () => {
  test('written to the in-cluster Prometheus: alerted on', () => {
    expect(alerts({ name: 'p', ...generator(PROMETHEUS_WRITE) })).toContain(
      'TempoSpanMetricsServiceLatencyHigh',
    );
  });

  test('written to Mimir: no alert reads them, and SUMMARY-facing config says where they went', () => {
    const env: EnvironmentDefinition = { name: 'm', ...generator(MIMIR_PUSH) };
    expect(alerts(env).filter((a) => a.startsWith('TempoSpanMetrics'))).toEqual([]);
    const charts = buildEnvironment(Testing.app(), env);
    expect(charts.monitoring!.monitoring.config.spanMetricsElsewhere).toBe(
      `Tempo's metrics generator writes them to ${MIMIR_PUSH}, not to the Prometheus in \`monitoring\` that evaluates these rules`,
    );
    // Dashboards still chart them (through Grafana's Prometheus datasource, e.g. Mimir).
    expect(charts.monitoring!.monitoring.config.spanMetrics?.calls).toBe(SPAN_METRICS.calls);
  });

  test("the rules' Prometheus is the NetworkPolicies' one", () => {
    const url = 'http://prometheus-operated.observability.svc.cluster.local:9090/api/v1/write';
    expect(alerts({ name: 'o', ...generator(url) })).not.toContain('TempoSpanMetricsServiceLatencyHigh');
    expect(
      alerts({ name: 'o', ...generator(url), networkPolicies: { prometheusNamespace: 'observability' } }),
    ).toContain('TempoSpanMetricsServiceLatencyHigh');
  });
});

/**
 * The committed output of every example, read back (examples/dist/ equals a fresh synth). Every
 * environment goes through the same check with the environment-level checks
 * (test/helpers/environment-checks.ts).
 */
const STACKS = EXAMPLES.map((e) => ({ env: e, dir: join(ROOT, 'examples', 'dist', e.name) }));

test('some example, and the staging-like fixture, alert on generated span metrics (the check is not vacuous)', () => {
  expect(STACKS.filter((s) => readsGeneratedSpanMetrics(readFolderManifests(s.dir))).length).toBeGreaterThan(
    0,
  );
  expect(readsGeneratedSpanMetrics(renderStack(STAGING).manifests)).toBe(true);
});

describe.each(STACKS.map((s) => [s.env.name, s]))('%s', (_name, { env, dir }) => {
  test('every alert on generated span metrics is evaluated by a Prometheus that receives them', () => {
    expectSpanMetricAlertsWhereSeriesAre(readFolderManifests(dir), env);
  });
});

test('tempo-values (generator → Mimir) has no span-metric alert, and its SUMMARY says why', () => {
  for (const name of ['tempo-values', 'tempo-values-dev']) {
    const rules = readFileSync(
      join(ROOT, 'examples', 'dist', name, 'monitoring', 'prometheusrule-tempo-alerts.yaml'),
      'utf8',
    );
    expect(rules).not.toContain('TempoSpanMetrics');
    expect(readFileSync(join(ROOT, 'examples', 'dist', name, 'SUMMARY.md'), 'utf8')).toContain(
      `no span-metric alerts: Tempo's metrics generator writes them to ${MIMIR_PUSH}`,
    );
  }
});
