// `npm pack` / `npm run build:package`: compiles the public entry point (index.ts) and everything it
// imports into build/package/ (CommonJS + .d.ts), from a clean folder so no stale file is packed.
//
// The compile takes ~10 s of CPU, and the package test packs on every `npm test`, so a build is
// reused when none of its inputs changed (scripts/inputs-key.mjs, plus the TypeScript version and
// this script). The key is written beside the output (build/package.inputs) after a successful compile.
import { execFileSync } from 'node:child_process';
import { inputsKey } from './inputs-key.mjs';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

rmSync(OUT, { recursive: true, force: true });
rmSync(KEY_FILE, { force: true });
// --noCheck: emit only. `npm test` type-checks these sources (tsc over the whole project), and the
// package test type-checks a consumer app against the emitted declarations.
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.package.json', '--noCheck'],
  {
    stdio: 'inherit',
  },
);
if (key !== undefined) writeFileSync(KEY_FILE, key);
