/**
 * Runs the CLI the way `npm run synth` does, on an environment file written by a test: in
 * process (cheap: jest compiles the TypeScript or loads the JavaScript file, and runCli loads it
 * inside its error boundary, as main.ts does with environments/), or as a real child process of
 * main.ts bundled by esbuild with the file in place of environments/index.ts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { buildEnvironment } from '../../charts/environment';
import { summarizeEnvironment } from '../../charts/summary';
import { EnvironmentDefinition } from '../../environments/types';
import { runCli } from '../../lib/cli';
import { unwritablePath } from './property-paths';

export const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

let counter = 0;

/**
 * Writes an environments module: `ts` with ES imports, `js` as CommonJS with require (what a
 * user without TypeScript writes). `body` is the module's code after the imports; it must define
 * `ENVIRONMENTS`. Every factory of the public API is in scope.
 */
export function writeEnvironmentsModule(dir: string, body: string, lang: 'ts' | 'js'): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `environments-${process.pid}-${counter++}.${lang}`);
  const imports: [string, string[]][] = [
    ['constructs/tempo/tempo-storage', ['TempoStorage']],
    ['constructs/otel-collector/sampling', ['CollectorSampling']],
    ['constructs/tempo/capacity', ['planCapacity']],
    ['constructs/memcached/memcached', ['Memcached']],
    ['constructs/kafka/kafka-cluster', ['KafkaCluster']],
    ['constructs/grafana/datasources', ['LokiDatasource', 'PrometheusDatasource']],
    ['lib/duration', ['GoDuration']],
    ['constructs/gateway/gateway-options', ['GatewayAuth', 'GatewayExposure']],
  ];
  const head =
    lang === 'ts'
      ? [
          `import { Size } from 'cdk8s';`,
          ...imports.map(([m, names]) => `import { ${names.join(', ')} } from '${join(ROOT, m)}';`),
          `export let ENVIRONMENTS: any;`,
        ]
      : [
          `const { Size } = require('cdk8s');`,
          ...imports.map(([m, names]) => `const { ${names.join(', ')} } = require('${join(ROOT, m)}');`),
          `let ENVIRONMENTS;`,
        ];
  const tail = lang === 'ts' ? [] : ['module.exports = { ENVIRONMENTS };'];
  writeFileSync(file, [...head, body, ...tail].join('\n'));
  return file;
}

/** Runs `fn` with console.log and console.error captured: its result and the lines of each. */
export function captureConsole<T>(fn: () => T): { result: T; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => stdout.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => stderr.push(a.join(' ')));
  try {
    return { result: fn(), stdout, stderr };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** `runCli` in this process, with the environments loaded from `file` inside its error boundary. */
export function runInProcess(file: string, outdir: string, args: readonly string[] = []): CliRun {
  const { result, stdout, stderr } = captureConsole(() =>
    runCli(args, outdir, {
      environments: () => require(file).ENVIRONMENTS as readonly EnvironmentDefinition[],
      examples: () => [],
      build: buildEnvironment,
      summarize: summarizeEnvironment,
    }),
  );
  return { code: result, stdout: stdout.join('\n').split('\n'), stderr: stderr.join('\n').split('\n') };
}

/** Bundles main.ts with `file` in place of environments/index.ts (as the real build does). */
export async function bundleWith(file: string, outfile: string): Promise<string> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(ROOT, 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
    absWorkingDir: ROOT,
    plugins: [
      {
        name: 'environments',
        setup(build) {
          build.onResolve({ filter: /^\.\/environments$/ }, (a) =>
            a.importer === join(ROOT, 'main.ts') ? { path: file } : undefined,
          );
        },
      },
    ],
  });
  return outfile;
}

/** Runs a bundle as `npm run synth` runs build/main.js: a child process. */
export function runBundle(bundle: string, outdir: string): CliRun {
  const r = spawnSync(process.execPath, [bundle, `--outdir=${outdir}`], {
    encoding: 'utf8',
    cwd: dirname(outdir),
  });
  return { code: r.status ?? -1, stdout: r.stdout.split('\n'), stderr: r.stderr.split('\n') };
}

