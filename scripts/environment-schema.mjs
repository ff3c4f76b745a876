// `npm run schema`: generates schemas/environment.schema.json, the JSON schema of
// EnvironmentDefinition, from the TypeScript types (ts-json-schema-generator), so the runtime
// validation of environment files (charts/environment-validation.ts) never drifts from the types.
// Classes (TempoStorage, CollectorSampling, Size, …) are values made by factories, not data:
// they become `{ "x-instanceof": "<class>" }`. Descriptions and defaults are dropped (the types
// keep them). `--check` exits 1 when the committed file is stale (test/environment-schema.test.ts).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsKey } from './inputs-key.mjs';

const require = createRequire(import.meta.url);

const root = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_FILE = `${root}schemas/environment.schema.json`;

export function generate() {
  // Loaded here, not at the top: a cached check needs neither (they take ~1 s to load).
  const tsj = require('ts-json-schema-generator');
  const ts = require('typescript');
  const config = {
    ...tsj.DEFAULT_CONFIG,
    path: `${root}charts/environment-definition.ts`,
    tsconfig: `${root}tsconfig.json`,
    type: 'EnvironmentDefinition',
    skipTypeCheck: true, // `npm test` runs tsc
    additionalProperties: false,
  };
  const program = tsj.createProgram(config);
  const classes = new Set();
  const visit = (node) => {
    if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) classes.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) visit(file);
  const schema = tsj.createGenerator({ ...config, tsProgram: program }).createSchema(config.type);
  const strip = (value) => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'description' && k !== 'default' && k !== '$schema')
        .map(([k, v]) => [k, k === 'properties' || k === 'definitions' ? mapValues(v, strip) : strip(v)]),
    );
  };
  const mapValues = (o, f) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
  const out = strip(schema);
  for (const name of Object.keys(out.definitions))
    if (classes.has(name)) out.definitions[name] = { 'x-instanceof': name };
  // Keep only the definitions still reachable once the classes are opaque.
  const used = new Set();
  const mark = (value) => {
    if (Array.isArray(value)) return value.forEach(mark);
    if (value === null || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = decodeURIComponent(v.replace('#/definitions/', ''));
        if (!used.has(name)) {
          used.add(name);
          mark(out.definitions[name]);
        }
      } else mark(v);
    }
  };
  mark({ $ref: out.$ref });
  const definitions = Object.fromEntries(
    Object.keys(out.definitions)
      .filter((n) => used.has(n))
      .sort()
      .map((n) => [n, out.definitions[n]]),
  );
  return `${JSON.stringify({ $ref: out.$ref, definitions }, null, 2)}\n`;
}

/**
 * generate(), reused while no source changed: building the TypeScript program is ~8 s of CPU and
 * `npm test` checks the schema every run. Cached in node_modules/.cache under the inputs' key.
 */
function generateCached() {
  const key = inputsKey(root.replace(/\/$/, ''), [
    require.resolve('typescript/package.json'),
    require.resolve('ts-json-schema-generator/package.json'),
    fileURLToPath(import.meta.url),
  ]);
  if (key === undefined) return generate();
  const file = `${root}node_modules/.cache/tracesynth/environment-schema-${key.slice(0, 16)}.json`;
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const text = generate();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}.tmp`, text);
  renameSync(`${file}.${process.pid}.tmp`, file);
  return text;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = generateCached();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(SCHEMA_FILE, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error('schemas/environment.schema.json is stale: run `npm run schema` and commit it');
      process.exit(1);
    }
    console.log('schemas/environment.schema.json is up to date');
  } else {
    writeFileSync(SCHEMA_FILE, text);
    console.log('wrote schemas/environment.schema.json');
  }
}
