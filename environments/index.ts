import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import { EnvironmentDefinition } from './types';

export { defineEnvironment } from './types';
export type { EnvironmentDefinition } from './types';

/**
 * Every environment `npm run synth` writes to `dist/<name>/`. Add a new one here. Each is named
 * in its files' headers and SUMMARY.md as `environments/<name>.ts` (set `source` where it is not).
 */
export const ENVIRONMENTS: readonly EnvironmentDefinition[] = [dev, staging, prod].map((env) =>
  // Anything but an object is left for the CLI to report.
  env !== null && typeof env === 'object' ? { source: `environments/${env.name}.ts`, ...env } : env,
);
