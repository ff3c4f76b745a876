import { buildEnvironment } from './charts/environment';
import { selectEnvironments } from './environments';
import { ConfigError } from './lib/errors';
import { synthesize } from './lib/synth';

// `npm run synth [-- <env> ...]` / `cdk8s synth`: the environments named on the command line,
// or all of them. `cdk8s synth` passes the output folder in CDK8S_OUTDIR.
const names = process.argv.slice(2);
try {
  const envs = selectEnvironments(names);
  synthesize(envs, buildEnvironment, process.env.CDK8S_OUTDIR ?? 'dist', { prune: names.length === 0 });
  console.log(`synthesized ${envs.map((e) => e.name).join(', ')} into ${process.env.CDK8S_OUTDIR ?? 'dist'}/`);
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`error: ${e.message}\nNothing was written; dist/ is unchanged.`);
  process.exitCode = 1;
}
