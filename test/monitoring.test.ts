import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { checkPromQL } from '../constructs/monitoring/promql';
import {
  isAlert,
  promtoolFiles,
  RuleGroup,
  checkGroups,
  AlertRule,
} from '../constructs/monitoring/rule-model';
import { DEV, PROD, renderStack, STACKS, STAGING } from './fixtures/stacks';
import { EnvironmentDefinition } from '../environments/types';
import { forgetPromtoolVerdict, hasPromtool, promtool, promtoolParallel } from './helpers/promtool';
import { VerdictCache, verdictCacheEnabled } from './helpers/verdict-cache';
import { resolveSlo, SRE_WORKBOOK_WINDOWS } from '../constructs/monitoring/slo';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { fc, test as property } from '@fast-check/jest';
import { parser } from '@prometheus-io/lezer-promql';
import { ConfigError } from '../lib/errors';

function build(env: EnvironmentDefinition): EnvironmentCharts {
  return buildEnvironment(Testing.app(), env);
}

const groupsOf = (charts: EnvironmentCharts): readonly RuleGroup[] =>
  charts.monitoring!.monitoring.ruleGroups;
const alertNames = (groups: readonly RuleGroup[]) =>
  [
    ...new Set(
      groups
        .flatMap((g) => g.rules)
        .filter(isAlert)
        .map((r) => r.alert),
    ),
  ].sort();
const promtoolTest = hasPromtool ? test : test.skip;

// Every environment's alerts, scrapes and rules (conventions, metrics exposed, PodMonitors,
// CRDs, promtool) are checked with the environment-level checks (test/helpers/environment-checks.ts),
// the alerts' promtool unit tests for every stack at once in test/alert-unit-tests.test.ts.

