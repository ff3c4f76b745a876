// What a failed or suspicious esbuild bundle of the app means for its user: one line per problem,
// `<file>:<line>:<column>: <what>; <the fix>`, blaming the file (an environment file above all).
// Shared by scripts/build.mjs (the synth's bundle) and the tests that bundle broken files.
'use strict';

/**
 * esbuild's warnings that are mistakes when they are in the project's own files: the same key
 * twice in an object literal silently keeps the last value, and so on.
 */
const MISTAKES = new Set(['duplicate-object-key', 'duplicate-case', 'import-is-undefined', 'equals-nan']);

const where = (m) =>
  m.location ? `${m.location.file}:${m.location.line}:${m.location.column + 1}` : 'main.ts';
const ownFile = (m) => Boolean(m.location) && !m.location.file.includes('node_modules/');

/** The error lines of a bundle: esbuild's errors, then the warnings that are mistakes. */
function bundleProblems(errors, warnings) {
  return [
    ...errors.map(
      (m) => `${where(m)}: ${m.text}; fix that line (\`npm run typecheck\` explains type errors)`,
    ),
    ...warnings
      .filter((w) => MISTAKES.has(w.id) && ownFile(w))
      .map((m) => `${where(m)}: ${m.text}; fix that line (it is a mistake, not a style issue)`),
  ];
}

/** The other warnings in the project's own files, one line each. */
function bundleWarnings(warnings) {
  return warnings.filter((w) => !MISTAKES.has(w.id) && ownFile(w)).map((w) => `${where(w)}: ${w.text}`);
}

module.exports = { bundleProblems, bundleWarnings };
