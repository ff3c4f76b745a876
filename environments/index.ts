import { ConfigError } from '../lib/errors';
import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import { EnvironmentDefinition } from './types';

export { defineEnvironment } from './types';
export { EXAMPLES } from '../examples';
export type { EnvironmentDefinition } from './types';

/** Every environment `npm run synth` writes to `dist/<name>/`. Add a new one here. */
export const ENVIRONMENTS: readonly EnvironmentDefinition[] = [dev, staging, prod];

/**
 * The environments named on the command line (all of them when none is named). An unknown
 * name is an error that lists the known ones.
 */
export function selectEnvironments(
  names: readonly string[],
  all: readonly EnvironmentDefinition[] = ENVIRONMENTS,
): EnvironmentDefinition[] {
  if (names.length === 0) return [...all];
  return names.map((name) => {
    const env = all.find((e) => e.name === name);
    if (!env)
      throw new ConfigError(
        'environment',
        `unknown environment '${name}'; known environments: ${all.map((e) => e.name).join(', ')}`,
      );
    return env;
  });
}
