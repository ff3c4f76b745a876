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
      'env.monitoring.thresholds.storageUsedRatio.critical: 0.8 is not above the warning ratio (0.9)',
    );
  });

  test("monitoring: latency SLO threshold that is not a histogram bucket (the seeds' 2 s)", () => {
    expectError(
      monitoring({ slos: { queryLatencyThresholdSeconds: 2 } }),
      'env.monitoring.slos.queryLatencyThresholdSeconds: 2 is not a bucket boundary of tempo_request_duration_seconds (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100); pick one, e.g. 2.5',
    );
  });

  test('monitoring: a PromQL syntax error and bad labels', () => {
    expectError(
      () => checkPromQL('sum(rate(x[5m]) >', 'monitoring.tempo-alerts.TempoX'),
      "monitoring.tempo-alerts.TempoX: PromQL syntax error at character 17 (near 'sum(rate(x[5m]) >') in 'sum(rate(x[5m]) >'",
    );
    expectError(
      monitoring({ prometheusLabels: { release: 'kube prometheus' } }),
      "env.monitoring.prometheusLabels.release: 'kube prometheus' is not a valid label; Kubernetes label keys and values allow letters, digits, '-', '_' and '.'",
    );
    expectError(
      monitoring({ scrapeInterval: '30 seconds' }),
      "env.monitoring.scrapeInterval: '30 seconds' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
    );
  });

  test('alert rules: duplicates, annotation templates, test cases naming a missing severity', () => {
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule(), rule()] }], 'monitoring'),
      'monitoring.g.TempoDown: is defined twice with severity critical',
    );
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule({ description: '{{ $value }} errors' })] }], 'monitoring'),
      'monitoring.g.TempoDown: annotations may only use {{ $labels.<name> }} templates',
    );
    expectError(
      () => checkGroups([{ name: 'g', rules: [rule({ expr: 'up ==' })] }], 'monitoring'),
      "monitoring.g.TempoDown: PromQL syntax error at character 5 (near 'up ==') in 'up =='",
    );
    const r = rule();
    const alsoWarning = rule({
      tests: { ...r.tests, firing: { ...r.tests.firing, alsoFiring: ['warning'] } },
    });
    expectError(
      () => promtoolFiles([{ name: 'g', rules: [alsoWarning] }]),
      'TempoDown.tests: alsoFiring names severity warning, which this alert does not have',
    );
  });
});
