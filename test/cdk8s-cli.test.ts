/**
 * `npx cdk8s synth`, what a cdk8s user types in this repository (cdk8s.yaml exists), keeps the
 * safety promise of `npm run synth`: the real cdk8s CLI of package-lock.json runs, in a folder of
 * its own, with this repository's cdk8s.yaml (only `app:` points at main.ts bundled with a test
 * environment). A failed synth leaves dist/ byte-identical and prints the error line, no stack
 * trace; a successful one writes what `npm run synth` writes. Two CLI runs in all.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { CDK8S_SCRATCH, cdk8sOutput, finishUnderCdk8s } from '../lib/cdk8s-cli';
import { synthesize } from '../lib/synth';
import {
  bundleWith,
  ERROR_LINE,
  hashTree,
  ROOT,
  useDistCopy,
  writeEnvironmentsModule,
} from './helpers/cli-run';

/** The script `npx cdk8s` runs (without npx's second of start-up). */
const CDK8S = join(ROOT, 'node_modules', '.bin', 'cdk8s');

describe('npx cdk8s synth', () => {
  // dist/ as committed here, copied into the folder the CLI runs in.
  const copy = useDistCopy('cdk8s');
  // One environment; QA_RETENTION breaks it.
  const envFile = writeEnvironmentsModule(
    copy.envs,
    `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: TempoStorage.local({ size: Size.gibibytes(5) }), retention: process.env.QA_RETENTION ?? '72h' } }];`,
    'ts',
  );
  const cdk8s = (env: Record<string, string> = {}) => {
    const run = spawnSync(CDK8S, ['synth'], {
      cwd: copy.work,
      encoding: 'utf8',
      // The documented switch of the CLI's upgrade check (cdk8s-cli lib/cli/index.js:
      // option check-upgrade, read from CDK8S_* variables): no request to the npm registry.
      env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false', ...env },
    });
    return {
      code: run.status,
      stdout: run.stdout,
      stderr: run.stderr,
      lines: `${run.stdout}\n${run.stderr}`.split('\n'),
    };
  };

  beforeAll(async () => {
    const bundle = await bundleWith(envFile, join(copy.work, 'app.js'));
    const config = parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8'));
    writeFileSync(join(copy.work, 'cdk8s.yaml'), stringify({ ...config, app: `node ${bundle}` }));
    // A stale scratch folder the CLI deletes first.
    mkdirSync(join(copy.work, CDK8S_SCRATCH), { recursive: true });
    writeFileSync(join(copy.work, CDK8S_SCRATCH, 'stale.yaml'), 'x: 1\n');
  });

  test("cdk8s.yaml's output is the scratch folder that stands for dist/", () => {
    expect(parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8')).output).toBe(CDK8S_SCRATCH);
  });

  test('a failed synth leaves dist/ byte-identical and prints the error line, no stack trace', () => {
    const run = cdk8s({ QA_RETENTION: 'forever' });
    expect(run.code).toBe(1);
    expect(hashTree(copy.out)).toBe(copy.before);
    expect(run.lines.filter((l) => l.startsWith('error:'))).toEqual([expect.stringMatching(ERROR_LINE)]);
    expect(run.stderr).toContain("error: qa.tempo.retention: 'forever' is not a duration;");
    expect(run.stderr).toContain('Nothing was written; dist/ is unchanged.');
    // The CLI's own report is one line: the app exits 0 without creating the scratch folder.
    expect(run.stderr).toContain(`ERROR: synthesis failed, app expected to create "${CDK8S_SCRATCH}"`);
    expect(run.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(run.lines.filter((l) => /new version|http error/i.test(l))).toEqual([]);
    expect(existsSync(join(copy.work, CDK8S_SCRATCH))).toBe(false);
  });

  test('a successful synth writes what `npm run synth` writes, and the CLI lists it', () => {
    const expected = join(copy.work, 'expected');
    cpSync(join(ROOT, 'dist'), expected, { recursive: true });
    synthesize(require(envFile).ENVIRONMENTS, buildEnvironment, expected, {
      prune: true,
      summarize: summarizeEnvironment,
    });
    const run = cdk8s();
    // dist/ held the shipped environments (whatever they are): all but the test's are pruned.
    const removed = readdirSync(join(ROOT, 'dist'))
      .filter((n) => n !== 'qa')
      .sort();
    const was = readdirSync(join(ROOT, 'dist')).includes('qa') ? 'rewritten' : 'added';
    expect(run.stderr).toBe(`synthesized qa into dist/ (${was}: qa; removed: ${removed.join(', ')})\n`);
    expect(run.code).toBe(0);
    expect(hashTree(copy.out)).toBe(hashTree(expected));
    expect(readdirSync(copy.out)).toEqual(['qa']);
    // The scratch folder holds a copy of dist/, which the CLI lists (and would validate).
    expect(hashTree(join(copy.work, CDK8S_SCRATCH))).toBe(hashTree(expected));
    expect(run.stdout).toContain(`  - ${CDK8S_SCRATCH}/qa/tempo/statefulset-tempo.yaml\n`);
  });
});

describe('the app under the cdk8s CLI (lib/cdk8s-cli.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracesynth-cdk8s-out-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('only the CLI sets CDK8S_OUTDIR; its own output folder is the scratch folder', () => {
    expect(cdk8sOutput(undefined)).toBeUndefined();
    expect(cdk8sOutput(CDK8S_SCRATCH)).toEqual({ dir: CDK8S_SCRATCH, scratch: true });
    expect(cdk8sOutput(join(process.cwd(), CDK8S_SCRATCH))?.scratch).toBe(true);
    expect(cdk8sOutput('out')).toEqual({ dir: 'out', scratch: false });
  });

  test('a failure with --output or --stdout: the empty folder goes, so the CLI fails in one line', () => {
    // --output: the CLI deleted the folder before the run.
    expect(finishUnderCdk8s(1, { dir: join(dir, 'out'), scratch: false }, join(dir, 'out'))).toBe(0);
    // --stdout: the CLI made an empty temporary folder.
    const temp = join(dir, 'cdk8s-tmp');
    mkdirSync(temp);
    expect(finishUnderCdk8s(70, { dir: temp, scratch: false }, temp)).toBe(0);
    expect(existsSync(temp)).toBe(false);
    // Something is in it: keep it, and the exit status.
    mkdirSync(temp);
    writeFileSync(join(temp, 'x.yaml'), '');
    expect(finishUnderCdk8s(1, { dir: temp, scratch: false }, temp)).toBe(1);
    expect(readdirSync(temp)).toEqual(['x.yaml']);
  });

  test('a success: the scratch folder becomes a copy of dist/; an --output folder is left as written', () => {
    const dist = join(dir, 'dist');
    mkdirSync(join(dist, 'qa', 'tempo'), { recursive: true });
    writeFileSync(join(dist, 'qa', 'tempo', 'a.yaml'), 'a: 1\n');
    const scratch = join(dir, 'scratch');
    expect(finishUnderCdk8s(0, { dir: scratch, scratch: true }, dist)).toBe(0);
    expect(hashTree(scratch)).toBe(hashTree(dist));
    const out = join(dir, 'out');
    expect(finishUnderCdk8s(0, { dir: out, scratch: false }, out)).toBe(0);
    expect(existsSync(out)).toBe(false);
  });
});
