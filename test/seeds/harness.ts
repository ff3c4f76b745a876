/**
 * Seed assertions (issue 15): every value a seed states explicitly is either in its example's
 * committed output (`examples/dist/<example>/`, which test/examples.test.ts keeps equal to a fresh
 * synth) or named in the corrections table of examples/README.md. Rows are data, one file per area
 * in test/seeds/rows/; ids are the SEEDS-CHECKLIST.md row ids (`000-18`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'examples', 'dist');

/**
 * One step into a parsed document: an object key, an array index, or a matcher that selects the
 * single array element whose listed fields are deep-equal to the matcher's (`{ name: 'Tempo' }`).
 * A string value met with steps left is parsed as YAML (JSON included), so paths run into
 * ConfigMap payloads: `['data', 'tempo.yaml', 'live_store', 'max_block_bytes']`.
 */
export type PathStep = string | number | { readonly [field: string]: unknown };

interface RowBase {
  /** SEEDS-CHECKLIST.md row id, `<seed>-<nn>`. */
  readonly id: string;
  /** The seed's words, with the line number: `L66 "HTTP Method: GET"`. */
  readonly quote: string;
}

/** The seed's value is in the output. */
export interface OutputRow extends RowBase {
  /** Example (or variant) folder under examples/dist/. */
  readonly example: string;
  /** File inside it, e.g. `grafana/configmap-monitoring-datasources.yaml`. */
  readonly file: string;
  /** Where in the file; without it `contains` searches the whole text. */
  readonly path?: readonly PathStep[];
  /** The value at `path` deep-equals this. */
  readonly equals?: unknown;
  /** The value at `path` (a string, or its JSON), or the whole file, contains this text. */
  readonly contains?: string;
}

/** The seed's value is wrong for the real component: the corrections table says so. */
export interface CorrectionRow extends RowBase {
  /** Text that the "what it wrote" cell of a table row for this seed contains. */
  readonly correction: string;
}

export type SeedRow = OutputRow | CorrectionRow;

const fileCache = new Map<string, string>();
function read(path: string): string {
  let text = fileCache.get(path);
  if (text === undefined) fileCache.set(path, (text = readFileSync(path, 'utf8')));
  return text;
}

// Rows only read what they parse: each file and each embedded payload is parsed once (~480 rows
// point into ~100 files).
const parsedFiles = new Map<string, unknown>();
function parseText(text: string): unknown {
  if (!parsedFiles.has(text)) {
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    parsedFiles.set(text, docs.length === 1 ? docs[0] : docs);
  }
  return parsedFiles.get(text);
}
const parsedPayloads = new Map<string, unknown>();
function parsePayload(text: string): unknown {
  if (!parsedPayloads.has(text)) parsedPayloads.set(text, parse(text));
  return parsedPayloads.get(text);
}

/** Walks `path` through `root`; throws a message naming the first step that does not resolve. */
export function walk(root: unknown, path: readonly PathStep[]): unknown {
  let here = root;
  path.forEach((step, i) => {
    if (typeof here === 'string') here = parsePayload(here);
    const where = () => `step ${i} (${JSON.stringify(step)}) of ${JSON.stringify(path)}`;
    if (typeof step === 'object') {
      if (!Array.isArray(here)) throw new Error(`${where()}: not an array`);
      const found = here.filter(
        (el) =>
          el !== null &&
          typeof el === 'object' &&
          Object.entries(step).every(([k, v]) => isDeepStrictEqual((el as Record<string, unknown>)[k], v)),
      );
      if (found.length !== 1) throw new Error(`${where()}: ${found.length} elements match`);
      here = found[0];
    } else {
      if (here === null || typeof here !== 'object' || !(step in (here as object)))
        throw new Error(`${where()}: no such key or index`);
      here = (here as Record<string | number, unknown>)[step];
    }
  });
  return here;
}

export function outputText(example: string, file: string): string {
  return read(join(DIST, example, file));
}

/** The value a row points at (the parsed file when the row has no path). */
export function valueAt(row: OutputRow): unknown {
  return walk(parseText(outputText(row.example, row.file)), row.path ?? []);
}

/** Rows of the corrections table in examples/README.md: seed (`000`) and the "what it wrote" cell. */
export function correctionRows(): { seed: string; wrote: string; line: string }[] {
  return read(join(ROOT, 'examples', 'README.md'))
    .split('\n')
    .map((line) => line.split(' | '))
    .filter((cells) => /^\| \d{3}$/.test(cells[0] ?? ''))
    .map((cells) => ({ seed: cells[0]!.slice(2), wrote: cells[1] ?? '', line: cells.join(' | ') }));
}

export function isCorrection(row: SeedRow): row is CorrectionRow {
  return 'correction' in row;
}

/** What is wrong with one row, or undefined when the output (or the table) bears it out. */
export function checkRow(row: SeedRow): string | undefined {
  const seed = row.id.slice(0, 3);
  if (isCorrection(row)) {
    const rows = correctionRows().filter((r) => r.seed === seed && r.wrote.includes(row.correction));
    return rows.length > 0
      ? undefined
      : `no corrections-table row for seed ${seed} mentions "${row.correction}"`;
  }
  if (row.equals === undefined && row.contains === undefined)
    return 'row asserts nothing (equals or contains)';
  let value: unknown;
  try {
    value =
      row.path === undefined && row.contains !== undefined ? outputText(row.example, row.file) : valueAt(row);
  } catch (e) {
    return `${row.example}/${row.file}: ${(e as Error).message}`;
  }
  if (row.equals !== undefined && !isDeepStrictEqual(value, row.equals))
    return `${row.example}/${row.file} ${JSON.stringify(row.path ?? [])}: expected ${JSON.stringify(row.equals)}, found ${JSON.stringify(value)}`;
  if (row.contains !== undefined) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!text.includes(row.contains))
      return `${row.example}/${row.file} ${JSON.stringify(row.path ?? [])}: does not contain ${JSON.stringify(row.contains)}`;
  }
  return undefined;
}
