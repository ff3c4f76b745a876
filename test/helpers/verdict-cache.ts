/**
 * Passing verdicts of the deterministic external checks (`promtool test rules`, `promtool check
 * rules`, `otelcol validate`), remembered under a key of everything the verdict depends on: the
 * binary (path, version, size and modification time), its arguments and the full text of every
 * input file. A check whose inputs did not change since it last passed is not run again; any change
 * to a rule, a test series, a threshold or a config, or a rebuilt binary, runs it. Failures are
 * never remembered, so a failing check runs (and prints its output) every time.
 *
 * The cache lives in node_modules/.cache (gone after `npm ci`: CI starts without it) and is off
 * when TRACESYNTH_TEST_CACHE=off. Measured on the alert unit tests: 13.5 CPU-seconds of promtool
 * on every run without it (docs/performance.md).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Verdict {
  readonly status: number;
  readonly output: string;
  /** Set when the verdict came from the cache instead of a run. */
  readonly cached?: boolean;
}

const DIR = join(__dirname, '..', '..', 'node_modules', '.cache', 'tracesynth', 'verdicts');
export const verdictCacheEnabled = process.env.TRACESYNTH_TEST_CACHE !== 'off';

export class VerdictCache {
  private readonly identity: string;

  /** `binary` and its version text identify the tool; a rebuild changes its size or mtime. */
  constructor(binary: string, version: string) {
    const stat = existsSync(binary) ? statSync(binary) : undefined;
    this.identity = JSON.stringify([binary, version, stat?.size, stat?.mtimeMs]);
  }

  /** The key of one run: the tool, its arguments and every input file by name and content. */
  key(args: readonly string[], files: Readonly<Record<string, string>>): string {
    // JSON: names and contents are quoted, so no two different inputs serialize alike.
    const inputs = Object.keys(files)
      .sort()
      .map((name) => [name, files[name]]);
    return createHash('sha256')
      .update(JSON.stringify([this.identity, args, inputs]))
      .digest('hex');
  }

  get(key: string): Verdict | undefined {
    if (!verdictCacheEnabled) return undefined;
    try {
      return JSON.parse(readFileSync(join(DIR, key), 'utf8')) as Verdict;
    } catch {
      return undefined;
    }
  }

  /** Drops a remembered verdict (the cache's own tests clean up after themselves). */
  forget(key: string): void {
    rmSync(join(DIR, key), { force: true });
  }

  /** Remembers a passing verdict (exit status 0); anything else is not stored. */
  put(key: string, verdict: Verdict): void {
    if (!verdictCacheEnabled || verdict.status !== 0) return;
    mkdirSync(DIR, { recursive: true });
    const tmp = join(DIR, `${key}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify({ status: verdict.status, output: verdict.output }));
    renameSync(tmp, join(DIR, key));
  }
}
