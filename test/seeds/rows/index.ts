import type { SeedRow } from '../harness';
import { ROWS as COLLECTOR } from './collector';
import { ROWS as GRAFANA } from './grafana';
import { ROWS as MONITORING } from './monitoring';
import { ROWS as TEMPO } from './tempo';

/**
 * Every area's seed rows. Each area keeps its own file (rows/<area>.ts exporting `ROWS`) and adds
 * it here.
 */
export const SEED_ROWS: readonly SeedRow[] = [...TEMPO, ...GRAFANA, ...COLLECTOR, ...MONITORING];
