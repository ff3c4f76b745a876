/**
 * Where in the user's own files an exception came from: the first stack frame outside this app's
 * code, mapped back through the bundle's source map (`build/main.js.map`, scripts/build.mjs) when
 * the frame is in the bundle. An environment file that throws while it loads, or a getter in it
 * that throws while the synth reads it, is then reported as `<file>:<line>:<column>`, blaming the
 * file rather than tracesynth.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { show } from './errors';

/** The repository root: where `package.json` is, above this file (source or bundle). */
function findRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

const ROOT = findRoot();

/** Folders and files of the app itself; a frame anywhere else is the user's. */
const APP_CODE = /^(lib|charts|constructs|scripts|node_modules|imports|test)\/|^(main|index)\.ts$/;

const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined;
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** `file:line:column` frames of a stack, innermost first, mapped to their sources. */
function frames(stack: string): { file: string; line: number; column: number }[] {
  const out: { file: string; line: number; column: number }[] = [];
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/gm)) {
    let file = m[1].replace(/^file:\/\//, '');
    let line = Number(m[2]);
    let column = Number(m[3]);
    if (!isAbsolute(file)) continue; // node:internal and the like
    const map = sourceMapOf(file);
    if (map) {
      const entry = map.findEntry(line - 1, column - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (entry.originalSource === undefined) continue;
      const source = entry.originalSource.replace(/^file:\/\//, '');
      file = isAbsolute(source) ? source : resolve(dirname(file), source);
      line = (entry.originalLine ?? 0) + 1;
      column = (entry.originalColumn ?? 0) + 1;
    }
    out.push({ file, line, column });
  }
  return out;
}

/**
 * `environments/qa.ts:12:7` for the innermost frame of `error` in a file of the user's (relative to
 * the repository when inside it), or undefined when every frame is the app's own code.
 */
export function userLocation(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  for (const f of frames(error.stack)) {
    const rel = relative(ROOT, f.file).split(sep).join('/');
    const inside = !rel.startsWith('../');
    if (inside && APP_CODE.test(rel)) continue;
    return `${inside ? rel : f.file}:${f.line}:${f.column}`;
  }
  return undefined;
}

/** What a user's code threw, on one line: `TypeError: x is not a function`, or the thrown value. */
export function describeThrown(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : show(e);
}
