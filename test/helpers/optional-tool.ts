/**
 * A tool or file some tests need and a plain checkout may lack. Returns whether it is there; when
 * it is not, fails the suite if `requireVar` is set (as .ci/run does) and otherwise says which
 * tests are skipped and how to get it.
 */
export function optionalTool(present: boolean, requireVar: string, what: string, howToGet: string): boolean {
  if (present) return true;
  if (process.env[requireVar])
    throw new Error(`${what} is required (${requireVar} is set) but missing: ${howToGet}`);
  console.log(`${what} not found (${howToGet}): skipping the tests that need it`);
  return false;
}
