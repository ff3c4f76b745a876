import { ConfigError } from '../../lib/errors';

/** Asserts that `fn` throws a ConfigError with exactly this message. */
export function expectError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  expect((thrown as Error).message).toBe(message);
}
