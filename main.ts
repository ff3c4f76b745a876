import { buildEnvironment } from './charts/environment';
import { summarizeEnvironment } from './charts/summary';
import type { EnvironmentDefinition } from './environments';
import { cdk8sOutput, finishUnderCdk8s } from './lib/cdk8s-cli';
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

// `npm run synth [-- <env> ...]`, `npm run plan`, `npm run diff`, `npm run synth:examples`, `--help`,
// and `cdk8s synth`: the cdk8s CLI passes its output folder in CDK8S_OUTDIR; cdk8s.yaml's own
// (lib/cdk8s-cli.ts) stands for dist/, which is written as `npm run synth` writes it. The
// environments live in environments/, the seed examples in examples/.
const args = process.argv.slice(2);
const cdk8s = cdk8sOutput(process.env.CDK8S_OUTDIR);
const outdir = cdk8s && !cdk8s.scratch ? cdk8s.dir : args.includes('--examples') ? 'examples/dist' : 'dist';
const code = runCli(args, outdir, {
  environments: loadEnvironments,
  examples: loadExamples,
  build: buildEnvironment,
  summarize: summarizeEnvironment,
  allowsTempoDowngrade: (env) => env.allowTempoDowngrade === true,
});
process.exitCode = cdk8s ? finishUnderCdk8s(code, cdk8s, outdir) : code;
