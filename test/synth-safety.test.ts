/**
 * Synth under every interleaving: parallel synths with pending changes serialize on the lock;
 * a synth killed anywhere (simulated at every file-system change of its swap and a sample of the
 * writes before, and a real SIGKILL at a random time) is completed or rolled back by the next run, which says so; nothing is left
 * beside dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';
import {
  recoverInterruptedSynth,
  renderEnvironment,
  synthPaths,
  withSynthLock,
  writeRendered,
} from '../lib/synth';
import { hashTree, ROOT } from './helpers/cli-run';

const APP = join(ROOT, 'scripts', 'app.mjs');
const EXPECTED = hashTree(join(ROOT, 'dist'));
/** The kill test works on a small environment (one changed, one removed folder) to stay fast. */
const SMALL: EnvironmentDefinition[] = [
  { name: 'small', collector: false, monitoring: false, grafana: false, gitops: false },
];

const work = mkdtempSync(join(tmpdir(), 'tracesynth-safety-'));
const out = join(work, 'dist');
/** dist/ with changes pending in every environment folder, and a folder of a removed environment. */
function pendingChanges(from = join(ROOT, 'dist'), envs: readonly { name: string }[] = ENVIRONMENTS): void {
  rmSync(out, { recursive: true, force: true });
  for (const env of envs) {
    cpSync(join(from, env.name), join(out, env.name), { recursive: true });
    writeFileSync(join(out, env.name, 'kustomization.yaml'), 'stale\n');
  }
  cpSync(join(from, envs[0].name, 'tempo'), join(out, 'removed-env'), { recursive: true });
}
beforeEach(() => {
  for (const entry of readdirSync(work)) rmSync(join(work, entry), { recursive: true, force: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[] = []) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(process.execPath, [APP, ...args, `--outdir=${out}`], { cwd: work });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });

beforeAll(() => {
  // Build the bundle once, so the parallel runs below do not all start by building it.
  spawnSync(process.execPath, [
    '--input-type=module',
    '-e',
    `await (await import('${join(ROOT, 'scripts', 'build.mjs')}')).ensureBuilt()`,
  ]);
});

test('parallel synths with pending changes serialize and end with a correct dist/', async () => {
  pendingChanges();
  const runs = await Promise.all([1, 2, 3].map(() => run()));
  for (const r of runs) {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }
  // Exactly one of them found the changes; the others found dist/ up to date.
  expect(runs.filter((r) => r.stdout.includes('rewritten:'))).toHaveLength(1);
  expect(hashTree(out)).toBe(EXPECTED);
  expect(readdirSync(work)).toEqual(['dist']);
});

/** A process that has exited: its pid is what a killed synth leaves in the lock file. */
const deadPid = (() => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
})();

describe('a synth killed at each step of writing and swapping', () => {
  const rendered = SMALL.map((env) => renderEnvironment(env, buildEnvironment, summarizeEnvironment));
  // The small environment synthesized once into a folder of its own: what every run must end with.
  const clean = mkdtempSync(join(tmpdir(), 'tracesynth-expected-'));
  writeRendered(rendered, clean, { prune: true });
  const expected = hashTree(clean);
  afterAll(() => rmSync(clean, { recursive: true, force: true }));
  const pending = () => pendingChanges(clean, SMALL);
  const MUTATIONS = ['writeFileSync', 'renameSync', 'rmSync', 'mkdirSync'] as const;
  const real = Object.fromEntries(MUTATIONS.map((name) => [name, fs[name]])) as unknown as Record<
    (typeof MUTATIONS)[number],
    (...a: never[]) => unknown
  >;

  /** Runs a synth whose process "dies" at its `k`-th file-system change: that one and every later one fail. */
  function killedAt(k: number): number {
    let calls = 0;
    const spies = MUTATIONS.map((name) =>
      jest.spyOn(fs, name).mockImplementation(((...args: never[]) => {
        if (++calls >= k) throw new Error('killed');
        return real[name](...args);
      }) as never),
    );
    try {
      withSynthLock(out, () => {
        recoverInterruptedSynth(out);
        writeRendered(rendered, out, { prune: true });
      });
    } catch {
      // the "kill"
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    const { lock } = synthPaths(out);
    if (existsSync(lock)) writeFileSync(lock, `${deadPid}\n`); // the dead process's lock
    return calls;
  }

  pending();
  const total = killedAt(Number.MAX_SAFE_INTEGER);
  // The lock, a sample of the staging writes, and every change of the swap and the clean-up (the
  // last 14: journal, renames, DONE, removals, lock release).
  const points = [...new Set([1, 2, 3, 6, ...Array.from({ length: 14 }, (_, i) => total - i)])].filter(
    (k) => k >= 1 && k <= total,
  );

  test('the unkilled synth makes the file-system changes the points are taken from', () => {
    expect(total).toBeGreaterThan(20);
  });

  test.each(points)('killed at change %i, then a normal synth: correct dist/, no leftovers', (k) => {
    pending();
    killedAt(k);
    const staged = existsSync(synthPaths(out).stage);
    const messages: string[] = [];
    withSynthLock(out, () => {
      const recovered = recoverInterruptedSynth(out);
      if (recovered) messages.push(recovered);
      writeRendered(rendered, out, { prune: true });
    });
    expect(hashTree(out)).toBe(expected);
    expect(readdirSync(work)).toEqual(['dist']);
    // Whatever the kill left beside dist/ is reported by the next run.
    expect(messages).toHaveLength(staged ? 1 : 0);
  });
});

test('a real SIGKILL at a random time, then a normal synth', async () => {
  for (const delay of [200 + Math.floor(Math.random() * 600)]) {
    pendingChanges();
    const child = spawn(process.execPath, [APP, `--outdir=${out}`], { cwd: work, stdio: 'ignore' });
    const closed = new Promise((r) => child.on('close', r));
    await new Promise((r) => setTimeout(r, delay));
    child.kill('SIGKILL');
    await closed;
    const after = await run();
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    expect(hashTree(out)).toBe(EXPECTED);
    expect(readdirSync(work)).toEqual(['dist']);
  }
});
