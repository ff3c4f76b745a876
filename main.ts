import { createTwoFilesPatch } from 'diff';
import { buildEnvironment } from './charts/environment';
import { summarizeEnvironment } from './charts/summary';
import { selectEnvironments } from './environments';
import { ConfigError } from './lib/errors';
import { planChanges, renderEnvironment, synthesize } from './lib/synth';

// `npm run synth [-- <env> ...]` / `cdk8s synth`: the environments named on the command line,
// or all of them. `cdk8s synth` passes the output folder in CDK8S_OUTDIR.
// `--plan` prints each SUMMARY.md and the files a synth would change; `--diff` also prints the
// unified diff. Neither writes anything.
const args = process.argv.slice(2);
const mode = args.includes('--diff') ? 'diff' : args.includes('--plan') ? 'plan' : 'synth';
const names = args.filter((a) => !a.startsWith('--'));
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
try {
  const envs = selectEnvironments(names);
  if (mode === 'synth') {
    synthesize(envs, buildEnvironment, outdir, { prune: names.length === 0, summarize: summarizeEnvironment });
    console.log(`synthesized ${envs.map((e) => e.name).join(', ')} into ${outdir}/`);
  } else {
    const rendered = envs.map((env) => renderEnvironment(env, buildEnvironment, summarizeEnvironment));
    if (mode === 'plan') for (const r of rendered) console.log(r.files.find((f) => f.path === 'SUMMARY.md')!.content);
    const changes = planChanges(rendered, outdir, { prune: names.length === 0 });
    console.log(changes.length === 0 ? `No changes: ${outdir}/ is up to date.` : `Changes against ${outdir}/ (${changes.length} files):`);
    for (const c of changes) {
      console.log(`  ${c.change.padEnd(8)} ${c.path}`);
      if (mode === 'diff' && c.change !== 'added') console.log(createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.before ?? '', c.after ?? ''));
    }
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(`error: ${e.message}\nNothing was written; ${outdir}/ is unchanged.`);
  process.exitCode = 1;
}
