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

  /** The same error with its property path prefixed, e.g. by the environment name. */
  public within(prefix: string): ConfigError {
    return new ConfigError(`${prefix}.${this.property}`, this.reason);
  }
}

/** Shows a received value in an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  return JSON.stringify(value);
}
