/**
 * Pure config model of Tempo 2.10.8 (grafana/tempo, tag v2.10.8), the supported 2.x line: the
 * ingester-based architecture (single binary, or distributed with ingesters and a compactor on
 * a memberlist ring). vParquet2 and the OpenCensus receiver are gone in 2.10. Sources:
 * `cmd/tempo/app/config.go`, `modules/ingester/config.go`, `tempodb/compactor.go`,
 * `modules/generator/config.go`; every key is in `schemas/tempo/tempo-2.10.8-defaults.yaml` or
 * a documented `omitempty` field.
 */
import {
  ClusterTopology,
  commonHead,
  defined,
  dur,
  generatorBase,
  memberlist,
  overrides,
  querier,
  queryFrontend,
  receivers,
  storageTrace,
  TEMPO_PATHS,
  TempoConfigSettings,
} from './tempo-config';

export function buildTempo2Config(
  s: TempoConfigSettings,
  topology?: ClusterTopology,
): Record<string, unknown> {
  const memberlistRing = topology ? { kvstore: { store: 'memberlist' } } : undefined;
  const ingester = s.ingester!;
  const mg = generatorBase(s);
  return defined({
    // Distributed components get `-target=<component>` on the command line instead.
    target: topology ? undefined : 'all',
    ...commonHead(s),
    distributor: defined({ ring: memberlistRing, receivers: receivers(s, topology) }),
    ingester: {
      ...(topology
        ? {
            lifecycler: {
              ring: { kvstore: { store: 'memberlist' }, replication_factor: s.replicationFactor },
            },
          }
        : {}),
      trace_idle_period: ingester.traceIdlePeriod.toString(),
      max_block_bytes: ingester.maxBlockBytes,
      max_block_duration: ingester.maxBlockDuration.toString(),
    },
    querier: querier(s, topology),
    query_frontend: queryFrontend(s),
    compactor: {
      ...(topology ? { ring: memberlistRing } : {}),
      compaction: defined({
        block_retention: s.compaction.blockRetention.toString(),
        compacted_block_retention: s.compaction.compactedBlockRetention.toString(),
        compaction_window: dur(s.compaction.compactionWindow),
      }),
    },
    metrics_generator: mg && {
      ...(topology ? { ring: memberlistRing } : {}),
      ...mg,
      // Only read by the local-blocks processor (TraceQL metrics over recent data).
      ...(s.metricsGenerator!.processors.includes('local-blocks')
        ? { traces_storage: { path: TEMPO_PATHS.generatorTraces } }
        : {}),
    },
    storage: storageTrace(
      s,
      defined({ path: TEMPO_PATHS.wal, v2_encoding: s.storage.walEncoding }),
      defined({
        bloom_filter_false_positive: s.storage.bloomFilterFalsePositive,
        version: s.storage.blockVersion,
        v2_encoding: s.storage.blockEncoding,
      }),
    ),
    memberlist: memberlist(topology),
    overrides: overrides(s),
  });
}
