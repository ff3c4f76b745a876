import { runCli } from './lib/cli';

// `npm run synth [-- <env> ...]`, `npm run plan`, `npm run diff` and `cdk8s synth` (which passes
// the output folder in CDK8S_OUTDIR). The environments live in environments/.
process.exitCode = runCli(process.argv.slice(2), process.env.CDK8S_OUTDIR ?? 'dist');
