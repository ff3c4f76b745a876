// A key of the project's sources, for build steps whose output depends on nothing else: every
// TypeScript and JSON file git knows of or would add (tracked and untracked, outside dist/ and
// test/), plus the extra files given (the tool's package.json, the script itself). Undefined
// outside a git checkout, where callers always rebuild.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export function inputsKey(cwd, extra) {
  let listed;
  try {
    listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  const files = listed
    .split('\0')
    .filter((f) => /\.(ts|json)$/.test(f) && !/^(dist|examples\/dist|test)\//.test(f))
    .map((f) => `${cwd}/${f}`)
    .filter((f) => existsSync(f))
    .sort();
  for (const f of [...files, ...extra])
    hash
      .update(`${f.slice(cwd.length)}\0`)
      .update(readFileSync(f))
      .update('\0');
  return hash.digest('hex');
}
