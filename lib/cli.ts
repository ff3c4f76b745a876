import { createTwoFilesPatch } from 'diff';
import { ConfigError, show } from './errors';
import { userLocation } from './user-code';
import { defaultBase, describeRef, readTreeAt } from './git';
import { formatPlanMarkdown, formatPlanText, planDist } from './plan';
import { checkDnsLabel } from './validate';
import {
  EnvironmentBuilder,
  EnvironmentSummarizer,
  NamedEnvironment,
  planChanges,
  RenderedEnvironment,
  renderEnvironments,
  synthesize,
} from './synth';

/**
 * What the command line works on: the app hands in how to load its environments and how to
 * build them. The loaders run inside the CLI's error handling: environment files are evaluated
 * there, so nothing they do can end in a stack trace.
 */
export interface CliApp<E extends NamedEnvironment, B> {
  /** `dist/<name>/` for each: the list, or a function that loads it (called inside the error handling). */
  readonly environments: readonly E[] | (() => readonly E[]);
  /** `examples/dist/<name>/` for each, with `--examples`. */
  readonly examples: readonly E[] | (() => readonly E[]);
  readonly build: EnvironmentBuilder<E, B>;
  readonly summarize: EnvironmentSummarizer<E, B>;
  /**
   * Whether the plan accepts a Tempo major-version downgrade of this environment (refused,
   * EXIT_REFUSED, otherwise: lib/plan.ts).
   * @default - never
   */
  readonly allowsTempoDowngrade?: (env: E) => boolean;
}

/**
 * Exit code of a plan that is complete (printed in full) but refuses a change (a Tempo downgrade
 * the environment does not allow): CI publishes the plan, then fails the check.
 */
export const EXIT_REFUSED = 3;

/** Exit code of a synth that failed on something other than bad input: a bug (EX_SOFTWARE). */
export const EXIT_BUG = 70;

/**
 * Loads the environment list and checks what the synth relies on before anything else: a list
 * of objects, each with a DNS-1123 `name`, no name twice (two folders would be merged into one).
 */
export function loadEnvironments<E extends NamedEnvironment>(
  load: readonly E[] | (() => readonly E[]),
  list: string,
): E[] {
  let all: unknown;
  try {
    all = typeof load === 'function' ? load() : load;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // The user's file threw while it loaded: name the file and line, not this app.
    const where = userLocation(e);
    const what = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : show(e);
    throw new ConfigError(
      where ?? 'environments',
      where
        ? `${what} while the environment files loaded; fix that line (\`npm run typecheck\` points at type errors)`
        : `loading the environment files failed with ${what}; fix that file (\`npm run typecheck\` points at type errors)`,
    );
  }
  if (!Array.isArray(all))
    throw new ConfigError(
      'environments',
      `${list} is ${show(all)}, not a list; export a list of environments`,
    );
  const seen = new Map<string, number>();
  all.forEach((env: unknown, i: number) => {
    const where = `${list}[${i}]`;
    if (env === null || typeof env !== 'object' || Array.isArray(env))
      throw new ConfigError(where, `${show(env)} is not an environment; give defineEnvironment({ name: … })`);
    const name = (env as { name?: unknown }).name;
    if (typeof name !== 'string')
      throw new ConfigError(
        `${where}.name`,
        `${show(name)} is not a name; give a DNS-1123 label such as 'qa'`,
      );
    checkDnsLabel(name, `${where}.name`);
    const first = seen.get(name);
    if (first !== undefined)
      throw new ConfigError(
        `${name}.name`,
        `'${name}' is the name of ${list}[${first}] and ${where}; give each environment its own name (it is its folder)`,
      );
    seen.set(name, i);
  });
  return all as E[];
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
  const examples = args.includes('--examples');
  // cdk8s synth deletes its output folder before it runs the app, and passes it in CDK8S_OUTDIR.
  const viaCdk8sCli = process.env.CDK8S_OUTDIR !== undefined;
  let recovered: string | undefined;
  try {
    const { flags, names, options } = parseArgs(args);
    const mode = flags.includes('--diff') ? 'diff' : flags.includes('--plan') ? 'plan' : 'synth';
    const all = loadEnvironments(
      examples ? app.examples : app.environments,
      examples ? 'EXAMPLES' : 'ENVIRONMENTS',
    );
    const envs = selectEnvironments(names, all);
    if (mode === 'synth') {
      const { changed } = synthesize(envs, app.build, outdir, {
        prune: names.length === 0,
        summarize: app.summarize,
        onRecovered: (message) => {
          recovered = message;
          console.log(`recovered: ${message}`);
        },
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
      // On stderr: the cdk8s CLI swallows the app's stdout.
      if (viaCdk8sCli)
        console.error(
          `note: cdk8s synth deleted ${outdir}/ before this run, so every file was written anew; \`npm run synth\` is the safe path (it leaves ${outdir}/ untouched on failure)`,
        );
      return 0;
    }
    const rendered = renderEnvironments(envs, app.build, app.summarize);
    if (mode === 'plan') {
      const allowed = new Set(all.filter((e) => app.allowsTempoDowngrade?.(e) ?? false).map((e) => e.name));
      return printPlan(rendered, outdir, names, options, (env) => allowed.has(env));
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
    const outcome = viaCdk8sCli
      ? `cdk8s synth deleted ${outdir}/ before it ran this app, so ${outdir}/ is now empty: restore it with \`git checkout -- ${outdir}\` and use \`npm run synth\`, the only path that leaves ${outdir}/ unchanged on failure.`
      : recovered
        ? `Nothing else was written (see "recovered" above).`
        : `Nothing was written; ${outdir}/ is unchanged.`;
    if (e instanceof ConfigError) {
      for (const problem of e.problems) console.error(`error: ${problem.message}`);
      console.error(outcome);
      return 1;
    }
    // Anything else is a bug (the fuzz test looks for them): one line, the stack only on request.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : show(e);
    console.error(
      `error: internal error (a bug in tracesynth, please report it with the environment that caused it): ${what.split('\n')[0]}`,
    );
    if (process.env.TRACESYNTH_DEBUG && e instanceof Error) console.error(e.stack);
    console.error(outcome);
    return EXIT_BUG;
  }
}

/**
 * `--plan`: the rendered environments against `outdir` at the base ref (lib/plan.ts). Returns
 * EXIT_REFUSED when the plan refuses a change (each refusal an `error:` line on stderr), else 0.
 */
function printPlan(
  rendered: readonly RenderedEnvironment[],
  outdir: string,
  names: readonly string[],
  options: ReadonlyMap<string, string>,
  allowTempoDowngrade: (env: string) => boolean,
): number {
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
  const plans = planDist(before, after, { allowTempoDowngrade });
  const label = describeRef(base);
  console.log(
    format === 'markdown' ? formatPlanMarkdown(plans, label) : formatPlanText(plans, label).join('\n'),
  );
  const refusals = plans.flatMap((p) => p.refusals.map((r) => `${p.env}.${r.property}: ${r.reason}`));
  for (const r of refusals) console.error(`error: ${r}`);
  return refusals.length > 0 ? EXIT_REFUSED : 0;
}
