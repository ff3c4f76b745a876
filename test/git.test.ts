import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';
import { defaultBase, describeRef, readTreeAt } from '../lib/git';

// lib/git.ts reads the base branch's dist/ for the plan, from a throwaway repository here.

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
let repo: string;
const git = (...args: string[]) => {
  const run = spawnSync('git', args, { cwd: repo, env: ENV, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim();
};
const write = (path: string, text: string) => {
  mkdirSync(join(repo, path, '..'), { recursive: true });
  writeFileSync(join(repo, path), text);
};
const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'tracesynth-git-'));
  git('init', '-q', '-b', 'main');
  write('dist/dev/tempo/a.yaml', 'kind: A\n');
  write('dist/dev/SUMMARY.md', '# dev\n\ntwo\nlines, ünicode\n');
  write('other/x.txt', 'not dist');
  git('add', '.');
  git('commit', '-qm', 'base');
  git('checkout', '-qb', 'feature');
  write('dist/dev/tempo/a.yaml', 'kind: A\nchanged: true\n');
  write('dist/prod/b.yaml', 'kind: B\n');
  git('add', '.');
  git('commit', '-qm', 'change');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

test('readTreeAt returns the files under the folder as committed at the ref, not as in the work tree', () => {
  write('dist/dev/tempo/a.yaml', 'uncommitted\n');
  expect(readTreeAt('main', 'dist', repo)).toEqual(
    new Map([
      ['dev/SUMMARY.md', '# dev\n\ntwo\nlines, ünicode\n'],
      ['dev/tempo/a.yaml', 'kind: A\n'],
    ]),
  );
  expect([...readTreeAt('HEAD', '../dist', join(repo, 'other')).keys()]).toEqual([
    'dev/SUMMARY.md',
    'dev/tempo/a.yaml',
    'prod/b.yaml',
  ]);
  expect(readTreeAt('main', 'examples/dist', repo)).toEqual(new Map());
});

test('the default base is the merge base with main; refs are described with their short SHA', () => {
  expect(defaultBase(repo)).toBe(git('rev-parse', 'main'));
  expect(describeRef('main', repo)).toBe(`main (${git('rev-parse', '--short', 'main')})`);
  const sha = git('rev-parse', 'main');
  expect(describeRef(sha, repo)).toBe(git('rev-parse', '--short', 'main'));
});

test('bad refs are one-line errors', () => {
  expect(message(() => readTreeAt('nope', 'dist', repo))).toBe(
    "plan.base: 'nope' is not a commit of this repository; fetch it (in CI: fetch-depth: 0) or pass another --base",
  );
  git('checkout', '-q', '--orphan', 'lonely');
  git('commit', '-qm', 'unrelated', '--allow-empty');
  git('branch', '-qD', 'main');
  expect(message(() => defaultBase(repo))).toBe(
    'plan.base: no merge base of HEAD with origin/main or main; pass --base <ref> (in CI, fetch the history: fetch-depth: 0)',
  );
  expect(message(() => readTreeAt('HEAD', '../elsewhere', repo))).toBe(
    `plan.base: ../elsewhere/ is not a folder inside the git repository ${git('rev-parse', '--show-toplevel')}; the plan compares with files committed there`,
  );
  expect(message(() => readTreeAt('HEAD', 'dist', tmpdir()))).toMatch(
    /^plan\.base: cannot read HEAD: not inside a git repository \(.*\); run the plan in a clone$/,
  );
});
