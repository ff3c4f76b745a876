import { buildEnvironment } from './charts/environment';
import { summarizeEnvironment } from './charts/summary';
import { ENVIRONMENTS } from './environments';
import { EXAMPLES } from './examples';
import { runCli } from './lib/cli';

// `npm run synth [-- <env> ...]`, `npm run plan`, `npm run diff`, `npm run synth:examples` and
// `cdk8s synth` (which passes the output folder in CDK8S_OUTDIR). The environments live in
// environments/, the seed examples in examples/.
const args = process.argv.slice(2);
process.exitCode = runCli(
  args,
  process.env.CDK8S_OUTDIR ?? (args.includes('--examples') ? 'examples/dist' : 'dist'),
  {
    environments: ENVIRONMENTS,
    examples: EXAMPLES,
    build: buildEnvironment,
    summarize: summarizeEnvironment,
  },
);
