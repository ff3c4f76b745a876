/**
 * The command line's own behaviour, on environments written here (never the shipped ones):
 * `--help`, options it does not know, `--diff`'s exit status, how a synth reports what it did to
 * each environment folder, the file headers, and the GitOps objects of an environment that does
 * or does not name its repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, Size } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { GitOps } from '../constructs/platform/gitops';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { EnvironmentDefinition } from '../environments/types';
import { EXIT_DIFFERENCES, runCli, usage } from '../lib/cli';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { captureConsole, ERROR_LINE, hashTree, ROOT } from './helpers/cli-run';

/** A small environment (no collector, monitoring or Grafana): quick to render. */
const small = (name: string, extra: Partial<EnvironmentDefinition> = {}): EnvironmentDefinition => ({
  name,
  collector: false,
  monitoring: false,
  grafana: false,
  tempo: { storage: TempoStorage.local({ size: Size.gibibytes(5) }) },
  ...extra,
});

let work: string;
let out: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'tracesynth-cli-'));
  out = join(work, 'dist');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** runCli in process on these environments; what it printed, by stream. */
function cli(args: readonly string[], envs: readonly EnvironmentDefinition[] | (() => never)) {
  const { result, stdout, stderr } = captureConsole(() =>
    runCli(args, out, {
      environments: envs,
      examples: [],
      build: buildEnvironment,
      summarize: summarizeEnvironment,
    }),
  );
  return { code: result, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}
const untouched = () => {
  throw new Error('the environments were loaded');
};

describe('--help', () => {
  test.each([['--help'], ['-h'], ['qa', '--plan', '--help']])(
    '%s prints the usage, exits 0, and neither loads nor writes anything',
    (...args) => {
      const run = cli(args, untouched);
      expect(run).toEqual({ code: 0, stdout: usage('npm run synth --', out), stderr: '' });
      expect(run.stdout).toMatch(/^Usage: npm run synth -- \[environment \.\.\.\] \[options\]\n/);
      for (const option of [
        '--plan',
        '--base <ref>',
        '--format <f>',
        '--diff',
        '--examples',
        '--outdir <dir>',
      ])
        expect(run.stdout).toContain(` ${option} `);
      expect(existsSync(out)).toBe(false);
    },
  );

  test('`npm run synth -- --help` (scripts/app.mjs, a child process) prints it and synthesizes nothing', () => {
    const before = hashTree(join(ROOT, 'dist'));
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.mjs'), '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${usage('npm run synth --', 'dist')}\n`);
    expect(hashTree(join(ROOT, 'dist'))).toBe(before);
  });
});

describe('options it does not know are an error line, not ignored', () => {
  test.each([
    [
      ['--frobnicate'],
      "arguments: unknown option '--frobnicate'; known options: --plan, --diff, --examples, --help, --base, --format, --outdir (--help explains them)",
    ],
    [
      ['qa', '-x'],
      "arguments: unknown option '-x'; known options: --plan, --diff, --examples, --help, --base, --format, --outdir (--help explains them)",
    ],
    [['--plan=yes'], "arguments: --plan takes no value (got '--plan=yes'); give --plan alone"],
    [['--plan', '--diff'], 'arguments: --plan and --diff are two different reports; give one of them'],
    [['--format', 'markdown'], 'plan.format: --format only applies to --plan; add --plan or remove --format'],
    [['--base=main', 'qa'], 'plan.base: --base only applies to --plan; add --plan or remove --base'],
    [['--plan', '--base', '--diff'], 'plan.base: needs a value; e.g. --base main'],
    [['--outdir'], 'outdir: needs a value; e.g. --outdir out'],
  ])('%j', (args, message) => {
    const run = cli(args, untouched);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `error: ${message}`,
      `Nothing was written; ${out}/ is unchanged.`,
    ]);
    expect(`error: ${message}`).toMatch(ERROR_LINE);
    expect(existsSync(out)).toBe(false);
  });

  test('--outdir <dir> and --outdir=<dir> write there', () => {
    const other = join(work, 'other');
    expect(cli(['--outdir', other], [small('qa')]).code).toBe(0);
    expect(cli([`--outdir=${join(work, 'third')}`], [small('qa')]).code).toBe(0);
    expect(readdirSync(work).sort()).toEqual(['other', 'third']);
  });
});

describe('a synth says what it did to each environment folder', () => {
  test('added, rewritten, unchanged and removed', () => {
    expect(cli([], [small('qa'), small('qb')]).stdout).toBe(
      `synthesized qa, qb into ${out}/ (added: qa, qb)`,
    );
    expect(cli([], [small('qa'), small('qb')]).stdout).toBe(
      `synthesized qa, qb into ${out}/ (unchanged: qa, qb)`,
    );
    const changed = small('qa', { tempo: { storage: TempoStorage.local({ size: Size.gibibytes(6) }) } });
    expect(cli([], [changed, small('qc')]).stdout).toBe(
      `synthesized qa, qc into ${out}/ (added: qc; rewritten: qa; removed: qb)`,
    );
    expect(readdirSync(out).sort()).toEqual(['qa', 'qc']);
    // Named environments: the others are neither written nor removed.
    expect(cli(['qb'], [small('qa'), small('qb')]).stdout).toBe(`synthesized qb into ${out}/ (added: qb)`);
    expect(readdirSync(out).sort()).toEqual(['qa', 'qb', 'qc']);
  });
});

describe('--diff exits like `git diff --exit-code`', () => {
  test('1 with differences, 0 without; it writes nothing', () => {
    const differences = cli(['--diff'], [small('qa')]);
    expect(differences.code).toBe(EXIT_DIFFERENCES);
    expect(EXIT_DIFFERENCES).toBe(1);
    expect(differences.stderr).toBe('');
    expect(differences.stdout).toMatch(
      new RegExp(`^Changes against ${out}/ \\(\\d+ files\\):\\n  added    qa/`),
    );
    expect(existsSync(out)).toBe(false);
    expect(cli([], [small('qa')]).code).toBe(0);
    const file = join(out, 'qa', 'kustomization.yaml');
    const committed = readFileSync(file, 'utf8');
    expect(cli(['--diff'], [small('qa')])).toEqual({
      code: 0,
      stdout: `No changes: ${out}/ is up to date.`,
      stderr: '',
    });
    writeFileSync(file, `${committed}# edited\n`);
    const edited = cli(['--diff', 'qa'], [small('qa')]);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('-# edited');
    expect(readFileSync(file, 'utf8')).toBe(`${committed}# edited\n`);
  });
});

describe('file headers name what the user wrote, not this repository’s scripts', () => {
  const firstLine = (env: EnvironmentDefinition) =>
    renderEnvironment(env, buildEnvironment, summarizeEnvironment).files.map((f) => f.content.split('\n')[0]);

  test('the file the environment names, else the environment', () => {
    expect(new Set(firstLine(small('qa', { source: 'deploy/tracing.ts' })).slice(0, -1))).toEqual(
      new Set([
        '# Generated by tracesynth from deploy/tracing.ts. Do not edit: change that file and synthesize again.',
      ]),
    );
    expect(new Set(firstLine(small('qa')).slice(0, -1))).toEqual(
      new Set([
        "# Generated by tracesynth from the environment 'qa'. Do not edit: change its definition and synthesize again.",
      ]),
    );
    const summary = renderEnvironment(small('qa'), buildEnvironment, summarizeEnvironment).files.at(-1)!;
    expect(summary.path).toBe('SUMMARY.md');
    expect(summary.content).toContain('Generated from the environment `qa`; review this file');
  });

  test('the file an environment of this repository names exists (environments/index.ts)', () => {
    const { ENVIRONMENTS } = require('../environments');
    // `source` is optional and may point anywhere in the repository: only a set one is checked.
    for (const env of ENVIRONMENTS as EnvironmentDefinition[])
      if (env.source !== undefined)
        expect([env.source, existsSync(join(ROOT, env.source))]).toEqual([env.source, true]);
  });
});

describe('SUMMARY.md names the tenants of a multi-tenant Tempo', () => {
  test('who writes which tenant, and which tenants have overrides', () => {
    const env: EnvironmentDefinition = {
      name: 'qa',
      monitoring: false,
      grafana: false,
      tempo: {
        storage: TempoStorage.local({ size: Size.gibibytes(5) }),
        multitenancy: true,
        tenants: { archive: { retention: '720h' }, 'team-a': { retention: '48h' } },
      },
      collector: {
        tenant: 'platform',
        gateway: {
          namespaceTenants: [{ tenant: 'team-a', namespaces: ['shop', 'checkout'] }],
          sampledTenant: { tenant: 'archive', percentage: 5 },
        },
      },
    };
    const summary = renderEnvironment(env, buildEnvironment, summarizeEnvironment).files.at(-1)!.content;
    expect(summary).toContain(
      "- **Multi-tenancy**: on; tenants written: `platform` (the collector's tenant: spans of every other namespace), `team-a` (spans of namespaces `shop`, `checkout`), `archive` (a 5 % sample of all traces); tenants with overrides: `archive`, `team-a`\n",
    );
    const alone = renderEnvironment(
      { ...env, collector: false, tempo: { ...env.tempo, tenants: {} } },
      buildEnvironment,
      summarizeEnvironment,
    ).files.at(-1)!.content;
    expect(alone).toContain(
      '- **Multi-tenancy**: on; tenants written: none by this stack (senders set X-Scope-OrgID themselves); tenants with overrides: none (every tenant gets the defaults)\n',
    );
  });
});

describe('GitOps objects only for an environment that names its repository', () => {
  const gitopsFiles = (env: EnvironmentDefinition) =>
    renderEnvironment(env, buildEnvironment)
      .files.map((f) => f.path)
      .filter((p) => p.startsWith('gitops/'));

  test('no gitops: no objects; gitops.repoURL: Argo CD and Flux objects for it; gitops: false: none', () => {
    expect(gitopsFiles(small('qa'))).toEqual([]);
    expect(gitopsFiles(small('qa', { gitops: false }))).toEqual([]);
    const repoURL = 'https://git.example.com/platform/tracing.git';
    const rendered = renderEnvironment(small('qa', { gitops: { repoURL } }), buildEnvironment);
    const files = rendered.files.filter((f) => f.path.startsWith('gitops/'));
    expect(files.map((f) => f.path).sort()).toEqual([
      'gitops/application-tracing-qa.yaml',
      'gitops/gitrepository-tracing-qa.yaml',
      'gitops/kustomization-tracing-qa.yaml',
    ]);
    for (const f of files.filter((x) => !x.path.includes('kustomization-')))
      expect(f.content).toContain(repoURL);
    expect(files.map((f) => f.content).join('')).not.toContain('tracesynth/tracesynth');
  });

  test('GitOps options without repoURL: one line naming the fix', () => {
    // In an environment the type says so (TypeScript refuses it; the schema check, JavaScript).
    expectError(
      () => renderEnvironment(small('qa', { gitops: { argocd: {} } as never }), buildEnvironment),
      'qa.gitops.repoURL: is missing; it is required (a string)',
    );
    // The construct itself, used without the environment's checks.
    expectError(
      () => new GitOps(new Chart(new App(), 'c'), 'g', { environment: 'qa' } as never),
      "gitops.repoURL: is not set: Argo CD and Flux need the repository this dist/ is committed to; give gitops: { repoURL: 'https://github.com/acme/platform.git' }, or leave gitops out for no GitOps objects",
    );
  });
});