/** Every file under `dir` with its bytes, hashed: equal hashes mean a byte-identical tree. */
export function hashTree(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(`${relative(dir, p)}\0`).update(readFileSync(p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return hash.digest('hex');
}

/** A copy of the committed `dist/` that bad-input tests synthesize into (see `useDistCopy`). */
export interface DistCopy {
  /** The temporary directory that holds `dist` (and what the test puts beside it). */
  readonly work: string;
  /** The copy: `<work>/dist`. */
  readonly out: string;
  /** `hashTree(out)` as copied: a failed synth must leave it so. */
  readonly before: string;
  /** Where the test writes environment files: inside the repository (build/ is ignored), so that
   * they resolve 'cdk8s' as environments/ does. */
  readonly envs: string;
}

/**
 * Copies the committed `dist/` to a temporary directory before the tests of the calling file or
 * describe block and removes it (and the environment files written under `envs`) after them.
 * The fields are set once `beforeAll` has run: read them inside tests.
 */
export function useDistCopy(label: string): DistCopy {
  const copy = {
    work: '',
    out: '',
    before: '',
    envs: join(ROOT, 'build', `test-envs-${label}-${process.pid}`),
  };
  beforeAll(() => {
    copy.work = mkdtempSync(join(tmpdir(), `tracesynth-${label}-`));
    copy.out = join(copy.work, 'dist');
    cpSync(join(ROOT, 'dist'), copy.out, { recursive: true });
    copy.before = hashTree(copy.out);
  });
  afterAll(() => {
    if (copy.work) rmSync(copy.work, { recursive: true, force: true });
    rmSync(copy.envs, { recursive: true, force: true });
  });
  return copy;
}

/**
 * An error line: `error: <env>.<property.path>: <what is wrong>; <fix>`, or, for a mistake in an
 * environment file itself (a syntax error, a throw while it loads), `error: <file>:<line>:<col>: …; …`.
 */
export const ERROR_LINE =
  /^error: (?:[A-Za-z0-9_-]+(\[\d+\])?(\.[A-Za-z0-9_$-]+|\[\d+\]|\['[^']*'\])*|[\w./-]+\.(?:ts|js|mts|mjs):\d+:\d+): .+; .+$/;

/** The property path of an error line (`qa.tempo.retention`), up to the first `: ` outside quotes. */
export function errorProperty(line: string): string {
  const text = line.replace(/^error: /, '');
  let quoted = false;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === "'" && text[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && text[i] === ':' && text[i + 1] === ' ') return text.slice(0, i);
  }
  return text;
}

/**
 * Paths of error lines that no user could write: each line's property, after its environment
 * name, must name a property of the environment's types (test/helpers/property-paths.ts). Lines
 * about the environment list or a file (`environments`, `ENVIRONMENTS[0]`, `file.ts:3:1`) are not
 * environment properties and pass.
 */
export function unwritableErrorPaths(lines: readonly string[], envNames: readonly string[]): string[] {
  return lines.flatMap((l) => {
    const property = errorProperty(l);
    const env = envNames.find((n) => property.startsWith(`${n}.`));
    if (!env) return [];
    let rest = property.slice(env.length + 1);
    // An unknown property is the user's own key: its parent must exist.
    if (/^: unknown property/.test(l.slice(l.indexOf(property) + property.length)))
      rest = rest.replace(/(^|\.)[^.[]+$|\[[^\]]+\]$/, '');
    const bad = unwritablePath(rest);
    return bad === undefined ? [] : [`${property} (no property ${bad})`];
  });
}

/** Asserts the CLI failed on bad input as a user must see it: one error line, no stack. */
export function expectOneErrorLine(run: CliRun): string {
  const [line] = expectErrorLines(run, 1);
  return line;
}

/**
 * Asserts the CLI failed on bad input with `count` error lines (each in the one-line format) and
 * no stack, and returns them without their `error: ` prefix.
 */
export function expectErrorLines(run: CliRun, count: number): string[] {
  expect(run.code).toBe(1);
  const errors = [...run.stdout, ...run.stderr].filter((l) => l.startsWith('error:'));
  expect(errors).toHaveLength(count);
  for (const e of errors) expect(e).toMatch(ERROR_LINE);
  expect([...run.stdout, ...run.stderr].filter((l) => /^\s+at /.test(l))).toEqual([]);
  return errors.map((e) => e.slice('error: '.length));
}
