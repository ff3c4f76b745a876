import type { EnvironmentDefinition } from '../environments/types';
import { fawkes } from './fawkes';
import { honua } from './honua';
import { tempoValues } from './tempo-values';
import { ybuilt } from './ybuilt';
import { ycDev } from './yc-dev';

/** The five seed deployments (../shared/seeds) as examples; `npm run synth:examples` writes examples/dist/. */
export const EXAMPLES: readonly EnvironmentDefinition[] = [ycDev, tempoValues, honua, fawkes, ybuilt];