describe('alert set follows what is deployed', () => {
  test('no collector: no collector alerts; no tail sampling: no tail-sampling alert; no generator: no span-metrics alerts', () => {
    const bare = alertNames(groupsOf(build({ name: 'bare', collector: false })));
    expect(bare.filter((a) => a.startsWith('OtelCollector'))).toEqual([]);
    expect(bare).not.toContain('TempoSpanMetricsServiceLatencyHigh');
    const head = alertNames(
      groupsOf(build({ name: 'head', collector: { sampling: CollectorSampling.head({ percentage: 10 }) } })),
    );
    expect(head).toContain('OtelCollectorExporterQueueNearlyFull');
    expect(head).not.toContain('OtelCollectorTailSamplingTracesDroppedTooEarly');
  });

  test('prod-like (tail sampling, span metrics) gets the full set', () => {
    const prod = alertNames(groupsOf(build(PROD)));
    expect(prod).toEqual(
      expect.arrayContaining([
        'OtelCollectorTailSamplingTracesDroppedTooEarly',
        // Span metrics from the gateway, before tail sampling (span-metric-catalog.ts).
        'OtelCollectorSpanMetricsServiceErrorRatioHigh',
        'OtelCollectorSpanMetricsServiceLatencyHigh',
        'TempoIngestionErrorBudgetBurning',
        'TempoQueryErrorBudgetBurning',
        'TempoQueryLatencyErrorBudgetBurning',
        'TempoCompactionErrorBudgetBurning',
        'TempoCompactionsFailing',
        'TempoDistributorDiscardingSpans',
        'TempoStorageFillingUp',
        'TempoTargetDown',
      ]),
    );
  });

  test("the seeds' alert tuning: absolute rates, P95 threshold and for, per alert", () => {
    const rules = (env: EnvironmentDefinition) =>
      groupsOf(build(env))
        .flatMap((g) => g.rules)
        .filter(isAlert);
    const v2 = rules({
      name: 'v2',
      tempo: { version: '2.10' },
      collector: false,
      monitoring: {
        thresholds: {
          ingesterAppendFailuresPerSecond: 1,
          discardedSpansPerSecond: 100,
          queryLatencyP95Seconds: 10,
        },
        alertFor: { TempoIngesterAppendFailuresHigh: '5m', TempoQueryFrontendLatencyHigh: '2h' },
      },
    });
    const by = (name: string) => v2.find((r) => r.alert === name)!;
    expect(by('TempoIngesterAppendFailuresHigh').expr).toBe(
      'sum by (namespace, job) (rate(tempo_distributor_ingester_append_failures_total{namespace="tracing-v2", job="tempo"}[5m])) > 1',
    );
    expect(by('TempoDiscardedSpansRateHigh').expr).toContain('rate(tempo_discarded_spans_total{');
    expect(by('TempoDiscardedSpansRateHigh').expr).toMatch(/ > 100$/);
    expect(by('TempoDiscardedSpansRateHigh').for).toBe('15m');
    const latency = by('TempoQueryFrontendLatencyHigh');
    expect([latency.for, latency.expr.endsWith('> 10')]).toEqual(['2h', true]);
    // The cases hold the condition past the for; the firing one sits in the buckets above 10 s
    // (25, 50), the silent one in the lowest.
    expect(latency.tests.firing.evalTime).toBe('135m');
    expect(latency.tests.firing.series.map((x) => x.series.match(/le="([^"]+)"/)![1])).toEqual([
      '25',
      '50',
      '+Inf',
    ]);
    if (hasPromtool) {
      const { files, testFiles } = promtoolFiles([{ name: 'g', rules: v2 }]);
      const tuned = testFiles.filter((f) =>
        /TempoIngesterAppendFailuresHigh|TempoDiscardedSpansRateHigh|TempoQueryFrontendLatencyHigh/.test(f),
      );
      expect(tuned).toHaveLength(3);
      for (const f of tuned) {
        const run = promtool((dir) => ['test', 'rules', `${dir}/${f}`], files);
        expect([f, run.status, run.output.includes('SUCCESS')]).toEqual([f, 0, true]);
      }
    }
    // Without the thresholds, neither absolute-rate alert exists.
    const names = alertNames(
      groupsOf(build({ name: 'plain', tempo: { version: '2.10' }, collector: false })),
    );
    expect(names).not.toContain('TempoIngesterAppendFailuresHigh');
    expect(names).not.toContain('TempoDiscardedSpansRateHigh');
  });

  test('native histograms: the PodMonitor scrapes both forms, the latency SLI reads the native one', () => {
    const charts = build({
      name: 'native',
      collector: false,
      monitoring: { nativeHistograms: true, slos: { queryLatencyThresholdSeconds: 2 } },
    });
    const podMonitor = Testing.synth(charts.monitoring!).find((o) => o.kind === 'PodMonitor')!;
    expect([podMonitor.spec.scrapeNativeHistograms, podMonitor.spec.scrapeClassicHistograms]).toEqual([
      true,
      true,
    ]);
    const sli = groupsOf(charts)
      .find((g) => g.name === 'tempo-slo-recording')!
      .rules.find((r) => 'record' in r && r.labels?.slo === 'query-latency' && r.record.endsWith('5m'))!;
    expect(sli.expr).toContain(
      'histogram_fraction(0, 2, sum by (namespace, job) (rate(tempo_request_duration_seconds{',
    );
    // Off (the default): classic buckets only, no native fields on the PodMonitor.
    const classic = Testing.synth(build({ name: 'classic', collector: false }).monitoring!).find(
      (o) => o.kind === 'PodMonitor',
    )!;
    expect(classic.spec.scrapeNativeHistograms).toBeUndefined();
  });

  test('alert selectors use the namespace and job the PodMonitors give the series', () => {
    const charts = build(STAGING);
    const exprs = groupsOf(charts)
      .flatMap((g) => g.rules)
      .map((r) => r.expr)
      .join('\n');
    expect(exprs).toContain('namespace="tracing-staging", job="tempo"');
    expect(exprs).toContain('job=~"otel-gateway|otel-agent"');
  });

  test('SLO recording rules keep namespace and job, so two environments never collide', () => {
    const recording = groupsOf(build(DEV)).find((g) => g.name === 'tempo-slo-recording')!;
    for (const r of recording.rules) expect(r.expr).toMatch(/^\(sum by \(namespace, job\)/);
  });
});

