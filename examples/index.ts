import type { EnvironmentDefinition } from '../index';
import { fawkes } from './fawkes';
import { honua, honuaAzure, honuaDev, honuaGcs, honuaTesting } from './honua';
import { migration2x, migration3 } from './migration';
import { tempoValues, tempoValuesDev } from './tempo-values';
import { ybuilt } from './ybuilt';
import { ycDev } from './yc-dev';

/** The five seed deployments (../shared/seeds) as examples; `npm run synth:examples` writes examples/dist/. */
export const EXAMPLES: readonly EnvironmentDefinition[] = [
  ycDev,
  tempoValues,
  tempoValuesDev,
  honua,
  honuaTesting,
  honuaDev,
  honuaGcs,
  honuaAzure,
  fawkes,
  ybuilt,
  // The worked 2.x → 3.0 migration: both deployments on one bucket.
  migration2x,
  migration3,
];
