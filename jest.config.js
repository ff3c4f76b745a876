/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc strips the types of TypeScript (`npm test` runs tsc for checking), and every module, node_modules
  // included, gets the JavaScript intrinsics as locals: test/jest/intrinsics-transform.cjs says why.
  transform: {
    '^.+\\.(ts|c?js)$': [
      '<rootDir>/test/jest/intrinsics-transform.cjs',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Three workers on two cores: the end-to-end and promtool suites wait on child processes, and a
  // third worker fills that time (measured: 67 s against 73 s with two).
  maxWorkers: 3,
  // The real-API-server file first (test/jest/sequencer.cjs says why).
  testSequencer: '<rootDir>/test/jest/sequencer.cjs',
  // promtool cases run as child processes; on a busy 2-core machine they need more than 5 s.
  testTimeout: 120000,
};
