import { dev } from './dev';
import { prod } from './prod';
import { staging } from './staging';
import { EnvironmentDefinition } from './types';

export { defineEnvironment } from './types';
export type { EnvironmentDefinition } from './types';

/** Every environment `npm run synth` writes to `dist/<name>/`. Add a new one here. */
export const ENVIRONMENTS: readonly EnvironmentDefinition[] = [dev, staging, prod];
