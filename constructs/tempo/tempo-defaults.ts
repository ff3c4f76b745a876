/**
 * Tempo 3.0.3's own defaults for the recent-data timings, and when a block cut by a block-builder
 * becomes visible to the queriers: one source for the read-split and rollout checks.
 */
import { GoDuration } from '../../lib/duration';

/**
 * grafana/tempo v3.0.3: `storage.trace.blocklist_poll` (`tempodb/config.go`
 * DefaultBlocklistPoll), `block_builder.consume_cycle_duration`, `live_store.complete_block_timeout`,
 * `query_frontend.query_end_cutoff` and `query_frontend.search.query_backend_after`
 * (`modules/frontend/config.go`); `../shared/reference/` lists the same.
 */
export const TEMPO3_DEFAULTS = {
  blocklistPoll: GoDuration.minutes(5),
  consumeCycle: GoDuration.minutes(5),
  completeBlockTimeout: GoDuration.minutes(20),
  queryEndCutoff: GoDuration.seconds(30),
  queryBackendAfter: GoDuration.minutes(15),
} as const;

/**
 * How long after its spans reach Kafka a trace is surely queryable from object storage: one
 * block-builder `cycle`, then two blocklist polls (grafana/tempo v3.0.3
 * `tempodb/blocklist/poller.go`: a tenant-index builder lists the new block and writes the tenant
 * index on its poll; the queriers, not builders, only read that index on their next poll). With
 * Tempo's defaults 5m + 2 × 5m = 15m, its own `query_backend_after`.
 */
export function backendVisibleAfter(cycle: GoDuration = TEMPO3_DEFAULTS.consumeCycle): GoDuration {
  return GoDuration.seconds((cycle.milliseconds + 2 * TEMPO3_DEFAULTS.blocklistPoll.milliseconds) / 1000);
}
