/**
 * Checks a value against a JSON schema generated from TypeScript types (by
 * scripts/environment-schema.mjs) and throws the first problem as one ConfigError line:
 * `<path>: <what is wrong, the value>; <the fix>`. JavaScript files and casts bypass `tsc`; this is
 * what catches misspelt keys ("did you mean"), wrong types, NaN/Infinity and plain objects where a
 * factory value is required. Only the keywords the generator emits are understood (the test of the
 * schema fails on any other).
 */
import { ConfigError, ErrorCollector, propertyPath, show } from './errors';

/** The subset of JSON schema that ts-json-schema-generator emits, plus `x-instanceof` for classes. */
export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema | readonly Schema[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly anyOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly 'x-instanceof'?: string;
  readonly definitions?: Readonly<Record<string, Schema>>;
}

/** Keywords `checkSchema` understands; a schema with any other is rejected by its test. */
export const SCHEMA_KEYWORDS: readonly string[] = [
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'anyOf',
  'enum',
  'const',
  'minimum',
  'maximum',
  'pattern',
  'x-instanceof',
  'definitions',
];

/** A class, possibly with a private constructor: only its prototype is used. */
type AnyClass = { readonly prototype: object };

const isInstance = (value: unknown, cls: AnyClass): boolean =>
  value !== null && typeof value === 'object' && Object.prototype.isPrototypeOf.call(cls.prototype, value);

/** Whether a class of this name is on the value's prototype chain. */
const hasClassNamed = (value: unknown, name: string): boolean => {
  if (value === null || typeof value !== 'object') return false;
  for (let p = Object.getPrototypeOf(value); p && p !== Object.prototype; p = Object.getPrototypeOf(p))
    if (p.constructor?.name === name) return true;
  return false;
};

