// `npm pack` / `npm run build:package`: compiles the public entry point (index.ts) and everything it
// imports into build/package/ (CommonJS + .d.ts). The folder holds exactly that build: outputs of
// sources that are no longer part of it are removed, so no stale file is packed.
//
// The compile takes ~10 s of CPU, and the package test packs on every `npm test`, so a build is
// reused when none of its inputs changed (scripts/inputs-key.mjs, plus the TypeScript version and
// this script). The key is written beside the output (build/package.inputs) after a successful compile.
import { execFileSync } from 'node:child_process';
import { inputsKey } from './inputs-key.mjs';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const OUT = 'build/package';
const KEY_FILE = `${OUT}.inputs`;

const key = inputsKey(process.cwd(), [
  require.resolve('typescript/package.json'),
  fileURLToPath(import.meta.url),
]);
if (
  key !== undefined &&
  existsSync(`${OUT}/index.js`) &&
  existsSync(KEY_FILE) &&
  readFileSync(KEY_FILE, 'utf8') === key
)
  process.exit(0);

rmSync(KEY_FILE, { force: true });
const root = process.cwd();
const buildInfo = 'node_modules/.cache/tracesynth/package.tsbuildinfo';

/** Every file the build must have written: a .js and a .d.ts per project source, a copy per JSON. */
function expectedOutputs(listed) {
  return listed
    .split('\n')
    .map((f) => f.trim())
    .filter((f) => f.startsWith(`${root}/`) && !f.includes('/node_modules/') && !f.endsWith('.d.ts'))
    .flatMap((f) => {
      const rel = relative(root, f);
      return rel.endsWith('.json') ? [rel] : [rel.replace(/\.ts$/, '.js'), rel.replace(/\.ts$/, '.d.ts')];
    })
    .map((rel) => join(OUT, rel));
}

/**
 * --noCheck: emit only (`npm test` type-checks these sources, and the package test type-checks a
 * consumer app against the emitted declarations). --incremental: after a change only the changed
 * files and their dependents are emitted again (~4 CPU-seconds against ~10 for a full build).
 */
function compile() {
  const listed = execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      ...['-p', 'tsconfig.package.json', '--noCheck', '--incremental', '--tsBuildInfoFile', buildInfo],
      '--listFiles',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return expectedOutputs(listed);
}

if (!existsSync(OUT)) rmSync(buildInfo, { force: true });
let expected = compile();
// The build info remembers what was emitted, not whether it is still there (build/ removed by
// hand): then build everything again.
if (!expected.every((f) => existsSync(f))) {
  rmSync(buildInfo, { force: true });
  rmSync(OUT, { recursive: true, force: true });
  expected = compile();
}
const keep = new Set(expected);
const prune = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
    } else if (!keep.has(path)) rmSync(path);
  }
};
prune(OUT);
if (key !== undefined) writeFileSync(KEY_FILE, key);
