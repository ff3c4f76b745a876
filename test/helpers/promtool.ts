import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The promtool .ci/run builds (build/bin, Prometheus 3.x: reads native-histogram input series),
 * else the one on PATH (Debian's prometheus package, 2.42: classic series only).
 */
const BUILT = join(__dirname, '..', '..', 'build', 'bin', 'promtool');
export const PROMTOOL = existsSync(BUILT) ? BUILT : 'promtool';

export const hasPromtool = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPromtool && process.env.REQUIRE_PROMTOOL)
  throw new Error(
    'promtool is required (REQUIRE_PROMTOOL is set) but not on PATH: apt-get install prometheus',
  );

/** Whether this promtool parses native-histogram series (`{{schema:3 count:… buckets:[…]}}`). */
export const promtoolReadsNativeHistograms =
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
if (hasPromtool && !promtoolReadsNativeHistograms && process.env.REQUIRE_PROMTOOL)
  throw new Error(
    `${PROMTOOL} cannot read native-histogram test series (REQUIRE_PROMTOOL is set): build Prometheus 3.x's promtool into build/bin as .ci/run does`,
  );

/** Runs promtool on files written to a temporary folder; returns its exit code and output. */
export function promtool(
  args: (dir: string) => string[],
  files: Record<string, unknown>,
): { status: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-promtool-'));
  try {
    for (const [name, content] of Object.entries(files))
      writeFileSync(
        join(dir, name),
        typeof content === 'string' ? content : stringify(content, { lineWidth: 0 }),
      );
    const run = spawnSync(PROMTOOL, args(dir), { cwd: dir, encoding: 'utf8' });
    return { status: run.status ?? 1, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one promtool invocation per argument list, all in parallel, over the same files. */
export async function promtoolParallel(
  argLists: string[][],
  files: Record<string, unknown>,
): Promise<{ status: number; output: string }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-promtool-'));
  try {
    for (const [name, content] of Object.entries(files))
      writeFileSync(
        join(dir, name),
        typeof content === 'string' ? content : stringify(content, { lineWidth: 0 }),
      );
    const run = (args: string[]) =>
      new Promise<{ status: number; output: string }>((resolve) => {
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
    const results: { status: number; output: string }[] = new Array(argLists.length);
    let next = 0;
    const worker = async () => {
      while (next < argLists.length) {
        const i = next++;
        results[i] = await run(argLists[i]);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
