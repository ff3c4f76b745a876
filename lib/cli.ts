import { resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { WriteOutcome } from './synth';
import { ConfigError, show } from './errors';
import { describeThrown, userLocation } from './user-code';
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
  /**
   * How users run this command line, for `--help`.
   * @default 'npm run synth --'
   */
  readonly command?: string;
}

/**
 * Exit code of a plan that is complete (printed in full) but refuses a change (a Tempo downgrade
 * the environment does not allow): CI publishes the plan, then fails the check.
 */
export const EXIT_REFUSED = 3;

/** Exit code of `--diff` when a synth would change files (as `git diff --exit-code`). */
export const EXIT_DIFFERENCES = 1;

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
    const what = describeThrown(e);
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

/** Options without a value. */
const FLAGS = ['--plan', '--diff', '--examples', '--help'] as const;
/** Options that take a value (`--base main` or `--base=main`), the property their errors name, an example. */
const VALUE_OPTIONS = {
  '--base': ['plan.base', 'main'],
  '--format': ['plan.format', 'markdown'],
  '--outdir': ['outdir', 'out'],
} as const;
const KNOWN_OPTIONS = [...FLAGS, ...Object.keys(VALUE_OPTIONS)].join(', ');

/**
 * Splits the arguments into options and environment names. An unknown option, a flag given a
 * value, a value option without one, two modes, or a plan option without `--plan` is an error:
 * nothing is silently ignored.
 */
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
    if (Object.hasOwn(VALUE_OPTIONS, flag)) {
      const [property, example] = VALUE_OPTIONS[flag as keyof typeof VALUE_OPTIONS];
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('-')))
        throw new ConfigError(property, `needs a value; e.g. ${flag} ${example}`);
      options.set(flag.slice(2), value);
    } else if ((FLAGS as readonly string[]).includes(flag)) {
      if (inline !== undefined)
        throw new ConfigError('arguments', `${flag} takes no value (got '${args[i]}'); give ${flag} alone`);
      flags.push(flag);
    } else if (args[i].startsWith('-'))
      throw new ConfigError(
        'arguments',
        `unknown option '${args[i]}'; known options: ${KNOWN_OPTIONS} (--help explains them)`,
      );
    else names.push(args[i]);
  }
  if (flags.includes('--plan') && flags.includes('--diff'))
    throw new ConfigError('arguments', '--plan and --diff are two different reports; give one of them');
  for (const option of ['base', 'format'])
    if (options.has(option) && !flags.includes('--plan'))
      throw new ConfigError(
        `plan.${option}`,
        `--${option} only applies to --plan; add --plan or remove --${option}`,
      );
  return { flags, names, options };
}

