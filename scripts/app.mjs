// Fast synth entry point (used by `npm run synth` and cdk8s.yaml's `app:`): bundles main.ts with
// esbuild (no type checking; `npm test` does that) and runs the bundle with plain node.
import { spawnSync } from 'node:child_process';
import { build } from './build.mjs';

const outfile = await build();
const result = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