describe('runbooks', () => {
  test('every runbook link of this project points at a section of docs/runbooks.md', () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase()));
    const links = STACKS.flatMap((e) => groupsOf(build(e)))
      .flatMap((g) => g.rules)
      .filter(isAlert)
      .map((r) => r.runbookUrl)
      .filter((u) => u.includes('/docs/runbooks.md#'));
    expect(links.length).toBeGreaterThan(10);
    expect([...new Set(links.map((u) => u.split('#')[1]))].filter((a) => !anchors.has(a))).toEqual([]);
  });
});

describe('the promtool harness can fail', () => {
  promtoolTest('a firing case fed healthy series is reported as FAILED', async () => {
    const groups = groupsOf(build(DEV)).map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        isAlert(r) && r.alert === 'TempoTargetDown'
          ? { ...r, tests: { ...r.tests, firing: { ...r.tests.firing, series: r.tests.silent.series } } }
          : r,
      ),
    }));
    const { files } = promtoolFiles(groups);
    // Twice: a failure is never remembered, so the second run is a real one that fails too.
    for (let i = 0; i < 2; i++) {
      const [run] = await promtoolParallel([['test', 'rules', 'test-TempoTargetDown.yaml']], files);
      expect(run.output).toContain('FAILED');
      expect(run.status).not.toBe(0);
      expect(run.cached).toBeUndefined();
    }
  });

  (hasPromtool && verdictCacheEnabled ? test : test.skip)(
    'a passing verdict is remembered for exactly its inputs: any changed byte runs promtool again',
    async () => {
      const { files } = promtoolFiles(groupsOf(build(DEV)));
      const args = ['test', 'rules', 'test-TempoTargetDown.yaml'];
      // Rules this run has never seen (a group name of its own), so the first verdict is a real run.
      const rules = files['rules-TempoTargetDown.yaml'] as { groups: { name: string }[] };
      const renamed = (suffix: string) => ({
        ...files,
        'rules-TempoTargetDown.yaml': {
          ...rules,
          groups: rules.groups.map((g) => ({ ...g, name: `${g.name}-${suffix}` })),
        },
      });
      const nonce = `${process.pid}-${Date.now()}`;
      const [mine, changed] = [renamed(`a-${nonce}`), renamed(`b-${nonce}`)];
      try {
        const [first] = await promtoolParallel([args], mine);
        expect([first!.status, first!.cached]).toEqual([0, undefined]);
        const [again] = await promtoolParallel([args], mine);
        expect([again!.status, again!.cached]).toEqual([0, true]);
        // A file the test does not read leaves the verdict as it is; a change to the rules it reads does not.
        const [unrelated] = await promtoolParallel([args], { ...mine, 'other.yaml': 'groups: []\n' });
        expect(unrelated!.cached).toBe(true);
        const [other] = await promtoolParallel([args], changed);
        expect([other!.status, other!.cached]).toEqual([0, undefined]);
      } finally {
        forgetPromtoolVerdict(args, mine);
        forgetPromtoolVerdict(args, changed);
      }
    },
  );

  test('the verdict key covers the binary, the arguments and every input byte, not their order', () => {
    const cache = new VerdictCache('/bin/true', 'v1');
    const key = cache.key(['test', 'a.yaml'], { 'a.yaml': 'x', 'b.yaml': 'y' });
    expect(cache.key(['test', 'a.yaml'], { 'b.yaml': 'y', 'a.yaml': 'x' })).toBe(key);
    for (const other of [
      new VerdictCache('/bin/true', 'v2').key(['test', 'a.yaml'], { 'a.yaml': 'x', 'b.yaml': 'y' }),
      cache.key(['check', 'a.yaml'], { 'a.yaml': 'x', 'b.yaml': 'y' }),
      cache.key(['test', 'a.yaml'], { 'a.yaml': 'x ', 'b.yaml': 'y' }),
      cache.key(['test', 'a.yaml'], { 'a.yaml': 'x', 'c.yaml': 'y' }),
      cache.key(['test', 'a.yaml'], { 'a.yaml': 'x\u0000b.yaml\u0000y' }),
    ])
      expect(other).not.toBe(key);
  });
});

