import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import {
  COLLECTOR_METRICS,
  PLATFORM_METRICS,
  tempoExposedMetrics,
} from '../constructs/monitoring/metric-catalog';
import { metricNames } from '../constructs/monitoring/promql';
import { isAlert, promtoolFiles, renderGroups, RuleGroup } from '../constructs/monitoring/rule-model';
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from '../constructs/tempo/generated-metrics';
import { COLLECTOR_SPAN_METRICS } from '../constructs/otel-collector/span-metric-catalog';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';
import { validateAll } from './helpers/k8s-schema';
import { hasPromtool, promtool, promtoolParallel } from './helpers/promtool';

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

describe.each(ENVIRONMENTS.map((e) => [e.name, e]))('monitoring of %s', (_name, env) => {
  const charts = build(env);
  const groups = groupsOf(charts);
  const manifests = Testing.synth(charts.monitoring!);

  test('every alert has for, severity, summary, description, runbook_url and a conventional name', () => {
    for (const g of renderGroups(groups)) {
      for (const r of g.rules.filter((x) => 'alert' in x)) {
        expect(r.alert).toMatch(/^(Tempo|OtelCollector)[A-Z][A-Za-z]+$/);
        expect(r.for).toMatch(/^\d+[mh]$/);
        expect(['warning', 'critical']).toContain((r.labels as any).severity);
        expect(Object.keys(r.annotations as object).sort()).toEqual([
          'description',
          'runbook_url',
          'summary',
        ]);
        expect((r.annotations as any).runbook_url).toMatch(/^https:\/\/.+#[a-z0-9-]+$/i);
      }
    }
  });

  test('every metric an expression reads is exposed by a scraped target or recorded here', () => {
    const tempo = charts.tempo.tempo;
    const recorded = groups
      .flatMap((g) => g.rules)
      .filter((r) => !isAlert(r))
      .map((r) => (r as any).record);
    const exposed = new Set<unknown>([
      ...tempoExposedMetrics(tempo.settings.line, tempo.settings.kafka !== undefined),
      ...Object.values(PLATFORM_METRICS),
      ...(charts.collector ? Object.values(COLLECTOR_METRICS) : []),
      ...(tempo.generates('span-metrics')
        ? Object.values(SPAN_METRICS).filter((v) => typeof v === 'string')
        : []),
      ...(charts.collector?.gateway?.spanMetrics
        ? Object.values(COLLECTOR_SPAN_METRICS).filter((v) => typeof v === 'string')
        : []),
      ...(tempo.generates('service-graphs')
        ? Object.values(SERVICE_GRAPH_METRICS).filter((v) => typeof v === 'string')
        : []),
      ...recorded,
    ]);
    const read = groups.flatMap((g) => g.rules).flatMap((r) => metricNames(r.expr));
    expect(read.length).toBeGreaterThan(20);
    expect(read.filter((m) => !exposed.has(m))).toEqual([]);
  });

  test('PodMonitors select the workloads by their selector labels and a port they expose', () => {
    const stack = renderedStack(env);
    const podMonitors = manifests.filter((m) => m.kind === 'PodMonitor');
    expect(podMonitors.map((p) => p.metadata.name).sort()).toEqual(
      charts.monitoring!.monitoring.scrapes.map((s) => s.name).sort(),
    );
    for (const pm of podMonitors) {
      const workload = stack.find(
        (w) =>
          w.metadata.namespace === pm.metadata.namespace &&
          ['StatefulSet', 'Deployment', 'DaemonSet'].includes(w.kind) &&
          Object.entries(pm.spec.selector.matchLabels).every(
            ([k, v]) => w.spec.template.metadata.labels[k] === v,
          ),
      );
      expect(workload).toBeDefined();
      const ports = workload.spec.template.spec.containers.flatMap((c: any) =>
        c.ports.map((p: any) => p.name),
      );
      expect(ports).toContain(pm.spec.podMetricsEndpoints[0].port);
      expect(pm.metadata.labels.release).toBe('kube-prometheus-stack');
      expect(pm.spec.podMetricsEndpoints[0].relabelings).toEqual([
        { action: 'replace', targetLabel: 'job', replacement: pm.metadata.name },
        {
          action: 'replace',
          sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
          targetLabel: 'component',
        },
      ]);
    }
  });

  test('PrometheusRules and PodMonitors are valid against the CRDs', () => {
    expect(validateAll(manifests)).toEqual([]);
  });

  promtoolTest('promtool check rules accepts the synthesized PrometheusRule groups', () => {
    const files: Record<string, unknown> = {};
    for (const m of manifests.filter((x) => x.kind === 'PrometheusRule'))
      files[`${m.metadata.name}.yaml`] = { groups: m.spec.groups };
    const run = promtool(() => ['check', 'rules', ...Object.keys(files)], files);
    expect(run.output).not.toMatch(/FAILED/);
    expect(run.status).toBe(0);
  });
  // The alerts' promtool unit tests run for every stack at once: test/alert-unit-tests.test.ts.
});

function renderedStack(env: EnvironmentDefinition): any[] {
  const charts = build(env);
  return [charts.tempo, charts.collector].filter((c) => c !== undefined).flatMap((c) => Testing.synth(c!));
}

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

  test('prod (tail sampling, span metrics) gets the full set', () => {
    const prod = alertNames(groupsOf(build(ENVIRONMENTS.find((e) => e.name === 'prod')!)));
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
    const charts = build(ENVIRONMENTS.find((e) => e.name === 'staging')!);
    const exprs = groupsOf(charts)
      .flatMap((g) => g.rules)
      .map((r) => r.expr)
      .join('\n');
    expect(exprs).toContain('namespace="tracing-staging", job="tempo"');
    expect(exprs).toContain('job=~"otel-gateway|otel-agent"');
  });

  test('SLO recording rules keep namespace and job, so two environments never collide', () => {
    const recording = groupsOf(build(ENVIRONMENTS[0])).find((g) => g.name === 'tempo-slo-recording')!;
    for (const r of recording.rules) expect(r.expr).toMatch(/^\(sum by \(namespace, job\)/);
  });
});

describe('runbooks', () => {
  test('every runbook link of this project points at a section of docs/runbooks.md', () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'runbooks.md'), 'utf8');
    const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase()));
    const links = ENVIRONMENTS.flatMap((e) => groupsOf(build(e)))
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
    const groups = groupsOf(build(ENVIRONMENTS[0])).map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        isAlert(r) && r.alert === 'TempoTargetDown'
          ? { ...r, tests: { ...r.tests, firing: { ...r.tests.firing, series: r.tests.silent.series } } }
          : r,
      ),
    }));
    const { files } = promtoolFiles(groups);
    const [run] = await promtoolParallel([['test', 'rules', 'test-TempoTargetDown.yaml']], files);
    expect(run.output).toContain('FAILED');
    expect(run.status).not.toBe(0);
  });
});

describe('committed PrometheusRules', () => {
  promtoolTest('promtool check rules accepts every PrometheusRule in dist/', () => {
    const files: Record<string, unknown> = {};
    for (const env of ENVIRONMENTS) {
      for (const name of ['tempo-alerts', 'tempo-rules']) {
        const m = parse(
          readFileSync(
            join(__dirname, '..', 'dist', env.name, 'monitoring', `prometheusrule-${name}.yaml`),
            'utf8',
          ),
        );
        files[`${env.name}-${name}.yaml`] = { groups: m.spec.groups };
      }
    }
    const run = promtool(() => ['check', 'rules', ...Object.keys(files)], files);
    expect(run.status).toBe(0);
  });
});
