/**
 * Pure config model of Tempo 3.0.3 (grafana/tempo, tag v3.0.3). Monolithic (`target: all`, no
 * Kafka: the distributor pushes in-process to the live-store and metrics-generator) or
 * microservices (one config file for every `-target`; Kafka in `ingest`, memberlist for the
 * rings). 3.0 has no `ingester`, `ingester_client`, `compactor` or `ingest.enabled`; block and
 * WAL settings live in `storage.trace.block` (`migrate-to-3.md`, `cmd/tempo/app/config.go`).
 * Every key is in `schemas/tempo/tempo-3.0.3-defaults.yaml` or a documented `omitempty` field.
 */
import {
  ClusterTopology,
  commonHead,
  defined,
  dur,
  generatorBase,
  memberlist,
  nonEmpty,
  overrides,
  port,
  querier,
  queryFrontend,
  receivers,
  storageTrace,
  TEMPO_PATHS,
  TempoConfigSettings,
} from './tempo-config';
import { TEMPO3_DEFAULTS } from './tempo-defaults';

const compaction = (s: TempoConfigSettings) =>
  defined({
    block_retention: s.compaction.blockRetention.toString(),
    compacted_block_retention: s.compaction.compactedBlockRetention.toString(),
    compaction_window: dur(s.compaction.compactionWindow),
  });

/**
 * The query-frontend's split of recent reads, written out (docs/tempo.md "Recent data"): traces
 * newer than `query_backend_after` come from the live-stores, older ones from the backend, for
 * search and TraceQL metrics alike (one value: a metrics split past the live-store's
 * `complete_block_timeout` fails with "time range must be within last 20m",
 * `modules/livestore/instance_search.go`); the end of every query is clamped to
 * now − `query_end_cutoff` (`modules/frontend/pipeline/async_adjust_start_end.go`).
 */
function recentReads(
  s: TempoConfigSettings,
  frontend: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const r = s.recentReads;
  if (!r) return frontend;
  // `search.query_backend_after` is written by `queryFrontend()` from the same value.
  return {
    ...frontend,
    metrics: { query_backend_after: r.queryBackendAfter.toString() },
    query_end_cutoff: TEMPO3_DEFAULTS.queryEndCutoff.toString(),
  };
}

export function buildTempo3Config(
  s: TempoConfigSettings,
  topology?: ClusterTopology,
): Record<string, unknown> {
  const kafka = s.kafka;
  const ls = s.liveStore;
  return defined({
    // Microservices get `-target=<component>` on the command line instead.
    target: topology ? undefined : 'all',
    ...commonHead(s),
    distributor: { receivers: receivers(s, topology) },
    // The write path (microservices only; monolithic has no Kafka). `address` is a single seed
    // broker; auto-creation is off because it would set the broker-wide `num.partitions` to
    // `auto_create_topic_default_partitions` (1000): the topic is created beforehand.
    ingest: kafka && {
      kafka: defined({
        address: kafka.address,
        topic: kafka.topic,
        auto_create_topic_enabled: false,
        sasl_username: kafka.sasl?.username,
        sasl_password: kafka.sasl?.password,
      }),
    },
    // Static assignment: block-builder pod → partitions (`modules/blockbuilder/config.go`; one of
    // assigned_partitions / partitions_per_instance must be set outside target `all`).
    block_builder: s.blockBuilderPartitions && {
      assigned_partitions: Object.fromEntries(
        Object.entries(s.blockBuilderPartitions).map(([pod, parts]) => [pod, [...parts]]),
      ),
      // One block per tenant per cycle: the 2.x ingester's max_block_duration / max_block_bytes
      // of a Kafka deployment (`modules/blockbuilder/config.go` at v3.0.3).
      ...defined({ consume_cycle_duration: dur(s.blockBuilder?.consumeCycleDuration) }),
      ...(s.blockBuilder?.maxBlockBytes !== undefined
        ? { block: { max_block_bytes: s.blockBuilder.maxBlockBytes } }
        : {}),
      wal: { path: TEMPO_PATHS.blockBuilderWal },
    },
    live_store: defined({
      wal: { path: TEMPO_PATHS.liveStoreWal },
      shutdown_marker_dir: TEMPO_PATHS.liveStoreShutdownMarker,
      max_trace_idle: dur(ls?.maxTraceIdle),
      max_trace_live: dur(ls?.maxTraceLive),
      complete_block_timeout: dur(ls?.completeBlockTimeout),
      // Monolithic: the live-store flushes these blocks to the backend itself
      // (`modules/livestore/complete_block_lifecycle.go` at v3.0.3).
      max_block_duration: dur(ls?.maxBlockDuration),
      max_block_bytes: ls?.maxBlockBytes,
      fail_on_high_lag: s.recentReads?.failOnHighLag,
      // Microservices: `/ready` only once the live-store has caught up on Kafka (up to
      // `readiness_max_wait`, 30m), so the rollout-operator rolls the next zone only when this one
      // serves complete results again (`modules/livestore/live_store.go` waitForCatchUp; 0, Tempo's
      // default, means ready at once). 5s is what Tempo's own distributed examples use.
      readiness_target_lag: kafka && '5s',
      // A partition drained for a scale-in (INACTIVE, no owners left) leaves the ring after the
      // drain delay, as the jsonnet's `delete_inactive_partition_after: downscale_delay` (default 13h).
      partition_ring: s.liveStorePartitionDrain && {
        delete_inactive_partition_after: s.liveStorePartitionDrain.toString(),
      },
    }),
    querier: querier(s, topology),
    query_frontend: recentReads(s, queryFrontend(s)),
    metrics_generator: generatorBase(s),
    // Retention and compaction settings go to both the scheduler's compaction provider (which
    // plans the jobs) and the workers (which run them and apply retention), as Tempo's own
    // example does (docs/sources/tempo/configuration/hosted-storage/s3.md at v3.0.3).
    backend_scheduler: {
      // Its work file (job state) on the PVC, so a restarted scheduler resumes its jobs.
      local_work_path: TEMPO_PATHS.backendSchedulerWork,
      provider: { compaction: { compaction: compaction(s) } },
    },
    backend_worker: {
      // Monolithic: the in-process scheduler on our gRPC port (Tempo would guess the same and warn).
      backend_scheduler_addr: topology?.backendSchedulerAddress ?? `127.0.0.1:${port(s, 'grpc')}`,
      compaction: compaction(s),
    },
    storage: storageTrace(
      s,
      { path: TEMPO_PATHS.wal },
      nonEmpty(
        defined({
          bloom_filter_false_positive: s.storage.bloomFilterFalsePositive,
          version: s.storage.blockVersion,
        }),
      ),
    ),
    memberlist: memberlist(topology),
    overrides: overrides(s),
  });
}
