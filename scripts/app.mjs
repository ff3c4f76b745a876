// Fast synth entry point (`npm run synth` and cdk8s.yaml's `app:`): makes sure the esbuild bundle
// of main.ts is up to date, then runs it in this same process (argv is passed through).
import { createRequire } from 'node:module';
import { ensureBuilt } from './build.mjs';

createRequire(import.meta.url)(await ensureBuilt());
