/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc only strips types (fast); `npm test` runs `tsc --noEmit` first for type checking.
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: 2,
  // promtool cases run as child processes; on a busy 2-core machine they need more than 5 s.
  testTimeout: 120000,
};
