/**
 * Every metric an alert, recording rule or dashboard reads, by the target that exposes it. The
 * tests check each expression's metric names against this catalog and each catalog entry
 * against a scraped target, so an alert can never wait on a series that does not exist.
 *
 * Tempo 3.0.3 and 2.10.8 (namespace `tempo`/`tempodb`): `modules/distributor/distributor.go`,
 * `modules/overrides` (discarded spans), dskit `server/metrics.go` (request duration, buckets
 * .005 … 1, 2.5, 5, 10, 25, 50, 100 s), `tempodb/compactor.go`, `tempodb/blocklist/poller.go`,
 * `pkg/util/runtimeconfig` (overrides reload). 2.10 only: `modules/ingester/flush.go`. 3.0 only
 * (grafana/tempo v3.0.3): `pkg/ingest/metrics.go` (partition lag by `group`, `partition`),
 * `pkg/ingest/writer_client.go` (produce failures), `modules/blockbuilder/blockbuilder.go`,
 * `modules/livestore/{live_store,complete_block_lifecycle}.go`,
 * `modules/backendscheduler/metrics.go`, `modules/backendworker/metrics.go`, dskit
 * `ring/partition_ring_watcher.go`. Alert expressions follow
 * `operations/tempo-mixin-compiled/alerts.yaml` at the same tag.
 * Collector 0.161.0 self-telemetry with `without_type_suffix: false`, `without_units: false`:
 * counters end in `_total`, `{span}`-style units add nothing (exporterhelper, receiverhelper,
 * memorylimiterprocessor and tailsamplingprocessor `metadata.yaml`). The memory limiter's own
 * `otelcol_processor_memory_limiter_*` counters exist since core 0.155.0; the tail-sampling
 * counters carry `decision` (sampled | not_sampled | dropped). test/helpers/otelcol-e2e.ts scrapes
 * the real collector and checks every otelcol_* name that rules and dashboards use.
 */
export const TEMPO_METRICS = {
  spansReceived: 'tempo_distributor_spans_received_total',
  bytesReceived: 'tempo_distributor_bytes_received_total',
  discardedSpans: 'tempo_discarded_spans_total',
  requestDurationBucket: 'tempo_request_duration_seconds_bucket',
  requestDurationCount: 'tempo_request_duration_seconds_count',
  /** Bytes queries read from disk and object storage, by `tenant`, `op` (modules/frontend/slos.go). */
  queryBytesInspected: 'tempo_query_frontend_bytes_inspected_total',
  runtimeConfigReloadSuccessful: 'tempo_runtime_config_last_reload_successful',
  ringMembers: 'tempo_ring_members',
  compactionErrors: 'tempodb_compaction_errors_total',
  compactionBlocks: 'tempodb_compaction_blocks_total',
  compactionOutstandingBlocks: 'tempodb_compaction_outstanding_blocks',
  blocklistLength: 'tempodb_blocklist_length',
  /** Gauge of the bytes of a tenant's blocks in the backend, by `status` (live | compacted): tempodb/blocklist/poller.go. */
  backendBytes: 'tempodb_backend_bytes_total',
  blocklistPollErrors: 'tempodb_blocklist_poll_errors_total',
  tenantIndexErrors: 'tempodb_blocklist_tenant_index_errors_total',
  tenantIndexBuilder: 'tempodb_blocklist_tenant_index_builder',
  tenantIndexAgeSeconds: 'tempodb_blocklist_tenant_index_age_seconds',
} as const;

/**
 * Tempo's memcached client, both lines (`pkg/cache/memcached.go` at v3.0.3 and v2.10.8: the
 * histogram `tempo_memcache_request_duration_seconds` with the const label `name`, the cache's
 * roles joined by `|`, and `method` (`Memcache.Get` for the backend roles' single-key reads,
 * `Memcache.GetMulti`, `Memcache.Put`) and `status_code` (200 hit or stored, 404 miss, 500 error,
 * `memcacheStatusCode`). Exposed only with `tempo.caches`.
 */
