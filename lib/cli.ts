import { createTwoFilesPatch } from 'diff';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ENVIRONMENTS, EXAMPLES, selectEnvironments } from '../environments';
import { ConfigError } from './errors';
import { planChanges, renderEnvironment, synthesize } from './synth';

/**
 * The command line: `[--examples] [--plan|--diff] [env ...]`. Synthesizes the named environments
 * (all when none is named) into `outdir`, or with `--plan` prints each SUMMARY.md and the files a
 * synth would change, with `--diff` also the unified diff. `--examples` works on the seed
 * examples (examples/, written to examples/dist/) instead of the environments. Returns the exit code.
 */
export function runCli(args: readonly string[], outdir: string): number {
  const mode = args.includes('--diff') ? 'diff' : args.includes('--plan') ? 'plan' : 'synth';
  const names = args.filter((a) => !a.startsWith('--'));
  try {
    const envs = selectEnvironments(names, args.includes('--examples') ? EXAMPLES : ENVIRONMENTS);
    if (mode === 'synth') {
      const { changed } = synthesize(envs, buildEnvironment, outdir, {
        prune: names.length === 0,
        summarize: summarizeEnvironment,
      });
      const unchanged = envs.map((e) => e.name).filter((n) => !changed.includes(n));
      console.log(
        `synthesized ${envs.map((e) => e.name).join(', ')} into ${outdir}/ (${[
          changed.length ? `rewritten: ${changed.join(', ')}` : '',
          unchanged.length ? `unchanged: ${unchanged.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ')})`,
      );
      return 0;
    }
    const rendered = envs.map((env) => renderEnvironment(env, buildEnvironment, summarizeEnvironment));
    if (mode === 'plan')
      for (const r of rendered) console.log(r.files.find((f) => f.path === 'SUMMARY.md')!.content);
    const changes = planChanges(rendered, outdir, { prune: names.length === 0 });
    console.log(
      changes.length === 0
        ? `No changes: ${outdir}/ is up to date.`
        : `Changes against ${outdir}/ (${changes.length} files):`,
    );
    for (const c of changes) {
      console.log(`  ${c.change.padEnd(8)} ${c.path}`);
      if (mode === 'diff' && c.change !== 'added')
        console.log(createTwoFilesPatch(`a/${c.path}`, `b/${c.path}`, c.before ?? '', c.after ?? ''));
    }
    return 0;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`error: ${e.message}\nNothing was written; ${outdir}/ is unchanged.`);
    return 1;
  }
}