// Synth-time errors of this area: every message, exact text.
describe('monitoring synth-time errors name the property, the value and the fix', () => {
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
      'monitoring.slos.windows: is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
    expectError(
      () =>
        resolveSlo({
          ...slo,
          objectivePercent: 99,
          windows: [{ long: '5m', short: '1h', factor: 2, severity: 'warning' }],
        }),
      'monitoring.slos.windows[0].short: 1h is not shorter than the long window 5m; make the short window shorter',
    );
    expectError(
      () =>
        resolveSlo({ ...slo, objectivePercent: 99, windows: [{ ...SRE_WORKBOOK_WINDOWS[0], factor: 0 }] }),
      'monitoring.slos.windows[0].factor: 0 is not a positive number; give a burn-rate factor such as 14.4',
    );
    expectError(
      monitoring({ slos: { ingestionAvailability: 120 } }),
      'env.monitoring.slos.ingestionAvailability: 120 is outside (0, 100); an objective such as 99.5 leaves a 0.5 % error budget',
    );
    expectError(
      monitoring({ slos: { windows: [] } }),
      'env.monitoring.slos.windows: is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
  });

  const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
    alert: 'TempoDown',
    severity: 'critical',
    expr: 'up == 0',
    for: '5m',
    summary: 'Tempo is down',
    description: '{{ $labels.instance }} is down',
    runbookUrl: 'https://example.com/r',
    tests: {
      firing: {
        evalTime: '10m',
        series: [{ series: 'up{instance="a"}', values: '0x10' }],
        labels: { instance: 'a' },
      },
      silent: { evalTime: '10m', series: [{ series: 'up{instance="a"}', values: '1x10' }] },
    },
    ...over,
  });

  test('monitoring: thresholds that are not positive numbers, ratios above 1', () => {
    expectError(
      monitoring({ thresholds: { queryLatencyP95Seconds: 0 } }),
      'env.monitoring.thresholds.queryLatencyP95Seconds: 0 is not a positive number; give a threshold greater than 0',
    );
    expectError(
      monitoring({ thresholds: { serviceLatencyP95Seconds: -1 } }),
      'env.monitoring.thresholds.serviceLatencyP95Seconds: -1 is not a positive number; give a threshold greater than 0',
    );
    expectError(
      monitoring({ thresholds: { exporterQueueRatio: 80 } }),
      'env.monitoring.thresholds.exporterQueueRatio: 80 is a ratio above 1; give a value in (0, 1], e.g. 0.8 for 80 %',
    );
    expectError(
      monitoring({ thresholds: { storageUsedRatio: { warning: 0.9, critical: 0.8 } } }),
      'env.monitoring.thresholds.storageUsedRatio.critical: 0.8 is not above the warning ratio (0.9); give a critical ratio above the warning one',
    );
  });

  test("monitoring: latency SLO threshold that is not a histogram bucket (the seeds' 2 s)", () => {
    const buckets = '0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100';
    const v2 = (m: any) => () =>
      renderEnvironment({ name: 'env', tempo: { version: '2.10' }, monitoring: m }, buildEnvironment);
    // Tempo 3.0 (the default): 2 s is exact on the native histogram, which must be turned on.
    expectError(
      monitoring({ slos: { queryLatencyThresholdSeconds: 2 } }),
      `env.monitoring.slos.queryLatencyThresholdSeconds: 2 is not a classic bucket boundary of tempo_request_duration_seconds (${buckets}); set monitoring.nativeHistograms: true (Tempo 3.0's native histogram has a boundary at 2 s) or pick a classic boundary, e.g. 2.5`,
    );
    expectError(
      monitoring({ slos: { queryLatencyThresholdSeconds: 3 } }),
      `env.monitoring.slos.queryLatencyThresholdSeconds: 3 is not a bucket boundary of tempo_request_duration_seconds on Tempo 3.0 (${buckets}); pick one, e.g. 2.5`,
    );
    expectError(
      monitoring({ nativeHistograms: true, slos: { queryLatencyThresholdSeconds: 2.5 } }),
      `env.monitoring.slos.queryLatencyThresholdSeconds: 2.5 is not a boundary of Tempo's native histogram (schema 3 and below: powers of two such as 1, 2, 4 are exact); pick a power of two, or turn monitoring.nativeHistograms off to use the classic buckets (${buckets})`,
    );
    // Tempo 2.10: classic buckets only.
    expectError(
      v2({ slos: { queryLatencyThresholdSeconds: 2 } }),
      `env.monitoring.slos.queryLatencyThresholdSeconds: 2 is not a bucket boundary of tempo_request_duration_seconds on Tempo 2.10 (${buckets}); pick one, e.g. 2.5 (Tempo 3.0 with monitoring.nativeHistograms measures powers of two such as 2 s exactly)`,
    );
    expectError(
      v2({ nativeHistograms: true, slos: { queryLatencyThresholdSeconds: 2 } }),
      'env.monitoring.nativeHistograms: Tempo 2.10 exposes no native histograms (only 3.0 sets a native bucket factor, 1.1, on its request durations); remove it, or run Tempo 3.0',
    );
  });

  test('monitoring: alert thresholds and for durations', () => {
    expectError(
      monitoring({ thresholds: { ingesterAppendFailuresPerSecond: 1 } }),
      'env.monitoring.thresholds.ingesterAppendFailuresPerSecond: Tempo 3.0 has no ingesters, so tempo_distributor_ingester_append_failures_total does not exist; use discardedSpansPerSecond (tempo_discarded_spans_total) instead',
    );
    expectError(
      monitoring({ thresholds: { discardedSpansPerSecond: 0 } }),
      'env.monitoring.thresholds.discardedSpansPerSecond: 0 is not a positive number; give a threshold greater than 0',
    );
    expectError(
      monitoring({ thresholds: { queryLatencyP95Seconds: 100 } }),
      'env.monitoring.thresholds.queryLatencyP95Seconds: 100 is not below the highest finite bucket of tempo_request_duration_seconds (100 s), so the P95 could never exceed it; give a lower threshold',
    );
    expectError(
      monitoring({ thresholds: { queryLatencyP95Seconds: 0.001 } }),
      'env.monitoring.thresholds.queryLatencyP95Seconds: 0.001 is below the lowest bucket of tempo_request_duration_seconds (0.005 s), so the P95 could never stay under it; give at least 0.005',
    );
    expectError(
      monitoring({ alertFor: { TempoQueryFrontendLatencyHigh: '90s' } }),
      "env.monitoring.alertFor.TempoQueryFrontendLatencyHigh: '90s' is not a duration in whole minutes, hours or days up to 1d; give e.g. '10m' or '1h'",
    );
    expectError(
      monitoring({ alertFor: { TempoQueryFrontendLatencyHigh: '2d' } }),
      "env.monitoring.alertFor.TempoQueryFrontendLatencyHigh: '2d' is not a duration in whole minutes, hours or days up to 1d; give e.g. '10m' or '1h'",
    );
  });

  test('monitoring: a PromQL syntax error and bad labels', () => {
    expectError(
      () => checkPromQL('sum(rate(x[5m]) >', 'monitoring.tempo-alerts.TempoX'),
      "monitoring.tempo-alerts.TempoX: PromQL syntax error at character 17 (near 'sum(rate(x[5m]) >') in 'sum(rate(x[5m]) >'; fix the expression",
    );
    expectError(
      monitoring({ prometheusLabels: { release: 'kube prometheus' } }),
      "env.monitoring.prometheusLabels.release: 'kube prometheus' is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    );
    expectError(
      monitoring({ scrapeInterval: '30 seconds' }),
      "env.monitoring.scrapeInterval: '30 seconds' is not a Prometheus duration; give e.g. '30s', '5m', '1h30m' or '1d' (units ms, s, m, h, d, w, y, largest first)",
    );
  });

  test('alert rules: duplicates, annotation templates, test cases naming a missing severity', () => {
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule(), rule()] }], 'monitoring'),
      'monitoring.g.TempoDown: is defined twice with severity critical; define each alert once per severity',
    );
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule({ description: '{{ $value }} errors' })] }], 'monitoring'),
      'monitoring.g.TempoDown: annotations may only use {{ $labels.<name> }} templates; remove other template expressions',
    );
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule({ expr: 'up ==' })] }], 'monitoring'),
      "monitoring.g.TempoDown: PromQL syntax error at character 5 (near 'up ==') in 'up =='; fix the expression",
    );
    const r = rule();
    const alsoWarning = rule({
      tests: { ...r.tests, firing: { ...r.tests.firing, alsoFiring: ['warning'] } },
    });
    expectError(
      () => promtoolFiles([{ name: 'g', rules: [alsoWarning] }]),
      'TempoDown.tests: alsoFiring names severity warning, which this alert does not have; name one of its severities',
    );
  });
});