export const TEMPO_CACHE_METRICS = {
  memcacheRequests: 'tempo_memcache_request_duration_seconds_count',
} as const;

/**
 * The memcached exporter sidecar of a pool this app deploys (prom/memcached-exporter v0.16.0,
 * `pkg/exporter/exporter.go`, namespace `memcached`).
 */
export const MEMCACHED_METRICS = {
  up: 'memcached_up',
  currentConnections: 'memcached_current_connections',
  maxConnections: 'memcached_max_connections',
} as const;

/**
 * The rollout-operator of Tempo 3.0's live-store zones (grafana/rollout-operator v0.38.1,
 * `pkg/controller/controller.go`, by `rollout_group`), scraped on its `http-metrics` port (8001).
 */
export const ROLLOUT_OPERATOR_METRICS = {
  lastSuccessfulReconcile: 'rollout_operator_last_successful_group_reconcile_timestamp_seconds',
} as const;

/**
 * The query gateway's exporter sidecar (nginx/nginx-prometheus-exporter v1.5.3, README "Exported
 * Metrics"): `nginx_up` is 1 when its last read of nginx's `stub_status` succeeded, else 0.
 */
export const NGINX_EXPORTER_METRICS = {
  up: 'nginx_up',
  /** Requests nginx has served (all listeners: queries, ingest, Grafana's, the probes). */
  httpRequests: 'nginx_http_requests_total',
  connectionsActive: 'nginx_connections_active',
} as const;

/**
 * The OIDC gateway's oauth2-proxy (v7.15.6 `pkg/middleware/metrics.go`, on `--metrics-address`):
 * every request it answered, by HTTP status `code`.
 */
export const OAUTH2_PROXY_METRICS = {
  requests: 'oauth2_proxy_requests_total',
} as const;

/** Metrics only Tempo 3.0.3 emits (Kafka write path, live-store, block-builder, backend jobs). */
export const TEMPO3_METRICS = {
  // The native form of tempo_request_duration_seconds (no suffix): cmd/tempo/app/modules.go:96
  // sets MetricsNativeHistogramFactor 1.1; dskit server/metrics.go:56-64 builds the histogram
  // with it. Scraped only with monitoring.nativeHistograms.
  requestDurationNative: 'tempo_request_duration_seconds',
  partitionLagSeconds: 'tempo_ingest_group_partition_lag_seconds',
  distributorKafkaWriteBytes: 'tempo_distributor_kafka_write_bytes_total',
  distributorProduceFailures: 'tempo_distributor_produce_failures_total',
  blockBuilderFetchErrors: 'tempo_block_builder_fetch_errors_total',
  blockBuilderOwnedPartitions: 'tempo_block_builder_owned_partitions',
  partitionRingPartitions: 'tempo_partition_ring_partitions',
  liveStoreReady: 'tempo_live_store_ready',
  liveStoreFailedFlushes: 'tempo_live_store_local_failed_flushes_total',
  // modules/livestore/live_store.go:120-124 at v3.0.3, label `route` (SearchRecent, QueryRange):
  // a recent query met a live-store whose Kafka lag overlaps its time range (counted whether
  // fail_on_high_lag fails the request or not). Kafka only: a monolithic live-store never lags.
  liveStoreLaggedRequests: 'tempo_live_store_lagged_requests_total',
  backendSchedulerJobsCreated: 'tempo_backend_scheduler_jobs_created_total',
  backendSchedulerJobsFailed: 'tempo_backend_scheduler_jobs_failed_total',
  backendWorkerBadJobs: 'tempo_backend_worker_bad_jobs_received_total',
} as const;

/**
 * Every Tempo metric a deployment of this line exposes; the Kafka-path ones only in 3.0
 * microservices (monolithic 3.0 has no Kafka), the native request-duration histogram only when
 * native histograms are scraped.
 */
