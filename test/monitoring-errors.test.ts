import { buildEnvironment } from '../charts/environment';
import { checkPromQL } from '../constructs/monitoring/promql';
import { resolveSlo, SRE_WORKBOOK_WINDOWS } from '../constructs/monitoring/slo';
import { checkGroups, promtoolFiles, AlertRule } from '../constructs/monitoring/rule-model';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';

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
      'monitoring.slos.x.windows: is empty; give at least one burn-rate window pair (e.g. 1h/5m at 14.4x)',
    );
    expectError(
      () =>
        resolveSlo({
          ...slo,
          objectivePercent: 99,
          windows: [{ long: '5m', short: '1h', factor: 2, severity: 'warning' }],
        }),
      'monitoring.slos.x.windows[0].short: 1h is not shorter than the long window 5m; make the short window shorter',
    );
    expectError(
      () =>
        resolveSlo({ ...slo, objectivePercent: 99, windows: [{ ...SRE_WORKBOOK_WINDOWS[0], factor: 0 }] }),
      'monitoring.slos.x.windows[0].factor: 0 is not a positive number; give a burn-rate factor such as 14.4',
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
      "env.monitoring.scrapeInterval: '30 seconds' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
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
