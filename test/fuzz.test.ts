/**
 * Fuzz through the CLI's entry point (runCli, as main.ts calls it, environments loaded inside its
 * error boundary): random environments (the property test's generator) with one random mutation
 * each (a wrong type, null, NaN, an extra or misspelt key, a plain object where a factory value
 * belongs, a removed key) either synthesize (`--diff` against an empty folder: rendered, nothing written) or fail with
 * exactly one `error: <env>.<path>: …; …` line, never a stack trace or an internal error.
 */
import { fc, test } from '@fast-check/jest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { EnvironmentDefinition } from '../environments/types';
import { runCli } from '../lib/cli';
import { environment } from './helpers/arbitraries';
import { captureConsole, ERROR_LINE, unwritableErrorPaths } from './helpers/cli-run';

// 400 cases per `npm test` (fast-check draws new ones each run); CI runs 1,000 (.ci/run sets FUZZ_RUNS).
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

const WRONG: readonly unknown[] = [
  null,
  NaN,
  Infinity,
  -1,
  0,
  1.5,
  2 ** 40,
  '',
  'x',
  'Bad Value!',
  true,
  false,
  [],
  [1, 'a'],
  {},
  { bogus: 1 },
  () => 1,
  new Date(0),
  CollectorSampling.keepAll(),
  TempoStorage.local(),
  { backend: 'local' },
  { mode: 'tail' },
];

type Mutation = { readonly at: number; readonly kind: number; readonly value: number; readonly key: string };

const isPlain = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/** Applies one mutation to a copy of `env` (plain objects are copied; factory values are shared). */
function mutate(env: EnvironmentDefinition, m: Mutation): unknown {
  const copy = (v: unknown): unknown =>
    isPlain(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) : v;
  const root = copy(env) as Record<string, unknown>;
  const objects: Record<string, unknown>[] = [];
  const collect = (o: Record<string, unknown>) => {
    objects.push(o);
    for (const v of Object.values(o)) if (isPlain(v)) collect(v);
  };
  collect(root);
  const target = objects[m.at % objects.length];
  const keys = Object.keys(target).filter((k) => !(target === root && k === 'name'));
  const wrong = WRONG[m.value % WRONG.length];
  switch (m.kind % 4) {
    case 0: // an extra key (also catches misspellings: a random name is never a known one)
      target[`x${m.key}`] = wrong;
      break;
    case 1: // a misspelt existing key
      if (keys.length) {
        const k = keys[m.value % keys.length];
        target[`${k}${m.key.slice(0, 1) || 's'}`] = target[k];
        delete target[k];
      }
      break;
    case 2: // a removed key
      if (keys.length) delete target[keys[m.value % keys.length]];
      break;
    default: // a wrong value
      if (keys.length) target[keys[m.value % keys.length]] = wrong;
  }
  return root;
}

let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'tracesynth-fuzz-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const outcomes = { synthesized: 0, refused: 0 };

test.prop(
  [
    environment,
    fc.option(
      fc.record({
        at: fc.nat(),
        kind: fc.nat(),
        value: fc.nat(),
        key: fc.stringMatching(/^[a-z]{0,6}$/),
      }),
      { freq: 12, nil: undefined },
    ),
  ],
  { numRuns: RUNS },
)(
  'a random environment synthesizes or fails with one error line per problem, never anything else',
  (make, m) => {
    const env = m === undefined ? make() : mutate(make(), m);
    const {
      result: code,
      stdout,
      stderr,
    } = captureConsole(() =>
      runCli(['--diff'], join(work, 'dist'), {
        environments: () => [env as EnvironmentDefinition],
        examples: () => [],
        build: buildEnvironment,
        summarize: summarizeEnvironment,
      }),
    );
    const lines = [...stdout, ...stderr].flatMap((l) => l.split('\n'));
    expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    // Against an empty folder every file is a difference: `--diff` exits 1, with nothing on stderr.
    if (stderr.length === 0) {
      outcomes.synthesized++;
      expect(code).toBe(1);
      expect(stdout[0]).toMatch(/^Changes against .*dist\/ \(\d+ files\):$/);
    } else {
      outcomes.refused++;
      // Every independent problem, one line each, each naming a property the user can write.
      const errors = lines.filter((l) => l.startsWith('error:'));
      expect(code).toBe(1);
      expect(errors.length).toBeGreaterThan(0);
      for (const e of errors) expect(e).toMatch(ERROR_LINE);
      expect(unwritableErrorPaths(errors, [(env as { name: string }).name])).toEqual([]);
    }
  },
);

afterAll(() => {
  if (process.env.FUZZ_STATS) console.log(outcomes);
  // Both outcomes must be exercised, or the generator is not testing what it claims.
  if (RUNS >= 100) {
    expect(outcomes.synthesized).toBeGreaterThan(RUNS / 50);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 4);
  }
});
