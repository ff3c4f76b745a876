import { buildEnvironment } from './charts/environment';
import { summarizeEnvironment } from './charts/summary';
import type { EnvironmentDefinition } from './environments';
import { runCli } from './lib/cli';

/*
 * The environment files are loaded lazily, inside the CLI's error handling: what they compute at
 * load time (a capacity plan, a factory call) cannot end in a stack trace. esbuild turns these
 * require() calls into lazily run module bodies.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const loadEnvironments = (): readonly EnvironmentDefinition[] => require('./environments').ENVIRONMENTS;
const loadExamples = (): readonly EnvironmentDefinition[] => require('./examples').EXAMPLES;
/* eslint-enable @typescript-eslint/no-require-imports */

// `npm run synth [-- <env> ...]`, `npm run plan`, `npm run diff`, `npm run synth:examples` and
// `cdk8s synth` (which passes the output folder in CDK8S_OUTDIR); `--outdir=<dir>` writes elsewhere. The environments live in
// environments/, the seed examples in examples/.
const args = process.argv.slice(2);
const outdirFlag = args.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length);
process.exitCode = runCli(
  args.filter((a) => !a.startsWith('--outdir=')),
  outdirFlag ?? process.env.CDK8S_OUTDIR ?? (args.includes('--examples') ? 'examples/dist' : 'dist'),
  {
    environments: loadEnvironments,
    examples: loadExamples,
    build: buildEnvironment,
    summarize: summarizeEnvironment,
    allowsTempoDowngrade: (env) => env.allowTempoDowngrade === true,
  },
);
