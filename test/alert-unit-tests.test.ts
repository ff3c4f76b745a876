/**
 * promtool runs every alert's unit tests (a firing and a silent case per alert, generated from the
 * same AlertRule as the PrometheusRule) for every environment and example. The ten stacks share most
 * alerts: a rule file and its test that differ only in the stack's namespace give the same verdict
 * (the namespace is only a label value there, renamed consistently), so each distinct pair runs once
 * and every stack's alerts are checked against those verdicts.
 */
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { promtoolFiles, RuleGroup } from '../constructs/monitoring/rule-model';
import { ENVIRONMENTS } from '../environments';
import { STACKS, VARIANTS } from './fixtures/stacks';
import { readmeExample } from './helpers/readme-example';
import { EXAMPLES } from '../examples';
import type { EnvironmentDefinition } from '../index';
import { hasPromtool, promtoolParallel, promtoolReadsNativeHistograms } from './helpers/promtool';

const PLACEHOLDER = '__stack_namespace__';

interface AlertTest {
  readonly stack: string;
  readonly alert: string;
  /** Rule file and test file with the namespace replaced by PLACEHOLDER. */
  readonly key: string;
  readonly ruleFile: string;
  readonly rules: string;
  readonly test: Record<string, unknown>;
}

/** Every alert's promtool bundle of one stack, with its namespace normalized away. */
export function alertTests(stack: string, namespace: string, groups: readonly RuleGroup[]): AlertTest[] {
  const { files, testFiles } = promtoolFiles(groups);
  return testFiles.map((testFile) => {
    const test = files[testFile] as { rule_files: string[] } & Record<string, unknown>;
    const [ruleFile] = test.rule_files;
    const normalize = (text: string) => text.split(namespace).join(PLACEHOLDER);
    const rules = stringify(files[ruleFile!], { lineWidth: 0 });
    const { rule_files: _ignored, ...rest } = test;
    return {
      stack,
      alert: testFile.replace(/^test-|\.yaml$/g, ''),
      key: `${normalize(rules)}\n---\n${normalize(stringify(rest, { lineWidth: 0 }))}`,
      ruleFile: ruleFile!,
      rules,
      test,
    };
  });
}

const promtoolTest = hasPromtool ? test : test.skip;

/** Whether a promtool test file feeds native-histogram series (`{{schema:3 …}}` values). */
function readsNativeSeries(file: unknown): boolean {
  const tests = (file as { tests?: { input_series?: { values: string }[] }[] }).tests ?? [];
  return tests.some((t) => (t.input_series ?? []).some((s) => s.values.includes('{{')));
}

describe('alert unit tests (promtool test rules)', () => {
  // The native-histogram latency SLI (Tempo 3.0, 2 s), also on its own: its schema-3 input series
  // need a promtool that reads native histograms (.ci/run builds one; helpers/promtool.ts names it
  // when missing, and the tests with such series are left out, here and in the examples).
  const native: EnvironmentDefinition = {
    name: 'native-latency',
    monitoring: { nativeHistograms: true, slos: { queryLatencyThresholdSeconds: 2 } },
    grafana: false,
  };
  // The shipped environments, the examples, and the environments of the environment-level checks
  // that are not shipped (the README's example, the fixtures and variants of test/fixtures/stacks.ts),
  // each named by where it comes from (a fixture may share a shipped environment's name).
  const stacks = [
    ...ENVIRONMENTS.map((env) => [env.name, env] as const),
    ...EXAMPLES.map((env) => [`example ${env.name}`, env] as const),
    ...[readmeExample()].map((env) => [`README ${env.name}`, env] as const),
    ...[...STACKS, ...VARIANTS].map((env) => [`fixture ${env.name}`, env] as const),
    ...(promtoolReadsNativeHistograms ? [['native-latency', native] as const] : []),
  ].map(([name, env]) => ({ name, charts: buildEnvironment(Testing.app(), env) }));
  const all = stacks
    .flatMap(({ name, charts }) =>
      charts.monitoring
        ? alertTests(name, charts.tempo.tempo.namespace, charts.monitoring.monitoring.ruleGroups)
        : [],
    )
    .filter((t) => promtoolReadsNativeHistograms || !readsNativeSeries(t.test));

  /** One alert on `up` of `namespace`, firing after `forDuration`. */
  const oneAlert = (stack: string, namespace: string, forDuration = '5m') => {
    const up = `up{namespace="${namespace}"}`;
    const group = {
      name: 'g',
      rules: [
        {
          alert: 'TempoX',
          expr: `${up} == 0`,
          for: forDuration,
          severity: 'critical',
          summary: 's',
          description: 'd',
          runbookUrl: 'https://example.com/r',
          tests: {
            firing: { evalTime: '10m', series: [{ series: up, values: '0x10' }] },
            silent: { evalTime: '10m', series: [{ series: up, values: '1x10' }] },
          },
        },
      ],
    };
    return alertTests(stack, namespace, [group] as unknown as RuleGroup[])[0]!;
  };

  test('normalizing the namespace merges only bundles that differ in nothing else', () => {
    const [a] = all;
    expect(a).toBeDefined();
    expect(oneAlert('other', 'renamed-ns').key).toBe(oneAlert('again', 'other-ns').key);
    // A different threshold (`for`) is a different bundle.
    expect(oneAlert('again', 'other-ns', '6m').key).not.toBe(oneAlert('other', 'renamed-ns').key);
  });

  promtoolTest(
    'every alert of every stack fires on its failing series and stays silent on healthy ones',
    async () => {
      const unique = [...new Map(all.map((t) => [t.key, t])).values()];
      const files: Record<string, unknown> = {};
      unique.forEach((t, i) => {
        files[`u${i}-${t.ruleFile}`] = t.rules;
        files[`u${i}-test.yaml`] = { ...t.test, rule_files: [`u${i}-${t.ruleFile}`] };
      });
      const runs = await promtoolParallel(
        unique.map((_, i) => ['test', 'rules', `u${i}-test.yaml`]),
        files,
      );
      const verdict = new Map(unique.map((t, i) => [t.key, runs[i]!]));
      const failed = all
        .filter((t) => verdict.get(t.key)!.status !== 0 || verdict.get(t.key)!.output.includes('FAILED'))
        .map((t) => `${t.stack}: ${t.alert}\n${verdict.get(t.key)!.output}`);
      expect(failed).toEqual([]);
      // Every stack with monitoring contributed its alerts (none was silently left out).
      expect(new Set(all.map((t) => t.stack)).size).toBe(stacks.filter((s) => s.charts.monitoring).length);
      const cached = runs.filter((r) => r.cached).length;
      console.log(
        `promtool: ${unique.length} distinct alert tests for ${all.length} alerts in ${stacks.length} stacks` +
          ` (${unique.length - cached} run, ${cached} passed before with the same inputs)`,
      );
    },
  );
});
