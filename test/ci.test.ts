import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { IMAGES } from '../lib/versions';
import { optionalTool } from './helpers/optional-tool';
import { workflowViolations } from './helpers/workflow-policy';

// The CI templates a team copies (.github/workflows/, .gitlab-ci.yml) and the Renovate config.

const ROOT = join(__dirname, '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const FIXTURES = join(__dirname, 'fixtures', 'workflows');
const workflowFiles = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');

describe('GitHub workflow policy', () => {
  test('the shipped workflows: the pull-request check and the comment job', () => {
    expect(workflowFiles).toEqual(['plan-comment.yml', 'pull-request.yml']);
  });

  test.each(workflowFiles)('%s keeps every rule', (file) => {
    expect(workflowViolations(file, read(WORKFLOWS, file))).toEqual([]);
  });

  test.each(workflowFiles)('%s: every action pinned by SHA says its version in a comment', (file) => {
    const lines = read(WORKFLOWS, file)
      .split('\n')
      .filter((l) => /^\s*(- )?uses: /.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('the pull-request workflow: read-only, cancels superseded runs, Node from engines, plan to the summary and an artifact', () => {
    const wf = parse(read(WORKFLOWS, 'pull-request.yml'));
    expect(Object.keys(wf.on)).toEqual(['pull_request']);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.concurrency['cancel-in-progress']).toBe(true);
    const steps: any[] = wf.jobs.check.steps;
    expect(steps.find((s) => /setup-node/.test(s.uses)).with['node-version-file']).toBe('package.json');
    expect(steps.find((s) => /checkout/.test(s.uses)).with['persist-credentials']).toBe(false);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    for (const command of [
      'npm ci',
      'npm test',
      'bash scripts/check-dist.sh',
      '--format markdown',
      'GITHUB_STEP_SUMMARY',
    ])
      expect(runs).toContain(command);
  });

  test('the comment workflow: runs on the finished check, writes comments, runs no code of the pull request', () => {
    const wf = parse(read(WORKFLOWS, 'plan-comment.yml'));
    expect(wf.on.workflow_run.workflows).toEqual([parse(read(WORKFLOWS, 'pull-request.yml')).name]);
    expect(wf.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs.comment.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    const steps: any[] = wf.jobs.comment.steps;
    expect(steps.map((s) => s.uses.split('@')[0])).toEqual([
      'actions/download-artifact',
      'actions/github-script',
    ]);
    const script: string = steps[1].with.script;
    expect(script).not.toContain('${{'); // nothing interpolated into the script: inputs come through env
    expect(script).toContain('pr.head.sha !== headSha');
    expect(script).toContain('updateComment');
  });

  test.each([
    [
      'pwn-request.yml',
      [
        "pwn-request.yml: jobs.build.steps[0] checks out the pull request's head in a pull_request_target workflow (its token and secrets can write); build on `pull_request` and comment from a workflow_run job",
        "pwn-request.yml: jobs.build.steps[1] checks out the pull request's head in a pull_request_target workflow (its token and secrets can write); build on `pull_request` and comment from a workflow_run job",
      ],
    ],
    [
      'unpinned.yml',
      [
        'unpinned.yml: jobs.build.steps[0] uses actions/checkout@v7, not pinned to a commit; pin the full 40-character commit SHA with the version in a comment',
        'unpinned.yml: jobs.build.steps[1] uses actions/setup-node@8207627, not pinned to a commit; pin the full 40-character commit SHA with the version in a comment',
      ],
    ],
    [
      'write-at-top.yml',
      [
        'write-at-top.yml: workflow-level permissions grant pull-requests: write; keep `contents: read` at the top and grant writes to the one job that needs them',
        'write-at-top.yml: jobs.build has pull-requests: write and checks out or runs code; keep the write token in a job that only reads artifacts',
      ],
    ],
    [
      'no-permissions.yml',
      [
        'no-permissions.yml: no workflow-level permissions (the default token may be able to write); add `permissions: contents: read`',
        'no-permissions.yml: jobs.build has write-all and checks out or runs code; keep the write token in a job that only reads artifacts',
      ],
    ],
  ])('negative fixture %s fails with exactly these messages', (file, expected) => {
    expect(workflowViolations(file, read(FIXTURES, file))).toEqual(expected);
  });
});

// actionlint (rhysd/actionlint, built by .ci/run into build/bin from the Go module proxy).
const actionlint =
  [process.env.ACTIONLINT, join(ROOT, 'build', 'bin', 'actionlint')].find((p) => p && existsSync(p)) ??
  (spawnSync('actionlint', ['-version']).status === 0 ? 'actionlint' : undefined);
const hasActionlint = optionalTool(
  actionlint !== undefined,
  'REQUIRE_ACTIONLINT',
  'actionlint',
  'GOBIN=$PWD/build/bin go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12',
);

describe('actionlint', () => {
  const lint = (...files: string[]) =>
    spawnSync(actionlint!, ['-no-color', ...files], { cwd: ROOT, encoding: 'utf8' });

  (hasActionlint ? test : test.skip)('the workflows pass', () => {
    const run = lint(...workflowFiles.map((f) => join('.github', 'workflows', f)));
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  (hasActionlint ? test : test.skip)(
    'and it does fail: an untrusted pull-request title expanded into a script',
    () => {
      const run = lint(join('test', 'fixtures', 'workflows', 'injection.yml'));
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/"github\.event\.pull_request\.title" is potentially untrusted/);
    },
  );
});

describe('GitLab CI template', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(read(ROOT, 'schemas', 'gitlab-ci', 'ci.json')));
  const gitlab = parse(read(ROOT, '.gitlab-ci.yml'));

  test('.gitlab-ci.yml is valid against GitLab CI schema (schemas/gitlab-ci/ci.json)', () => {
    expect(validate(gitlab) ? [] : validate.errors).toEqual([]);
  });

  test('and the schema does reject a mistake (a misspelled artifacts key)', () => {
    const broken = structuredClone(gitlab);
    broken.check.artifacts.expires_in = broken.check.artifacts.expire_in;
    expect(validate(broken)).toBe(false);
  });

  test("the check job's Node satisfies package.json engines.node; the note job runs no checkout", () => {
    const engines: string = JSON.parse(read(ROOT, 'package.json')).engines.node;
    const min = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(engines);
    expect(min).not.toBeNull(); // another form of engines.node: teach this test to read it
    const major = Number(/^node:(\d+)/.exec(gitlab.check.image)![1]);
    expect(major).toBeGreaterThanOrEqual(Number(min![1]));
    expect(gitlab['plan-note'].variables.GIT_STRATEGY).toBe('none');
    expect(gitlab.check.script.join('\n')).toContain('bash scripts/check-dist.sh');
  });
});

describe('Renovate', () => {
  const config = JSON.parse(read(ROOT, 'renovate.json'));
  const manager = config.customManagers[0];
  const versions = read(ROOT, 'lib', 'versions.ts');

  test('the custom manager finds every image of lib/versions.ts, with its repository and tag', () => {
    expect(manager.managerFilePatterns).toEqual(['/^lib/versions\\.ts$/']);
    const found = [...versions.matchAll(new RegExp(manager.matchStrings[0], 'g'))].map(
      (m) => `${m.groups!.depName}:${m.groups!.currentValue}`,
    );
    expect(found.sort()).toEqual(
      Object.values(IMAGES)
        .map((i) => `${i.repository}:${i.tag}`)
        .sort(),
    );
  });

  test('every image is in exactly one per-component group', () => {
    const matches = (pattern: string, name: string) =>
      pattern.startsWith('/') ? new RegExp(pattern.slice(1, -1)).test(name) : pattern === name;
    for (const image of Object.values(IMAGES)) {
      const groups = config.packageRules.filter(
        (r: any) => r.groupName && r.matchDepNames?.some((p: string) => matches(p, image.repository)),
      );
      expect([image.repository, groups.length]).toEqual([image.repository, 1]);
    }
  });

  // Renovate's own schema ships in its npm package (AGPL-3.0, ~13 MB with 120+ dependencies), so
  // it is neither a devDependency nor vendored: .ci/run extracts renovate-schema.json from the
  // package tarball into build/.
  const schemaFile = join(ROOT, 'build', 'renovate-schema.json');
  const hasSchema = optionalTool(
    existsSync(schemaFile),
    'REQUIRE_RENOVATE_SCHEMA',
    'build/renovate-schema.json',
    '.ci/run extracts it from the renovate npm package',
  );

  (hasSchema ? test : test.skip)(
    "renovate.json is valid against Renovate's schema, and uses only options it knows",
    () => {
      const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
      const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
      expect(validate(config) ? [] : validate.errors).toEqual([]);
      // The schema leaves unknown options open; close them here so a misspelled option fails.
      const known = new Set(['$schema', ...Object.keys(schema.properties)]);
      const itemKeys = (d: string) =>
        new Set<string>(
          schema.definitions[d].items.allOf.flatMap((x: any) => Object.keys(x.properties ?? {})),
        );
      expect(Object.keys(config).filter((k) => !known.has(k))).toEqual([]);
      expect(
        config.customManagers.flatMap(Object.keys).filter((k: string) => !itemKeys('customManagers').has(k)),
      ).toEqual([]);
      expect(
        config.packageRules
          .flatMap(Object.keys)
          .filter((k: string) => !itemKeys('packageRules').has(k) && !known.has(k)),
      ).toEqual([]);
      // And it does reject a mistake.
      expect(validate({ ...config, customManagers: [{ ...manager, customType: 'regexp' }] })).toBe(false);
    },
  );
});
