/**
 * The one error type a synth raises for bad input. Its message always names the property, the
 * value received and what is expected, so the fix is obvious from the CI log alone.
 */
export class ConfigError extends Error {
  /** Dotted path of the offending property, e.g. `tempo.retention`. */
  public readonly property: string;
  /** What is wrong and how to fix it, without the property path. */
  public readonly reason: string;

  constructor(property: string, reason: string) {
    super(`${property}: ${reason}`);
    this.name = 'ConfigError';
    this.property = property;
    this.reason = reason;
  }

  /** Every problem this error stands for: itself, or each of a `ConfigErrors`. */
  public get problems(): readonly ConfigError[] {
    return [this];
  }

  /** The same error with its property path prefixed, e.g. by the environment name. */
  public within(prefix: string): ConfigError {
    return new ConfigError(`${prefix}.${this.property}`, this.reason);
  }
}

/**
 * Several independent problems of one synth, reported together (one line each) so that a user
 * fixes them in one round. It is a ConfigError: its `property` and `reason` are the first
 * problem's, its message every problem's line.
 */
export class ConfigErrors extends ConfigError {
  private constructor(private readonly list: readonly ConfigError[]) {
    super(list[0].property, list[0].reason);
    this.name = 'ConfigErrors';
    this.message = list.map((e) => e.message).join('\n');
  }

  /**
   * The problems as one error: the error itself when there is one, else a `ConfigErrors` of all of
   * them (nested lists flattened, the same line only once, first-seen order).
   */
  public static of(errors: readonly ConfigError[]): ConfigError {
    const byLine = new Map<string, ConfigError>();
    for (const e of errors.flatMap((x) => x.problems)) if (!byLine.has(e.message)) byLine.set(e.message, e);
    const flat = [...byLine.values()];
    if (flat.length === 0) throw new Error('ConfigErrors.of: no errors');
    return flat.length === 1 ? flat[0] : new ConfigErrors(flat);
  }

  public override get problems(): readonly ConfigError[] {
    return this.list;
  }

  public override within(prefix: string): ConfigError {
    return ConfigErrors.of(this.list.map((e) => e.within(prefix)));
  }
}

/**
 * Collects the ConfigErrors of independent checks, so that a synth reports all of them at once.
 * `attempt` runs one check (anything but a ConfigError still propagates: that is a bug);
 * `throwIfAny` ends the round.
 */
export class ErrorCollector {
  private readonly list: ConfigError[] = [];

  /** What was recorded so far, in order. */
  public get errors(): readonly ConfigError[] {
    return this.list;
  }

  /** Runs `fn`; returns its result, or undefined after recording the ConfigError it threw. */
  public attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.list.push(e);
      return undefined;
    }
  }

  /** Records an error found without a throw. */
  public add(...errors: readonly ConfigError[]): void {
    this.list.push(...errors);
  }

  public get failed(): boolean {
    return this.list.length > 0;
  }

  /** Records `error`, one that later checks cannot go on after, and throws every recorded one. */
  public fail(error: ConfigError): never {
    this.list.push(error);
    throw ConfigErrors.of(this.list);
  }

  /** Throws every recorded error as one (`ConfigErrors.of`), if there is any. */
  public throwIfAny(): void {
    if (this.list.length > 0) throw ConfigErrors.of(this.list);
  }
}

/** `path.key`, or `path['odd key']` for a key that is not a plain name (labels, dotted attributes). */
export function propertyPath(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/**
 * Shows a received value in an error message: strings quoted, NaN and ±Infinity by name,
 * functions and class instances by what they are, everything else as (shortened) JSON.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && proto !== Object.prototype && proto !== Array.prototype)
      return `a ${proto.constructor?.name ?? 'class'} instance`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value, (_k, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : typeof v === 'bigint' ? `${v}n` : v,
    );
  } catch {
    json = undefined; // a cycle
  }
  if (json === undefined) return Array.isArray(value) ? 'an array' : 'an object';
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/**
 * Base of the values that environment files create at load time (`TempoStorage.s3(...)`,
 * `CollectorSampling.tail(...)`): the factory only stores its props, and `validate()` runs on the
 * first `check()` (or first use). A file's module code runs outside any error handling and before
 * the environment's name is known, so nothing may throw there; the environment validation calls
 * `check()` and a problem surfaces at synth time as `<env>.<property>: …`.
 */
export abstract class DeferredChecks {
  private checked = false;

  /** Checks the stored props; throws a ConfigError. */
  protected abstract validate(): void;

  /** Runs `validate()` once; later calls are free. */
  public check(): void {
    if (this.checked) return;
    this.validate();
    this.checked = true;
  }
}