export interface SchemaCheckOptions {
  /** The root schema holding `definitions`. */
  readonly root: Schema;
  /** The class of each `x-instanceof` name. */
  readonly classes: Readonly<Record<string, AnyClass>>;
  /** Extra checks of a value that matched a named definition (e.g. an image reference grammar). */
  readonly definitionChecks?: Readonly<Record<string, (value: never, path: string) => void>>;
  /** Extra checks of a value by the name of the property holding it (e.g. `replicas` is an int32). */
  readonly propertyChecks?: readonly {
    readonly name: RegExp;
    readonly check: (value: unknown, path: string) => void;
  }[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** The known key closest to `key` (case-insensitive, at most a third of it edited), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

const at = propertyPath;

const join = (items: readonly string[], last = 'or'): string =>
  items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;

/** Finite and safe: JSON cannot carry NaN or Infinity, and no setting needs more than 2^53. */
function checkNumber(value: number, path: string, integer: boolean): void {
  if (Number.isNaN(value)) throw new ConfigError(path, 'NaN is not a number; give a finite number');
  if (!Number.isFinite(value))
    throw new ConfigError(path, `${show(value)} is not a finite number; give a finite number`);
  if (integer && !Number.isInteger(value))
    throw new ConfigError(path, `${show(value)} is not an integer; give a whole number`);
  if (Math.abs(value) > Number.MAX_SAFE_INTEGER)
    throw new ConfigError(path, `${show(value)} is out of range; give a number below 2^53`);
}

/**
 * Checks `value` against `schema`; throws every problem found (a ConfigError, or ConfigErrors when
 * there are several): each property and list item is checked on its own, so independent mistakes
 * are reported together; checks that build on a value (grammars, deferred factory checks) run only
 * where the value itself passed.
 */
export function checkSchema(value: unknown, schema: Schema, path: string, options: SchemaCheckOptions): void {
  const checker = new Checker(options);
  checker.found.attempt(() => checker.check(value, schema, path));
  checker.found.throwIfAny();
}

class Checker {
  /** The problems found so far; `check` throws only the one that ends its own value's check. */
  readonly found = new ErrorCollector();

  constructor(private readonly o: SchemaCheckOptions) {}

  /** Runs `fn` (a check of a sub-value) and tells whether it found nothing new. */
  private clean(fn: () => void): boolean {
    const before = this.found.errors.length;
    this.found.attempt(fn);
    return this.found.errors.length === before;
  }

  private definition(ref: string): [string, Schema] {
    const name = decodeURIComponent(ref.replace(/^#\/definitions\//, ''));
    const schema = this.o.root.definitions?.[name];
    if (!schema) throw new Error(`schema: no definition ${name}`);
    return [name, schema];
  }

  /**
   * Whether `value` is an instance of the `x-instanceof` class `name`. A class someone added to the
   * types but not yet to the registry (the schema test reports it) is matched by the class names
   * on the value's prototype chain meanwhile, so that a synth does not fail on it.
   */
  private instanceOf(value: unknown, name: string): boolean {
    const cls = this.o.classes[name];
    return cls ? isInstance(value, cls) : hasClassNamed(value, name);
  }

  /** The `x-instanceof` class a schema stands for, if it is one. */
  private classOf(schema: Schema): string | undefined {
    if (schema.$ref) return this.classOf(this.definition(schema.$ref)[1]);
    return schema['x-instanceof'];
  }

  /** The factories of a class (its static methods), e.g. `TempoStorage.local()`. */
  private factories(name: string): string {
    const cls = this.o.classes[name] as unknown as Record<string, unknown> | undefined;
    if (!cls) return `create it with ${name}'s factory`;
    const statics = Object.getOwnPropertyNames(cls).filter(
      (n) => !['length', 'name', 'prototype'].includes(n) && typeof cls[n] === 'function',
    );
    return statics.length
      ? `create it with ${join(statics.map((s) => `${name}.${s}(…)`))}`
      : `create it with new ${name}(…)`;
  }

  /** What a schema accepts, for messages: "a number", "'json' or 'logfmt'", "a TempoStorage". */
  describe(schema: Schema, depth = 0): string {
    if (schema.$ref) {
      const [name, def] = this.definition(schema.$ref);
      if (def['x-instanceof']) return `a ${name}`;
      return depth > 1 ? 'an object' : this.describe(def, depth + 1);
    }
    if (schema['x-instanceof']) return `a ${schema['x-instanceof']}`;
    if (schema.const !== undefined) return show(schema.const);
    if (schema.enum) return join(schema.enum.map(show));
    if (schema.anyOf) return join([...new Set(schema.anyOf.map((s) => this.describe(s, depth + 1)))]);
    const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
    const names: Record<string, string> = {
      number: 'a number',
      integer: 'an integer',
      string: 'a string',
      boolean: 'true or false',
      object: 'an object',
      array: 'a list',
      null: 'null',
    };
    return join(types.map((t) => names[t] ?? t)) || 'anything';
  }

  /** Whether `value` is of the schema's outer type (used to pick the branch of a union). */
  private fits(value: unknown, schema: Schema): boolean {
    if (schema.$ref) return this.fits(value, this.definition(schema.$ref)[1]);
    if (schema['x-instanceof']) return this.instanceOf(value, schema['x-instanceof']);
    if (schema.const !== undefined) return value === schema.const;
    if (schema.enum) return schema.enum.includes(value);
    if (schema.anyOf) return schema.anyOf.some((s) => this.fits(value, s));
    const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
    if (types.length === 0) return true;
    return types.some((t) =>
      t === 'object'
        ? isPlainObject(value)
        : t === 'array'
          ? Array.isArray(value)
          : t === 'integer'
            ? typeof value === 'number'
            : t === 'null'
              ? value === null
              : typeof value === t,
    );
  }

  check(value: unknown, schema: Schema, path: string, definition?: string): void {
    if (schema.$ref) {
      const [name, def] = this.definition(schema.$ref);
      const extra = this.o.definitionChecks?.[name];
      if (this.clean(() => this.check(value, def, path, name)) && extra)
        this.found.attempt(() => extra(value as never, path));
      return;
    }
    const cls = schema['x-instanceof'];
    if (cls) {
      if (!this.instanceOf(value, cls)) {
        const what = isPlainObject(value) ? 'a plain object' : show(value);
        throw new ConfigError(path, `${what} is not a ${cls}; ${this.factories(cls)}`);
      }
      const deferred = value as { check?: () => void };
      if (typeof deferred.check === 'function') deferred.check();
      return;
    }
    if (schema.anyOf) return this.checkUnion(value, schema.anyOf, path, definition);
    if (schema.const !== undefined) {
      if (value !== schema.const)
        throw new ConfigError(path, `${show(value)} is not allowed here; expected ${show(schema.const)}`);
      return;
    }
    if (schema.enum) {
      if (!schema.enum.includes(value))
        throw new ConfigError(path, `${show(value)} is not allowed; expected ${join(schema.enum.map(show))}`);
      return;
    }
    if (schema.type !== undefined && !this.fits(value, { type: schema.type })) {
      throw new ConfigError(
        path,
        `${show(value)} is not ${this.describe(schema)}; give ${this.describe(schema)}`,
      );
    }
    if (typeof value === 'number') checkNumber(value, path, schema.type === 'integer');
    if (typeof value === 'number' || typeof value === 'string') {
      if (schema.minimum !== undefined && (value as number) < schema.minimum)
        throw new ConfigError(
          path,
          `${show(value)} is below ${schema.minimum}; give at least ${schema.minimum}`,
        );
      if (schema.maximum !== undefined && (value as number) > schema.maximum)
        throw new ConfigError(
          path,
          `${show(value)} is above ${schema.maximum}; give at most ${schema.maximum}`,
        );
      if (
        schema.pattern !== undefined &&
        typeof value === 'string' &&
        !new RegExp(schema.pattern).test(value)
      )
        throw new ConfigError(
          path,
          `${show(value)} does not match ${schema.pattern}; give a value that does`,
        );
    }
    const inner = this.clean(() => {
      if (Array.isArray(value)) this.checkArray(value, schema, path);
      else if (isPlainObject(value)) this.checkObject(value, schema, path);
    });
    if (!inner) return;
    const name = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
    for (const rule of this.o.propertyChecks ?? [])
      if (rule.name.test(name) && !this.clean(() => rule.check(value, path))) return;
  }

  private checkUnion(value: unknown, branches: readonly Schema[], path: string, definition?: string): void {
    const fitting = branches.filter((b) => this.fits(value, b));
    if (fitting.length === 0) {
      const expected = this.describe({ anyOf: branches });
      const what = isPlainObject(value) ? 'a plain object' : show(value);
      const factory = branches
        .map((b) => (b.$ref ? this.definition(b.$ref)[1]['x-instanceof'] : b['x-instanceof']))
        .find((c) => c !== undefined);
      throw new ConfigError(
        path,
        `${what} is not ${expected}; ${factory && isPlainObject(value) ? this.factories(factory) : `give ${expected}`}`,
      );
    }
    // The first branch that passes wins; when none does, the first branch's problems are the report.
    let first: readonly ConfigError[] | undefined;
    for (const b of fitting) {
      const branch = new Checker(this.o);
      branch.found.attempt(() => branch.check(value, b, path, definition));
      if (!branch.found.failed) return;
      first ??= branch.found.errors;
    }
    this.found.add(...first!);
  }

  private checkArray(value: unknown[], schema: Schema, path: string): void {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      throw new ConfigError(path, `has ${value.length} items; give at least ${schema.minItems}`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      throw new ConfigError(path, `has ${value.length} items; give at most ${schema.maxItems}`);
    value.forEach((item, i) => {
      const itemSchema = Array.isArray(schema.items) ? schema.items[i] : schema.items;
      if (itemSchema) this.found.attempt(() => this.check(item, itemSchema as Schema, `${path}[${i}]`));
    });
  }

  private checkObject(value: Record<string, unknown>, schema: Schema, path: string): void {
    const properties = schema.properties ?? {};
    const known = Object.keys(properties);
    for (const key of schema.required ?? []) {
      if (value[key] === undefined)
        this.found.add(
          new ConfigError(
            at(path, key),
            this.classOf(properties[key] ?? {})
              ? `is missing; it is required: ${this.factories(this.classOf(properties[key])!)}`
              : `is missing; it is required (${this.describe(properties[key] ?? {})})`,
          ),
        );
    }
    for (const [key, v] of Object.entries(value)) {
      const sub = properties[key];
      if (sub) {
        if (v !== undefined) this.found.attempt(() => this.check(v, sub, at(path, key)));
      } else if (schema.additionalProperties === false) {
        const guess = closest(key, known);
        this.found.add(
          new ConfigError(
            at(path, key),
            `unknown property (value ${show(v)}); ${
              guess
                ? `did you mean '${guess}'?`
                : `remove it; known properties: ${known.join(', ') || 'none'}`
            }`,
          ),
        );
      } else if (typeof schema.additionalProperties === 'object' && v !== undefined) {
        const additional = schema.additionalProperties;
        this.found.attempt(() => this.check(v, additional, at(path, key)));
      }
    }
  }
}
