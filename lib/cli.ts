import { createTwoFilesPatch } from 'diff';
import { ConfigError } from './errors';
import { defaultBase, describeRef, readTreeAt } from './git';
import { formatPlanMarkdown, formatPlanText, planDist } from './plan';
import {
  EnvironmentBuilder,
  EnvironmentSummarizer,
  NamedEnvironment,
  planChanges,
  RenderedEnvironment,
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

/** Options that take a value (`--base main` or `--base=main`); everything else not `--` is a name. */
const VALUE_OPTIONS = ['--base', '--format'] as const;

function parseArgs(args: readonly string[]): {
  flags: string[];
  names: string[];
  options: Map<string, string>;
} {
  const flags: string[] = [];
  const names: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if ((VALUE_OPTIONS as readonly string[]).includes(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '')
        throw new ConfigError(`plan.${flag.slice(2)}`, `needs a value; e.g. ${flag} main`);
      options.set(flag.slice(2), value);
    } else if (args[i].startsWith('--')) flags.push(args[i]);
    else names.push(args[i]);
  }
  return { flags, names, options };
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
 * The command line: `[--examples] [--plan [--base <ref>] [--format text|markdown] | --diff] [env ...]`.
 * Synthesizes the named environments (all when none is named) into `outdir`; with `--plan` prints
 * what the change does against `outdir` as committed at the base ref (default: the merge base with
 * origin/main or main; docs/ci.md), writing nothing; with `--diff` the files a synth would change
 * in `outdir` and their unified diff. `--examples` works on the seed examples (examples/, written
 * to examples/dist/) instead of the environments. Returns the exit code.
 */
export function runCli<E extends NamedEnvironment, B>(
  args: readonly string[],
  outdir: string,
  app: CliApp<E, B>,
): number {
  try {
    const { flags, names, options } = parseArgs(args);
    const mode = flags.includes('--diff') ? 'diff' : flags.includes('--plan') ? 'plan' : 'synth';
    const envs = selectEnvironments(names, flags.includes('--examples') ? app.examples : app.environments);
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
    if (mode === 'plan') {
      printPlan(rendered, outdir, names, options);
      return 0;
    }
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

/** `--plan`: the rendered environments against `outdir` at the base ref (lib/plan.ts). */
function printPlan(
  rendered: readonly RenderedEnvironment[],
  outdir: string,
  names: readonly string[],
  options: ReadonlyMap<string, string>,
): void {
  const format = options.get('format') ?? 'text';
  if (format !== 'text' && format !== 'markdown')
    throw new ConfigError('plan.format', `'${format}' is not a plan format; use text or markdown`);
  const base = options.get('base') ?? defaultBase();
  const committed = readTreeAt(base, outdir);
  // Only the named environments, when some are named; all of them (new and removed) otherwise.
  const before = new Map(
    [...committed].filter(([path]) => names.length === 0 || names.includes(path.split('/')[0])),
  );
  const after = new Map(
    rendered.flatMap((r) => r.files.map((f) => [`${r.name}/${f.path}`, f.content] as const)),
  );
  const plans = planDist(before, after);
  const label = describeRef(base);
  console.log(
    format === 'markdown' ? formatPlanMarkdown(plans, label) : formatPlanText(plans, label).join('\n'),
  );
}
