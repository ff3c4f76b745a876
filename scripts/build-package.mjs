// `npm pack` / `npm run build:package`: compiles the public entry point (index.ts) and everything it
// imports into build/package/ (CommonJS + .d.ts), from a clean folder so no stale file is packed.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('build/package', { recursive: true, force: true });
// --noCheck: emit only. `npm test` type-checks these sources (tsc over the whole project), and the
// package test type-checks a consumer app against the emitted declarations.
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.package.json', '--noCheck'],
  {
    stdio: 'inherit',
  },
);
