import { ConfigError } from '../../lib/errors';

/** The ConfigError `fn` throws (the test fails if it throws nothing or something else). */
function configErrorOf(fn: () => unknown): ConfigError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return thrown as ConfigError;
}

/** Asserts that `fn` throws a ConfigError with exactly this message. */
export function expectError(fn: () => unknown, message: string): void {
  expect(configErrorOf(fn).message).toBe(message);
}

/** Asserts that `fn` throws a ConfigError whose message starts with `prefix`. */
export function expectErrorStartingWith(fn: () => unknown, prefix: string): void {
  expect(configErrorOf(fn).message.slice(0, prefix.length)).toBe(prefix);
}
