import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { optionalTool } from './optional-tool';
import { Verdict, VerdictCache } from './verdict-cache';

/**
 * The promtool .ci/run builds (build/bin, Prometheus 3.x: reads native-histogram input series),
 * else the one on PATH (Debian's prometheus package, 2.42: classic series only).
 */
const BUILT = join(__dirname, '..', '..', 'build', 'bin', 'promtool');
export const PROMTOOL = existsSync(BUILT) ? BUILT : 'promtool';

const probe = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
/** Whether promtool runs; when it does not, says so and which tests skip (or fails under REQUIRE_PROMTOOL). */
export const hasPromtool = optionalTool(
  probe.status === 0,
  'REQUIRE_PROMTOOL',
  'promtool',
  "apt-get install prometheus (Debian's promtool), or Prometheus 3.x's promtool in build/bin as .ci/run builds it",
);
const verdicts = new VerdictCache(PROMTOOL, `${probe.stdout}`);

/** Whether this promtool parses native-histogram series (`{{schema:3 count:… buckets:[…]}}`). */
const readsNativeHistograms =
  hasPromtool &&
  (() => {
    const dir = mkdtempSync(join(tmpdir(), 'tracesynth-promtool-'));
    try {
      writeFileSync(join(dir, 'r.yaml'), 'groups: []\n');
      writeFileSync(
        join(dir, 't.yaml'),
        stringify({
          rule_files: ['r.yaml'],
          tests: [
            {
              interval: '1m',
              input_series: [{ series: 'h', values: '{{schema:3 sum:1 count:1 buckets:[1] offset:8}}x2' }],
              promql_expr_test: [
                { expr: 'histogram_count(h)', eval_time: '1m', exp_samples: [{ labels: '{}', value: 1 }] },
              ],
            },
          ],
        }),
      );
      return spawnSync(PROMTOOL, ['test', 'rules', 't.yaml'], { cwd: dir }).status === 0;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
/**
 * The native-histogram unit tests need a promtool that reads native-histogram series (Prometheus
 * 3.x; Debian's 2.42 does not): named when it is missing, like any other tool.
 */
export const promtoolReadsNativeHistograms =
  hasPromtool &&
  optionalTool(
    readsNativeHistograms,
    'REQUIRE_PROMTOOL',
    `a promtool that reads native-histogram test series (${PROMTOOL} cannot)`,
    "build Prometheus 3.x's promtool into build/bin as .ci/run does",
  );

type Files = Record<string, unknown>;

/** Every file's text, as it is written to disk. */
const textsOf = (files: Files): Record<string, string> =>
  Object.fromEntries(
    Object.entries(files).map(([name, c]) => [
      name,
      typeof c === 'string' ? c : stringify(c, { lineWidth: 0 }),
    ]),
  );

/**
 * The files one run reads, by name: those its arguments name and the rule files their tests list
 * (the verdict cache's key; every file when the arguments name none).
 */
function inputsOf(
  args: readonly string[],
  files: Files,
  texts: Record<string, string>,
): Record<string, string> {
  const names = new Set(args.map((a) => a.replace(/^<dir>\//, '')).filter((a) => a in texts));
  for (const name of [...names]) {
    const content = files[name];
    const doc = (
      typeof content === 'string' ? (content.includes('rule_files') ? parse(content) : null) : content
    ) as {
      rule_files?: unknown;
    } | null;
    for (const rules of Array.isArray(doc?.rule_files) ? doc.rule_files : [])
      if (rules in texts) names.add(rules);
  }
  return names.size === 0 ? texts : Object.fromEntries([...names].map((n) => [n, texts[n]!]));
}

/** The verdict cache's key of one run. */
const verdictKey = (args: readonly string[], files: Files, texts: Record<string, string>) =>
  verdicts.key(args, inputsOf(args, files, texts));

/** The files written to a new temporary folder for `use`, which is removed when `use` is done. */
function inFolder<T>(texts: Record<string, string>, use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-promtool-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let result: T;
  try {
    for (const [name, content] of Object.entries(texts)) writeFileSync(join(dir, name), content);
    result = use(dir);
  } catch (error) {
    remove();
    throw error;
  }
  if (result instanceof Promise) return result.finally(remove) as T;
  remove();
  return result;
}

/**
 * Runs promtool on files written to a temporary folder; returns its exit code and output. A run
 * whose binary, arguments and input files passed before is answered from the verdict cache
 * (helpers/verdict-cache.ts).
 */
export function promtool(args: (dir: string) => string[], files: Files): Verdict {
  const texts = textsOf(files);
  const key = verdictKey(args('<dir>'), files, texts);
  const known = verdicts.get(key);
  if (known) return known;
  return inFolder(texts, (dir) => {
    const run = spawnSync(PROMTOOL, args(dir), { cwd: dir, encoding: 'utf8' });
    const verdict = { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
    verdicts.put(key, verdict);
    return verdict;
  });
}

/** Forgets the remembered verdict of one run, if any (for the verdict cache's own tests). */
export function forgetPromtoolVerdict(args: string[], files: Files): void {
  verdicts.forget(verdictKey(args, files, textsOf(files)));
}

/**
 * Runs one promtool invocation per argument list over the same files, three at a time; runs the
 * verdict cache knows are not started.
 */
export async function promtoolParallel(argLists: string[][], files: Files): Promise<Verdict[]> {
  const texts = textsOf(files);
  const keys = argLists.map((args) => verdictKey(args, files, texts));
  const results: (Verdict | undefined)[] = keys.map((key) => {
    const known = verdicts.get(key);
    return known && { ...known, cached: true };
  });
  const pending = results.flatMap((r, i) => (r === undefined ? [i] : []));
  if (pending.length === 0) return results as Verdict[];
  return inFolder(texts, async (dir) => {
    const run = (args: string[]) =>
      new Promise<Verdict>((resolve) => {
        const child = spawn(PROMTOOL, args, { cwd: dir });
        let output = '';
        child.stdout.on('data', (d) => {
          output += d;
        });
        child.stderr.on('data', (d) => {
          output += d;
        });
        child.on('close', (status) => resolve({ status: status ?? 1, output }));
      });
    // A small pool: two cores, and other test files run beside this one.
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const i = pending[next++]!;
        results[i] = await run(argLists[i]!);
        verdicts.put(keys[i]!, results[i]!);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    return results as Verdict[];
  });
}