// PromQL checks.
describe('PromQL checks', () => {
  /** lezer's own verdict, without checkPromQL's cache. */
  function parses(expr: string): boolean {
    let ok = true;
    parser.parse(expr).iterate({
      enter: (n) => {
        if (n.type.isError) ok = false;
      },
    });
    return ok;
  }

  /** The rule expressions of the frozen stacks, as their PrometheusRules write them. */
  function ruleExpressions(): string[] {
    return STACKS.flatMap((env) => renderStack(env).manifests)
      .filter((m) => m.kind === 'PrometheusRule')
      .flatMap((m) => m.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr as string)));
  }

  const EXPRESSIONS = ruleExpressions();
  const STRING = /"(?:[^"\\\n]|\\[\s\S])*"/g;

  describe('checkPromQL', () => {
    test('every rule expression parses, and there are enough to make the cache matter', () => {
      expect(EXPRESSIONS.length).toBeGreaterThan(100);
      for (const e of EXPRESSIONS) expect(parses(e)).toBe(true);
    });

    test('a cached valid expression never hides an error in a similar one', () => {
      expect(checkPromQL('up{job="a"} == 0', 'p')).toBe('up{job="a"} == 0');
      // Same text with the string left open, a quote removed, or an operator dropped: each parses differently.
      for (const bad of ['up{job="a} == 0', 'up{job=a"} == 0', 'up{job="a"} ==', 'up{job="a" == 0']) {
        expect(() => checkPromQL(bad, 'p')).toThrow(ConfigError);
      }
      // Comments, single quotes and backticks are never shaped: always parsed.
      expect(() => checkPromQL("up{job='a'} ==", 'p')).toThrow(ConfigError);
      expect(() => checkPromQL('up{job=`a`} ==', 'p')).toThrow(ConfigError);
      expect(() => checkPromQL('up{job="a"} # == 0\n', 'p')).not.toThrow();
    });

    // The cache is sound only if lezer's verdict never depends on the content of a double-quoted
    // string: replace every string of real (and broken) expressions with other well-formed string
    // contents (plain characters and escape sequences) and compare lezer's verdicts, and
    // checkPromQL's with lezer's.
    const content = fc
      .array(
        fc.oneof(
          fc.string({
            unit: fc.constantFrom(
              'a',
              'Z',
              '0',
              ' ',
              '{',
              '}',
              '(',
              ')',
              '=',
              '~',
              ',',
              '.',
              '-',
              '_',
              '/',
              '[',
              ']',
              '#',
              "'",
              '`',
              'é',
            ),
          }),
          fc.constantFrom('\\"', '\\\\', '\\n', '\\u00e9', '\\x'),
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''));

    property.prop(
      [fc.constantFrom(...EXPRESSIONS), fc.nat(), fc.array(content, { minLength: 1, maxLength: 8 })],
      { numRuns: 300 },
    )(
      'changing only the contents of string literals never changes whether an expression parses',
      (expr, cut, contents) => {
        // A prefix of a real expression is usually broken; both kinds must agree.
        for (const e of [expr, expr.slice(0, cut % (expr.length + 1))]) {
          let i = 0;
          const other = e.replace(STRING, () => `"${contents[i++ % contents.length]}"`);
          expect(parses(other)).toBe(parses(e));
          let threw = false;
          try {
            checkPromQL(other, 'p');
          } catch (err) {
            expect(err).toBeInstanceOf(ConfigError);
            threw = true;
          }
          expect(threw).toBe(!parses(other));
        }
      },
    );
  });
});
