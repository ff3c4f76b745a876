import { createTwoFilesPatch } from 'diff';
import { ConfigError } from './errors';
import {
  EnvironmentBuilder,
  EnvironmentSummarizer,
  NamedEnvironment,
  planChanges,
  renderEnvironment,
  synthesize,
} from './synth';

/** What the command line works on: the app hands in its environments and how to build them. */
export interface CliApp<E extends NamedEnvironment, B> {
  /** `dist/<name>/` for each. */
  readonly environments: readonly E[];
  /** `examples/dist/<name>/` for each, with `--examples`. */
  readonly examples: readonly E[];
  readonly build: EnvironmentBuilder<E, B>;
  readonly summarize: EnvironmentSummarizer<E, B>;
}

/**
 * The environments named on the command line (all of them when none is named). An unknown
 * name is an error that lists the known ones.
 */
export function selectEnvironments<E extends NamedEnvironment>(
  names: readonly string[],
  all: readonly E[],
): E[] {
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const env = all.find((e) => e.name === name);
    if (!env)
      throw new ConfigError(
        'environment',
        `unknown environment '${name}'; known environments: ${all.map((e) => e.name).join(', ')}`,
      );
    return env;
  });
}

/**
 * The command line: `[--examples] [--plan|--diff] [env ...]`. Synthesizes the named environments
 * (all when none is named) into `outdir`, or with `--plan` prints each SUMMARY.md and the files a
 * synth would change, with `--diff` also the unified diff. `--examples` works on the seed
 * examples (examples/, written to examples/dist/) instead of the environments. Returns the exit code.
 */
export function runCli<E extends NamedEnvironment, B>(
  args: readonly string[],
  outdir: string,
  app: CliApp<E, B>,
): number {
  const mode = args.includes('--diff') ? 'diff' : args.includes('--plan') ? 'plan' : 'synth';
  const names = args.filter((a) => !a.startsWith('--'));
  try {
    const envs = selectEnvironments(names, args.includes('--examples') ? app.examples : app.environments);
    if (mode === 'synth') {
      const { changed } = synthesize(envs, app.build, outdir, {
        prune: names.length === 0,
        summarize: app.summarize,
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
    const rendered = envs.map((env) => renderEnvironment(env, app.build, app.summarize));
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
