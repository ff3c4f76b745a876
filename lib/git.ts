import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { ConfigError } from './errors';

/** Reads committed trees for the plan: the base branch's dist/ without touching the work tree. */

function git(
  cwd: string,
  args: readonly string[],
  input?: string,
): { ok: boolean; stdout: Buffer; stderr: string } {
  const run = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  return {
    ok: run.status === 0,
    stdout: run.stdout ?? Buffer.alloc(0),
    stderr: run.stderr?.toString().trim() ?? String(run.error ?? ''),
  };
}

/**
 * The ref a plan compares against when none is given: the merge base of HEAD with origin/main
 * (in CI, the point the pull request branched from), else with main.
 */
export function defaultBase(cwd = process.cwd()): string {
  for (const ref of ['origin/main', 'main']) {
    const run = git(cwd, ['merge-base', 'HEAD', ref]);
    if (run.ok) return run.stdout.toString().trim();
  }
  throw new ConfigError(
    'plan.base',
    'no merge base of HEAD with origin/main or main; pass --base <ref> (in CI, fetch the history: fetch-depth: 0)',
  );
}

/** The short name of a commit, for the plan's heading. */
export function describeRef(ref: string, cwd = process.cwd()): string {
  const sha = git(cwd, ['rev-parse', '--short', `${ref}^{commit}`]);
  const short = sha.stdout.toString().trim();
  if (!sha.ok) return ref;
  return ref.startsWith(short) ? short : `${ref} (${short})`;
}

/**
 * Every file under `dir` (a folder of the work tree, e.g. `dist`) as committed at `ref`, by path
 * relative to `dir`. Empty when the folder does not exist at that ref (a first synth).
 */
export function readTreeAt(ref: string, dir: string, cwd = process.cwd()): Map<string, string> {
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok)
    throw new ConfigError(
      'plan.base',
      `cannot read ${ref}: not inside a git repository (${top.stderr}); run the plan in a clone`,
    );
  const prefix = relative(top.stdout.toString().trim(), resolve(cwd, dir)).split('\\').join('/');
  if (prefix === '' || prefix.startsWith('../') || prefix === '..')
    throw new ConfigError(
      'plan.base',
      `${dir}/ is not a folder inside the git repository ${top.stdout.toString().trim()}; the plan compares with files committed there`,
    );
  if (!git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).ok) {
    throw new ConfigError(
      'plan.base',
      `'${ref}' is not a commit of this repository; fetch it (in CI: fetch-depth: 0) or pass another --base`,
    );
  }
  const list = git(cwd, ['ls-tree', '-r', '-z', '--full-tree', '--name-only', ref, '--', prefix]);
  if (!list.ok) throw new ConfigError('plan.base', `cannot list ${prefix}/ at '${ref}': ${list.stderr}`);
  const paths = list.stdout.toString().split('\0').filter(Boolean);
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  // One `git cat-file --batch` for every file: "<sha> blob <size>\n<content>\n" each.
  const batch = git(cwd, ['cat-file', '--batch'], paths.map((p) => `${ref}:${p}\n`).join(''));
  if (!batch.ok) throw new ConfigError('plan.base', `cannot read ${prefix}/ at '${ref}': ${batch.stderr}`);
  let at = 0;
  for (const path of paths) {
    const eol = batch.stdout.indexOf(10, at);
    const size = Number(/ (\d+)$/.exec(batch.stdout.subarray(at, eol).toString())?.[1]);
    out.set(path.slice(prefix.length + 1), batch.stdout.subarray(eol + 1, eol + 1 + size).toString('utf8'));
    at = eol + 1 + size + 1;
  }
  return out;
}
