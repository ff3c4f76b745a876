/**
 * Plain rule types shared by alerts and recording rules, their promtool unit tests, and the
 * two renderings made from the same source: the PrometheusRule spec and promtool's files.
 */
import { ConfigError } from '../../lib/errors';
import { checkPromQL, metricNames } from './promql';

export type Severity = 'warning' | 'critical';

/** One case of a promtool unit test: input series and what the alert does at `evalTime`. */
export interface RuleTestCase {
  /** promtool input series: `{ series: 'metric{a="b"}', values: '0+10x60' }` (1m interval). */
  readonly series: readonly { readonly series: string; readonly values: string }[];
  /** When to evaluate, e.g. `'30m'`. */
  readonly evalTime: string;
  /** Labels of the firing alert besides `severity` (for a `firing` case). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Other severities of the same alert name that fire too (a critical case also trips the warning). */
  readonly alsoFiring?: readonly Severity[];
  /** Sample (and rule evaluation) interval of the case. @default '1m' */
  readonly interval?: string;
}

export interface AlertRule {
  /** `Tempo<Component><Condition>` or `OtelCollector<Condition>`. */
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  /** Annotations may template only `{{ $labels.<name> }}` (rendered again for the unit tests). */
  readonly summary: string;
  readonly description: string;
  readonly runbookUrl: string;
  /** Series that make it fire and series that keep it silent. */
  readonly tests: { readonly firing: RuleTestCase; readonly silent: RuleTestCase };
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly (AlertRule | RecordingRule)[];
}

export const isAlert = (r: AlertRule | RecordingRule): r is AlertRule => 'alert' in r;

const TEMPLATE = /\{\{\s*\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** Parses every expression and checks the rule's shape; names the rule in every error. */
export function checkGroups(groups: readonly RuleGroup[], property: string): void {
  const seen = new Set<string>();
  for (const g of groups) {
    for (const r of g.rules) {
      const id = isAlert(r) ? r.alert : r.record;
      checkPromQL(r.expr, `${property}.${g.name}.${id}`);
      if (!isAlert(r)) continue;
      const key = `${r.alert}/${r.severity}`;
      if (seen.has(key))
        throw new ConfigError(
          `${property}.${g.name}.${r.alert}`,
          `is defined twice with severity ${r.severity}; define each alert once per severity`,
        );
      seen.add(key);
      for (const text of [r.summary, r.description]) {
        if (text.replace(TEMPLATE, '').includes('{{')) {
          throw new ConfigError(
            `${property}.${g.name}.${r.alert}`,
            'annotations may only use {{ $labels.<name> }} templates; remove other template expressions',
          );
        }
      }
    }
  }
}

/** The `spec.groups` of a PrometheusRule (also the content of a promtool rule file). */
export function renderGroups(
  groups: readonly RuleGroup[],
): { name: string; interval?: string; rules: Record<string, unknown>[] }[] {
  return groups.map((g) => ({
    name: g.name,
    ...(g.interval ? { interval: g.interval } : {}),
    rules: g.rules.map((r) =>
      isAlert(r)
        ? {
            alert: r.alert,
            expr: r.expr,
            for: r.for,
            labels: { severity: r.severity },
            annotations: { summary: r.summary, description: r.description, runbook_url: r.runbookUrl },
          }
        : { record: r.record, expr: r.expr, ...(r.labels ? { labels: { ...r.labels } } : {}) },
    ),
  }));
}

function renderTemplate(text: string, labels: Record<string, string>): string {
  return text.replace(TEMPLATE, (_m, name: string) => labels[name] ?? '');
}

/**
 * promtool files for the alerts: one rule file and one test file per alert name, holding only
 * that alert's rules and the recording rules it reads. promtool evaluates every rule of a file
 * at every step of every case, so one shared file would make long cases (a `for: 24h` alert)
 * pay for every other rule.
 */
/**
 * promtool evaluates every rule over each test group's series; cases with the same series (the
 * silent cases of an alert's severities, typically) become one group with all their checks, which
 * promtool verifies one by one as before. Saves a full evaluation per merged case (~0.3 s of
 * promtool for an SLO's burn-rate rules).
 */
function mergeSameSeries(tests: Record<string, unknown>[]): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown> & { alert_rule_test: unknown[] }>();
  for (const t of tests) {
    const key = JSON.stringify([t.interval, t.input_series]);
    const group = groups.get(key);
    if (!group) groups.set(key, { ...t, alert_rule_test: [...(t.alert_rule_test as unknown[])] });
    else {
      group.name = `${group.name} + ${t.name}`;
      for (const check of t.alert_rule_test as unknown[])
        if (!group.alert_rule_test.some((c) => JSON.stringify(c) === JSON.stringify(check)))
          group.alert_rule_test.push(check);
    }
  }
  return [...groups.values()];
}

export function promtoolFiles(groups: readonly RuleGroup[]): {
  files: Record<string, unknown>;
  testFiles: string[];
} {
  const all = groups.flatMap((g) => g.rules);
  const alerts = all.filter(isAlert);
  const files: Record<string, unknown> = {};
  const testFiles: string[] = [];
  for (const name of [...new Set(alerts.map((a) => a.alert))]) {
    const own = alerts.filter((a) => a.alert === name);
    const reads = new Set(own.flatMap((a) => metricNames(a.expr)));
    const sloLabel = own[0].tests.firing.labels?.slo;
    const recording = all.filter(
      (r): r is RecordingRule =>
        !isAlert(r) && reads.has(r.record) && (sloLabel === undefined || r.labels?.slo === sloLabel),
    );
    const ruleFile = `rules-${name}.yaml`;
    files[ruleFile] = { groups: renderGroups([{ name, rules: [...recording, ...own] }]) };
    const tests: Record<string, unknown>[] = [];
    for (const r of own) {
      for (const [kind, c] of Object.entries(r.tests) as ['firing' | 'silent', RuleTestCase][]) {
        const expected =
          kind === 'silent'
            ? []
            : [
                r,
                ...(c.alsoFiring ?? []).map((sev) => {
                  const sibling = own.find((x) => x.severity === sev);
                  if (!sibling)
                    throw new ConfigError(
                      `${r.alert}.tests`,
                      `alsoFiring names severity ${sev}, which this alert does not have; name one of its severities`,
                    );
                  return sibling;
                }),
              ];
        tests.push({
          name: `${r.alert} (${r.severity}) ${kind}`,
          interval: c.interval ?? '1m',
          input_series: c.series.map((x) => ({ series: x.series, values: x.values })),
          alert_rule_test: [
            {
              eval_time: c.evalTime,
              alertname: r.alert,
              exp_alerts: expected.map((e) => {
                const labels = { ...c.labels, severity: e.severity };
                return {
                  exp_labels: labels,
                  exp_annotations: {
                    summary: renderTemplate(e.summary, labels),
                    description: renderTemplate(e.description, labels),
                    runbook_url: e.runbookUrl,
                  },
                };
              }),
            },
          ],
        });
      }
    }
    const testFile = `test-${name}.yaml`;
    // Cases over many hours sample (and evaluate) every 5m instead of every minute.
    const intervals = new Set(
      own.flatMap((r) => [r.tests.firing.interval ?? '1m', r.tests.silent.interval ?? '1m']),
    );
    files[testFile] = {
      rule_files: [ruleFile],
      evaluation_interval: intervals.size === 1 ? [...intervals][0] : '1m',
      tests: mergeSameSeries(tests),
    };
    testFiles.push(testFile);
  }
  return { files, testFiles };
}
