// Bundles main.ts and its dependencies into build/main.js with esbuild (no type checking: `npm
// test` runs tsc). One bundled file loads ~40 % faster than node_modules resolution at run time.
// `ensureBuilt()` rebuilds only when an input changed, like make: esbuild's metafile lists every
// input, and the bundle is reused while none of them is newer (or missing).

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const { bundleProblems, bundleWarnings } = createRequire(import.meta.url)('./bundle-problems.cjs');

const root = fileURLToPath(new URL('..', import.meta.url));
// `TRACESYNTH_ENVIRONMENTS=<file>`: that module (it exports ENVIRONMENTS) in place of
// environments/index.ts, in a bundle of its own: to try environments kept elsewhere, and for the
// tests of broken environment files through the real entry point.
const custom = process.env.TRACESYNTH_ENVIRONMENTS ? resolve(process.env.TRACESYNTH_ENVIRONMENTS) : undefined;
const tag = custom ? `-${createHash('sha256').update(custom).digest('hex').slice(0, 12)}` : '';
export const outfile = `${root}build/main${tag}.js`;
const metafile = `${root}build/main${tag}.meta.json`;

/** A bundle that could not be built: `lines` are one line per problem (scripts/bundle-problems.cjs). */
export class BuildError extends Error {
  constructor(lines) {
    super(lines.join('\n'));
    this.name = 'BuildError';
    this.lines = lines;
  }
}

export async function build() {
  // Imported here, not at the top: a synth with a fresh bundle never pays for loading esbuild.
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build(options());
  } catch (e) {
    // A syntax error, an unterminated string, …: the file's mistake, one line each (no stack).
    if (Array.isArray(e?.errors)) throw new BuildError(bundleProblems(e.errors, e.warnings ?? []));
    throw e;
  }
  const problems = bundleProblems([], result.warnings);
  if (problems.length > 0) throw new BuildError(problems);
  for (const w of bundleWarnings(result.warnings)) console.error(`warning: ${w}`);
  return write(result);
}

function options() {
  return {
    entryPoints: [`${root}main.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: root,
    write: false,
    plugins: custom
      ? [
          {
            name: 'environments',
            setup(b) {
              b.onResolve({ filter: /^\.\/environments$/ }, (a) =>
                a.importer === `${root}main.ts` ? { path: custom } : undefined,
              );
            },
          },
        ]
      : [],
  };
}

function write(result) {
  // Several synths may run at once (parallel tests, cdk8s synth): every file is written to a
  // temporary name and renamed into place, so no process ever loads a half-written bundle.
  mkdirSync(`${root}build`, { recursive: true });
  const atomicWrite = (path, contents) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, contents);
    renameSync(tmp, path);
  };
  for (const file of result.outputFiles) if (file.path !== outfile) atomicWrite(file.path, file.contents);
  atomicWrite(outfile, result.outputFiles.find((f) => f.path === outfile).contents);
  rmSync(`${outfile}.cache`, { force: true }); // V8 code cache of the previous bundle (scripts/app.mjs)
  const inputs = [...Object.keys(result.metafile.inputs), 'package-lock.json', 'scripts/build.mjs'];
  atomicWrite(metafile, JSON.stringify(inputs));
  return outfile;
}

function isFresh() {
  if (!existsSync(outfile) || !existsSync(metafile)) return false;
  const built = statSync(outfile).mtimeMs;
  try {
    return JSON.parse(readFileSync(metafile, 'utf8')).every(
      (input) => statSync(`${root}${input}`).mtimeMs < built,
    );
  } catch {
    return false; // an input was deleted or renamed
  }
}

export async function ensureBuilt() {
  return isFresh() ? outfile : build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