/** `--help`: what the command line does, on stdout. */
export function usage(command: string, outdir: string): string {
  return `Usage: ${command} [environment ...] [options]

Synthesizes the named environments (all of them when none is named) into ${outdir}/<name>/.
Everything is rendered and checked in memory first: a failed synth prints one error line per
problem and writes nothing (${outdir}/ stays byte-identical).

Options:
  --plan            print what the change does against ${outdir}/ as committed at the base ref,
                    per environment (images, replicas, resources, sampling, alerts, objects);
                    writes nothing
    --base <ref>    the base ref (default: the merge base with origin/main, else main)
    --format <f>    text (default) or markdown (a pull-request comment)
  --diff            print the files a synth would change in ${outdir}/ and their unified diff;
                    writes nothing
  --examples        work on the seed examples (examples/, written to examples/dist/)
  --outdir <dir>    write to (or compare with) <dir> instead of ${outdir}/
  -h, --help        print this help

Exit status: 0 done (with --diff: no differences); 1 bad input, or with --diff differences
(like git diff --exit-code); 3 the plan refuses a change (a Tempo downgrade); 70 a bug in
tracesynth.
`;
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
 * The command line: `[--examples] [--plan [--base <ref>] [--format text|markdown] | --diff]
 * [--outdir <dir>] [env ...]`, or `--help` (`usage`).
 * Synthesizes the named environments (all when none is named) into `outdir`; with `--plan` prints
 * what the change does against `outdir` as committed at the base ref (default: the merge base with
 * origin/main or main; docs/ci.md), writing nothing; with `--diff` the files a synth would change
 * in `outdir` and their unified diff, exiting EXIT_DIFFERENCES when there are any. `--examples`
 * works on the seed examples (examples/, written to examples/dist/) instead of the environments;
 * `--outdir` replaces the `outdir` given here. Returns the exit code.
 */
export function runCli<E extends NamedEnvironment, B>(
  args: readonly string[],
  outdir: string,
  app: CliApp<E, B>,
): number {
  const examples = args.includes('--examples');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage(app.command ?? 'npm run synth --', outdir));
    return 0;
  }
  // The cdk8s CLI runs the app with its output folder in CDK8S_OUTDIR, which it deleted first
  // (main.ts has cdk8s.yaml's output folder stand for dist/, so that is not this outdir), and it
  // swallows the app's stdout: what the user must see goes to stderr.
  const underCdk8sCli = process.env.CDK8S_OUTDIR !== undefined;
  const say = underCdk8sCli ? console.error : console.log;
  let recovered: string | undefined;
  let viaCdk8sCli = false;
  try {
    const { flags, names, options } = parseArgs(args);
    outdir = options.get('outdir') ?? outdir;
    viaCdk8sCli = underCdk8sCli && resolve(process.env.CDK8S_OUTDIR!) === resolve(outdir);
    const mode = flags.includes('--diff') ? 'diff' : flags.includes('--plan') ? 'plan' : 'synth';
    const all = loadEnvironments(
      examples ? app.examples : app.environments,
      examples ? 'EXAMPLES' : 'ENVIRONMENTS',
    );
    const envs = selectEnvironments(names, all);
    if (mode === 'synth') {
      let written: WriteOutcome = { added: [], rewritten: [], removed: [] };
      const { changed } = synthesize(envs, app.build, outdir, {
        prune: names.length === 0,
        summarize: app.summarize,
        onRecovered: (message) => {
          recovered = message;
          say(`recovered: ${message}`);
        },
        onWritten: (outcome) => (written = outcome),
      });
      const unchanged = envs.map((e) => e.name).filter((n) => !changed.includes(n));
      const part = (label: string, list: readonly string[]) =>
        list.length ? `${label}: ${list.join(', ')}` : '';
      say(
        `synthesized ${envs.map((e) => e.name).join(', ')} into ${outdir}/ (${[
          part('added', written.added),
          part('rewritten', written.rewritten),
          part('unchanged', unchanged),
          part('removed', written.removed),
        ]
          .filter(Boolean)
          .join('; ')})`,
      );
      if (viaCdk8sCli)
        console.error(
          `note: cdk8s synth --output deleted ${outdir}/ before this run, so every file was written anew; without --output it writes dist/ the safe way, as \`npm run synth\` does`,
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
    // Like `git diff --exit-code`: a CI step fails when the committed output is not a fresh synth.
    return changes.length === 0 ? 0 : EXIT_DIFFERENCES;
  } catch (e) {
    const outcome = viaCdk8sCli
      ? `cdk8s synth --output deleted ${outdir}/ before it ran this app, so ${outdir}/ is now empty: restore it (e.g. \`git checkout -- ${outdir}\`); without --output, cdk8s synth leaves dist/ unchanged on failure, as \`npm run synth\` does.`
      : recovered
        ? `Nothing else was written (see "recovered" above).`
        : `Nothing was written; ${outdir}/ is unchanged.`;
    if (e instanceof ConfigError) {
      for (const problem of e.problems) console.error(`error: ${problem.message}`);
      console.error(outcome);
      return 1;
    }
    // Anything else is a bug (the fuzz test looks for them): one line, the stack only on request.
    console.error(
      `error: internal error (a bug in tracesynth, please report it with the environment that caused it): ${describeThrown(e)}`,
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