export function tempoExposedMetrics(
  line: '3.0' | '2.10',
  kafka: boolean,
  nativeHistograms = false,
  caches = false,
): string[] {
  const kafkaOnly = new Set<string>([
    TEMPO3_METRICS.partitionLagSeconds,
    TEMPO3_METRICS.distributorKafkaWriteBytes,
    TEMPO3_METRICS.distributorProduceFailures,
    TEMPO3_METRICS.blockBuilderFetchErrors,
    TEMPO3_METRICS.blockBuilderOwnedPartitions,
    TEMPO3_METRICS.partitionRingPartitions,
    TEMPO3_METRICS.liveStoreLaggedRequests,
  ]);
  return [
    ...Object.values(TEMPO_METRICS),
    ...(caches ? Object.values(TEMPO_CACHE_METRICS) : []),
    ...(line === '2.10'
      ? Object.values(TEMPO2_METRICS)
      : Object.values(TEMPO3_METRICS).filter(
          (m) =>
            (kafka || !kafkaOnly.has(m)) && (nativeHistograms || m !== TEMPO3_METRICS.requestDurationNative),
        )),
  ];
}

/** Metrics only Tempo 2.10.8 emits (ingesters). */
export const TEMPO2_METRICS = {
  // modules/distributor/distributor.go:60-64 at v2.10.8 (label `ingester`); failed batch appends.
  ingesterAppendFailures: 'tempo_distributor_ingester_append_failures_total',
  ingesterBytesReceived: 'tempo_ingester_bytes_received_total',
  ingesterBlocksFlushed: 'tempo_ingester_blocks_flushed_total',
  ingesterFailedFlushes: 'tempo_ingester_failed_flushes_total',
  ingesterFlushFailedRetries: 'tempo_ingester_flush_failed_retries_total',
  ingesterReplayErrors: 'tempo_ingester_replay_errors_total',
} as const;

/** Bucket boundaries (`le`) of `tempo_request_duration_seconds` (dskit instrument.DefBuckets). */
export const TEMPO_REQUEST_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100,
] as const;

/** `route` label values of the query API in `tempo_request_duration_seconds` (all start with `api_`). */
export const TEMPO_QUERY_ROUTES = 'api_.*';

export const COLLECTOR_METRICS = {
  receiverAccepted: 'otelcol_receiver_accepted_spans_total',
  receiverRefused: 'otelcol_receiver_refused_spans_total',
  exporterSent: 'otelcol_exporter_sent_spans_total',
  exporterSendFailed: 'otelcol_exporter_send_failed_spans_total',
  exporterEnqueueFailed: 'otelcol_exporter_enqueue_failed_spans_total',
  exporterQueueSize: 'otelcol_exporter_queue_size',
  exporterQueueCapacity: 'otelcol_exporter_queue_capacity',
  memoryLimiterRefused: 'otelcol_processor_memory_limiter_refused_spans_total',
  tailSamplingDroppedTooEarly: 'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early_total',
  tailSamplingTracesSampled: 'otelcol_processor_tail_sampling_global_count_traces_sampled_total',
  /** Traces over `maximum_trace_size_bytes`, dropped before their decision (tailsamplingprocessor metadata.yaml). */
  tailSamplingDroppedTooLarge: 'otelcol_processor_tail_sampling_traces_dropped_too_large_total',
  /**
   * Histogram of spans per batch an exporter sends from its sending queue (exporterhelper
   * metadata.yaml `exporter_queue_batch_send_size`; recorded at telemetry level `detailed`, which
   * the collector configs set). The batch processor's `otelcol_processor_batch_*` are gone with it.
   */
  exporterBatchSendSizeBucket: 'otelcol_exporter_queue_batch_send_size_bucket',
  /** Resident memory of the collector process (service/internal/proctelemetry). */
  processMemoryRss: 'otelcol_process_memory_rss_bytes',
} as const;

/** Series from kubelet (kube-prometheus-stack scrapes them) and Prometheus itself. */
export const PLATFORM_METRICS = {
  up: 'up',
  volumeUsedBytes: 'kubelet_volume_stats_used_bytes',
  volumeCapacityBytes: 'kubelet_volume_stats_capacity_bytes',
} as const;
