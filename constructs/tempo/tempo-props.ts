/**
 * Props of the `Tempo` construct, for both supported lines (3.0 and 2.10). Options that exist
 * only on one line say so; `resolveTempoSettings` rejects them on the other.
 */
import type { DurationInput } from '../../lib/duration';
import type { AutoscalingProps } from '../../lib/validate';
import type { ContainerImage } from '../../lib/versions';
import type { ReceiverSettings } from '../common/receivers';
import type { KafkaCluster } from '../kafka/kafka-cluster';
import type { Memcached } from '../memcached/memcached';
import type { CapacityInput } from './capacity';
import type { MetricsGeneratorProcessor } from './generated-metrics';
import type { TempoBlockVersion, TempoEncoding, TempoLogFormat, TempoLogLevel } from './tempo-config';
import type { ResourceRequirements } from '../../lib/resources';
import type { TempoStorage } from './tempo-storage';
import type {
  DnsLabel,
  DnsSubdomain,
  HttpUrl,
  LabelValue,
  PrometheusLabels,
  SecretKey,
} from '../../lib/input-types';

/** The supported Tempo lines. */
export type TempoVersion = '3.0' | '2.10';
export const TEMPO_VERSIONS: readonly TempoVersion[] = ['3.0', '2.10'];

export interface TempoIngesterProps {
  /**
   * Time after the last span before a trace is considered complete (`ingester.trace_idle_period`).
   * @default '10s'
   */
  readonly traceIdlePeriod?: DurationInput;
  /**
   * Longest time a block stays open before it is cut (`ingester.max_block_duration`).
   * @default '30m'
   */
  readonly maxBlockDuration?: DurationInput;
  /**
   * Largest block size in bytes before it is cut (`ingester.max_block_bytes`).
   * @default 524288000 (500 MB)
   */
  readonly maxBlockBytes?: number;
}

export interface TempoLimitsProps {
  /**
   * Per-tenant ingestion rate in bytes per second (`overrides.defaults.ingestion.rate_limit_bytes`).
   * @default 15000000
   */
  readonly ingestionRateLimitBytes?: number;
  /**
   * Per-tenant ingestion burst in bytes (`overrides.defaults.ingestion.burst_size_bytes`).
   * @default 20000000
   */
  readonly ingestionBurstSizeBytes?: number;
  /**
   * Live traces per tenant per ingester (`overrides.defaults.ingestion.max_traces_per_user`).
   * @default 10000
   */
  readonly maxTracesPerUser?: number;
  /**
   * Largest trace in bytes; larger traces are refused (`overrides.defaults.global.max_bytes_per_trace`).
   * @default 5000000
   */
  readonly maxBytesPerTrace?: number;
}

/** Limits of one tenant, rendered into the runtime overrides file. Unset fields use the defaults. */
export interface TempoOverridesProps extends TempoLimitsProps {
  /** Block retention of this tenant (`compaction.block_retention`), at least 1h. @default - the global retention */
  readonly retention?: DurationInput;
  /** Metrics-generator processors for this tenant. @default - the global processors */
  readonly metricsGeneratorProcessors?: MetricsGeneratorProcessor[];
}

export interface TempoRemoteWriteProps {
  /** Remote-write endpoint, e.g. `http://prometheus-operated.monitoring.svc:9090/api/v1/write`. */
  readonly url: HttpUrl;
  /** Send exemplars (trace IDs on span-metrics histograms). @default true */
  readonly sendExemplars?: boolean;
}

export interface TempoMetricsGeneratorProps {
  /** @default true when the props object is given */
  readonly enabled?: boolean;
  /** @default ['service-graphs', 'span-metrics'] */
  readonly processors?: MetricsGeneratorProcessor[];
  /**
   * Where the generated series go. Prometheus must accept remote writes
   * (`--web.enable-remote-write-receiver`, or `enableRemoteWriteReceiver: true` in the Prometheus
   * resource of the Prometheus Operator / kube-prometheus-stack); Mimir accepts them natively.
   */
  readonly remoteWrite?: TempoRemoteWriteProps[];
  /** Labels added to every generated series (`registry.external_labels`). @default {} */
  readonly externalLabels?: PrometheusLabels;
}

export interface TempoTlsProps {
  /** Existing Secret (e.g. from cert-manager) holding the receiver certificate and key. */
  readonly secretName: DnsSubdomain;
  /** @default 'tls.crt' */
  readonly certKey?: SecretKey;
  /** @default 'tls.key' */
  readonly keyKey?: SecretKey;
}

/** A Secret with the HTTP server certificate, its key and the CA that issued it (cert-manager's layout). */
export interface TempoServerTlsProps extends TempoTlsProps {
  /** Key of the issuing CA's certificate, for the scrape's verification. @default 'ca.crt' */
  readonly caKey?: SecretKey;
}

export interface TempoSearchProps {
  /** `query_frontend.search.concurrent_jobs`. @default - Tempo's (1000) */
  readonly concurrentJobs?: number;
  /** `query_frontend.search.target_bytes_per_job`. @default - Tempo's (100 MiB) */
  readonly targetBytesPerJob?: number;
  /** `query_frontend.search.default_result_limit`. @default - Tempo's (20) */
  readonly defaultResultLimit?: number;
  /** `query_frontend.search.max_result_limit`, 0 for none. @default - Tempo's (0) */
  readonly maxResultLimit?: number;
  /** Longest time range one search may cover (`max_duration`). @default - Tempo's (168h) */
  readonly maxDuration?: DurationInput;
  /** Search the backend for data older than this (`query_backend_after`). @default - Tempo's (15m) */
  readonly queryBackendAfter?: DurationInput;
  /** Tempo 2.10 only: search ingesters for data newer than this (`query_ingesters_until`). @default - Tempo's (30m) */
  readonly queryIngestersUntil?: DurationInput;
}

export interface TempoComponentProps {
  /** @default - from the capacity plan, else 2 (distributor, querier, query-frontend), 3 (ingester), 1 (compactor, metrics-generator) */
  readonly replicas?: number;
  /** @default - from the capacity plan, else per component */
  readonly resources?: ResourceRequirements;
  /** HorizontalPodAutoscaler on CPU (distributor, querier, query-frontend only). @default - none */
  readonly autoscaling?: AutoscalingProps;
}

/** Tempo 2.10 only: the 2.x distributed topology (ingesters on a memberlist ring, compactor). */
export interface TempoDistributedProps {
  /** Size every component from a traffic target; explicit component settings win. @default - per-component defaults */
  readonly capacity?: CapacityInput;
  /** Copies of each trace across ingesters. @default 3 */
  readonly replicationFactor?: number;
  readonly distributor?: TempoComponentProps;
  readonly ingester?: TempoComponentProps;
  readonly querier?: TempoComponentProps;
  readonly queryFrontend?: TempoComponentProps;
  readonly compactor?: TempoComponentProps;
  /** Runs when `metricsGenerator` is configured. */
  readonly metricsGenerator?: TempoComponentProps;
}

export interface TempoProps {
  /**
   * The Tempo line: `'3.0'` (3.0.3, the recommended line) or `'2.10'` (2.10.8, supported until
   * 2027-04-26, for clusters not yet migrated). Options that exist on one line only are an
   * error on the other.
   * @default '3.0'
   */
  readonly version?: TempoVersion;
  /**
   * Name of every object (StatefulSet, Services, ConfigMap, ServiceAccount) and the
   * `app.kubernetes.io/instance` label. A DNS-1123 label of at most 52 characters.
   * @default 'tempo'
   */
  readonly name?: DnsLabel;
  /**
   * Name of the ConfigMap holding `tempo.yaml`. A DNS-1123 subdomain.
   * @default '<name>-config'
   */
  readonly configMapName?: DnsSubdomain;
  /**
   * Directory the config ConfigMap is mounted at (`-config.file=<dir>/tempo.yaml`). An absolute
   * path outside Tempo's data, overrides, TLS and scratch directories.
   * @default '/conf'
   */
  readonly configMountPath?: string;
  /**
   * Pods of the monolithic binary (always 1: more need microservices).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Tempo 3.0 microservices: one workload per component, Kafka as the write path, memberlist for
   * the rings. Needs object storage and a `KafkaCluster`.
   * @default - monolithic (`-target=all`, no Kafka)
   */
  readonly microservices?: TempoMicroservicesProps;
  /**
   * Tempo 2.10 only: distributed mode with ingesters on a memberlist ring. Needs object storage.
   * @default - single binary
   */
  readonly distributed?: TempoDistributedProps;
  /**
   * Container image.
   * @default IMAGES.tempo (grafana/tempo:3.0.3), IMAGES.tempo2 (grafana/tempo:2.10.8) for version '2.10'
   */
  readonly image?: ContainerImage;
  /**
   * Trace storage backend: `TempoStorage.local()`, `.s3()`, `.gcs()` or `.azure()`.
   * @default TempoStorage.local() (10Gi PVC)
   */
  readonly storage?: TempoStorage;
  /**
   * How long blocks are kept (3.0: `backend_worker.compaction.block_retention`, 2.10:
   * `compactor.compaction.block_retention`). At least 1h.
   * @default '336h' (14 days, Tempo's default)
   */
  readonly retention?: DurationInput;
  /**
   * How long compacted-away blocks stay readable (`compacted_block_retention`).
   * @default '1h'
   */
  readonly compactedBlockRetention?: DurationInput;
  /**
   * Receivers; `true` turns one on, `false` off, `{ port }` moves it. Jaeger Thrift compact and
   * binary (UDP) are off by default: they carry no `X-Scope-OrgID`, so with multi-tenancy on
   * Tempo drops every span sent there, and asking for them is then an error.
   * @default - OTLP gRPC/HTTP, Jaeger gRPC/Thrift HTTP and Zipkin on their standard ports
   */
  readonly receivers?: ReceiverSettings;
  /**
   * HTTP API port (`server.http_listen_port`): queries, `/ready`, `/metrics`.
   * @default 3200
   */
  readonly httpPort?: number;
  /**
   * gRPC port (`server.grpc_listen_port`).
   * @default 9095
   */
  readonly grpcPort?: number;
  /**
   * Blocks in this time window are compacted together (`compaction_window`).
   * @default - Tempo's (1h)
   */
  readonly compactionWindow?: DurationInput;
  /** Tempo 2.10 only: ingester block settings. @default - see `TempoIngesterProps` */
  readonly ingester?: TempoIngesterProps;
  /** Tempo 3.0 only: live-store settings. @default - see `TempoLiveStoreProps` */
  readonly liveStore?: TempoLiveStoreProps;
  /**
   * Query caches (Tempo's `cache.caches`, both lines): memcached pools by typed reference, each
   * serving its roles. At prod's scale queriers read every block's bloom filter per trace lookup;
   * without a cache each one is an object-storage GET. Sized from the capacity plan when there is
   * one (docs/tempo.md, "Read path").
   * @default - no cache
   */
  readonly caches?: readonly TempoCacheProps[];
  /**
   * Tempo 3.0 microservices only: how block-builders cut the backend blocks (the 2.x
   * `ingester.max_block_duration` / `max_block_bytes` of a distributed deployment).
   * @default - see `TempoBlockBuilderProps`
   */
  readonly blockBuilder?: TempoBlockBuilderProps;
  /**
   * Tempo 2.10 only: memory ballast in MiB (`-mem-ballast-size-mbs`). Tempo 3.0.0 removed the
   * flag (CHANGELOG, PR #6403); every Tempo container gets `GOMEMLIMIT` (0.8 × its memory limit)
   * on both lines.
   * @default - no ballast
   */
  readonly memoryBallastMiB?: number;
  /**
   * Turns compaction off for every tenant (`compaction_disabled` in the defaults and in each
   * tenant's overrides, which do not inherit it). For a migration, where only one of two Tempo
   * deployments on the same bucket may compact (`migrate-to-3.md`).
   * @default false
   */
  readonly compactionDisabled?: boolean;
  /** Default per-tenant limits, in the `overrides: defaults:` format. @default - see `TempoLimitsProps` */
  readonly limits?: TempoLimitsProps;
  /**
   * Limits of individual tenants, in a runtime overrides file (ConfigMap `<name>-overrides`,
   * `per_tenant_override_config`) that Tempo re-reads every 10s: editing a tenant does not
   * restart Tempo. Needs `multitenancy: true`.
   * @default {}
   */
  readonly tenants?: Record<string, TempoOverridesProps>;
  /**
   * `multitenancy_enabled`: every write and query must then carry an `X-Scope-OrgID: <tenant>`
   * header (the collector's Tempo exporter and the Grafana datasource send it).
   * @default false
   */
  readonly multitenancy?: boolean;
  /** Metrics generator (span metrics, service graphs). @default - disabled */
  readonly metricsGenerator?: TempoMetricsGeneratorProps;
  /** TLS on the OTLP receivers (gRPC and HTTP). @default - plaintext */
  readonly receiverTls?: TempoTlsProps;
  /**
   * TLS on the HTTP API port (`server.http_tls_config`): queries, `/ready`, `/metrics`. The probes
   * then use HTTPS, the PodMonitor scrapes over HTTPS and verifies with the Secret's CA, and the
   * Grafana datasource URL is `https://` (Grafana must trust the issuing CA). The certificate
   * must name the query Service (`<name>.<namespace>.svc.cluster.local`, or
   * `<name>-query-frontend…` in microservices), which the PodMonitor checks as `serverName`.
   * @default - plaintext
   */
  readonly serverTls?: TempoServerTlsProps;
  /** Tempo 2.10 only: WAL encoding (`storage.trace.wal.v2_encoding`). @default - Tempo's (snappy) */
  readonly wal?: { readonly encoding?: TempoEncoding };
  /** Block format and bloom filters (`storage.trace.block`). @default - see `TempoBlockProps` */
  readonly block?: TempoBlockProps;
  /** Backend worker pool (`storage.trace.pool`). @default - Tempo's (400 workers, queue 20000) */
  readonly pool?: { readonly maxWorkers?: number; readonly queueDepth?: number };
  /** Search settings of the query frontend. @default - Tempo's */
  readonly search?: TempoSearchProps;
  /** @default - Tempo's (2000 outstanding requests per tenant, 2 retries) */
  readonly queryFrontend?: { readonly maxOutstandingPerTenant?: number; readonly maxRetries?: number };
  /** @default - Tempo's (20 concurrent queries, 30s search timeout) */
  readonly querier?: { readonly maxConcurrentQueries?: number; readonly searchQueryTimeout?: DurationInput };
  /**
   * `usage_report.reporting_enabled`: Tempo's anonymous usage report to stats.grafana.org.
   * @default false
   */
  readonly usageReporting?: boolean;
  /**
   * `stream_over_http_enabled`, used by Grafana's Tempo datasource for streaming search.
   * @default true
   */
  readonly streamOverHttp?: boolean;
  /** @default 'info' */
  readonly logLevel?: TempoLogLevel;
  /** @default 'logfmt' */
  readonly logFormat?: TempoLogFormat;
  /**
   * Container resources; given fields override the defaults one by one.
   * @default - requests 500m CPU / 2Gi, limits 1 CPU / 4Gi
   */
  readonly resources?: ResourceRequirements;
}

/** Every cache role of both lines (`pkg/cache/cache.go` and `modules/cache/config.go` `allRoles`, v3.0.3 and v2.10.8). */
export const CACHE_ROLES = [
  'bloom',
  'trace-id-index',
  'parquet-footer',
  'parquet-column-idx',
  'parquet-offset-idx',
  'parquet-page',
  'frontend-search',
] as const;
/** One of Tempo's cache roles (`CACHE_ROLES`). */
export type TempoCacheRole = (typeof CACHE_ROLES)[number];

/** One entry of `cache.caches`: a memcached pool and the roles it serves. */
export interface TempoCacheProps {
  /** The pool: `Memcached.deploy({ … })` or `Memcached.existing({ host, service, port, servers })`. */
  readonly memcached: Memcached;
  /**
   * The roles it serves; each role goes to one pool only.
   * @default - every role but parquet-page: bloom, trace-id-index, parquet-footer, parquet-column-idx, parquet-offset-idx, frontend-search (parquet-page is "very high volume", caching.md: give it a pool of its own)
   */
  readonly roles?: readonly TempoCacheRole[];
  /** Tempo's client timeout per request (`memcached.timeout`). @default '200ms' (Tempo's jsonnet) */
  readonly timeout?: DurationInput;
}

/** `storage.trace.block` (`tempodb/encoding/common/config.go` at v3.0.3 and v2.10.8). */
export interface TempoBlockProps {
  /** Block format (3.0: vParquet4 or vParquet5). @default - Tempo's (vParquet4) */
  readonly version?: TempoBlockVersion;
  /**
   * Tempo 2.10 only: encoding of v2 blocks (`v2_encoding`); parquet columns are snappy by schema
   * on both lines, and 3.0 has no v2 blocks.
   * @default - Tempo's (zstd)
   */
  readonly encoding?: TempoEncoding;
  /**
   * False-positive rate of each block's bloom filter (`bloom_filter_false_positive`), in (0, 1).
   * @default - Tempo's (0.01)
   */
  readonly bloomFilterFalsePositive?: number;
}

/** Tempo 3.0 microservices only: `block_builder` (`modules/blockbuilder/config.go` at v3.0.3). */
export interface TempoBlockBuilderProps {
  /**
   * One consumption cycle: a block-builder writes one block per tenant per cycle
   * (`block_builder.consume_cycle_duration`).
   * @default - Tempo's (5m)
   */
  readonly consumeCycleDuration?: DurationInput;
  /** Largest block a block-builder writes (`block_builder.block.max_block_bytes`). @default - Tempo's (20971520, 20 MiB) */
  readonly maxBlockBytes?: number;
}

/** Tempo 3.0 only: the live-store (recent traces, in memory and in its local WAL). */
export interface TempoLiveStoreProps {
  /** Time after the last span before a trace is flushed to the WAL (`live_store.max_trace_idle`). @default - Tempo's (5s) */
  readonly maxTraceIdle?: DurationInput;
  /** Longest time a trace stays live in memory (`live_store.max_trace_live`). @default - Tempo's (30s) */
  readonly maxTraceLive?: DurationInput;
  /** How long a completed block stays on the live-store (`live_store.complete_block_timeout`). @default - Tempo's (20m) */
  readonly completeBlockTimeout?: DurationInput;
  /**
   * Longest time a live-store block stays open before it is cut (`live_store.max_block_duration`).
   * Monolithic: the live-store flushes these blocks to the backend, so this is the 2.x
   * `ingester.max_block_duration`; microservices: it shapes only the live-store's local blocks.
   * @default - Tempo's (30s)
   */
  readonly maxBlockDuration?: DurationInput;
  /** Largest live-store block in bytes (`live_store.max_block_bytes`). @default - Tempo's (52428800, 50 MiB) */
  readonly maxBlockBytes?: number;
  /**
   * Microservices: fail a search or TraceQL-metrics query when every live-store of a partition
   * lags behind Kafka by more than the query's end (`live_store.fail_on_high_lag`,
   * `modules/livestore/live_store.go` `isLagged` at v3.0.3). Grafana's ranges all end at "now"
   * (clamped by `query_frontend.query_end_cutoff`, 30s), so with Tempo's default (`true`) a lag
   * above 30 s turns every default Grafana query into "cannot guarantee complete results",
   * during exactly the incidents people open Grafana for. Off here: the query returns what the
   * live-stores hold (at most the lag's worth of the newest spans missing) and the alert
   * `TempoLiveStoreLaggedQueries` says results are incomplete. `true` restores Tempo's behaviour.
   * @default false
   */
  readonly failOnHighLag?: boolean;
}

/** Tempo 3.0 microservices (`deployment-modes.md`): Kafka as the write path. */
export interface TempoMicroservicesProps {
  /** The Kafka distributors write to and block-builders, live-stores and metrics-generators read from. */
  readonly kafka: KafkaCluster;
  /** Size every component (and a Strimzi Kafka) from a traffic target; explicit settings win. @default - per-component defaults */
  readonly capacity?: CapacityInput;
  /**
   * The node zones (`topology.kubernetes.io/zone` values) the two live-store zones are pinned to;
   * Tempo's zone names (`-live-store.instance-availability-zone`) are `zone-a` and `zone-b`.
   * @default - not pinned; the two zones are only kept on different nodes
   */
  readonly zones?: readonly LabelValue[];
  /** Stateless; scale with an HPA on CPU. @default - 2, or from the plan */
  readonly distributor?: TempoComponentProps;
  /** Total live-stores over both zones (a multiple of 2, at most 2 × partitions). @default - 2 × partitions */
  readonly liveStore?: TempoComponentProps;
  /** At most one per partition in use; partitions are assigned explicitly. @default - one per partition in use */
  readonly blockBuilder?: TempoComponentProps;
  readonly querier?: TempoComponentProps;
  /** Kept at 2 and scaled vertically (no autoscaling). @default 2 */
  readonly queryFrontend?: TempoComponentProps;
  /** Exactly one. @default 1 */
  readonly backendScheduler?: TempoComponentProps;
  /** Scaled on compaction load. @default - 2, or from the plan */
  readonly backendWorker?: TempoComponentProps;
  /** Runs when `metricsGenerator` is configured. */
  readonly metricsGenerator?: TempoComponentProps;
  /**
   * How the live-store zones roll, are evicted and scaled in: by the rollout-operator
   * (docs/tempo.md, "Rollouts of the live-stores").
   * @default - see `TempoRolloutProps`
   */
  readonly rollout?: TempoRolloutProps;
}

/**
 * Tempo 3.0 microservices: the rollout-operator (grafana/rollout-operator, as Tempo's jsonnet at
 * v3.0.3 runs it) rolls one live-store zone at a time, keeps evictions to one zone per partition
 * (`ZoneAwarePodDisruptionBudget`) and refuses a scale-in whose partitions were not drained.
 */
export interface TempoRolloutProps {
  /**
   * Live-store pods of one zone the operator restarts at once (`rollout-max-unavailable`); the
   * other zone owns every partition meanwhile.
   * @default - the whole zone (every live-store of a zone at once, as the jsonnet's 25 does at its sizes)
   */
  readonly maxUnavailable?: number;
  /**
   * How long a partition stays read-only (INACTIVE, after `POST /live-store/prepare-partition-downscale`)
   * before its live-stores may be removed; also `live_store.partition_ring.delete_inactive_partition_after`
   * (an INACTIVE partition without owners is deleted after this). At least one block-builder cycle
   * plus two blocklist polls (5m each), so what the partition holds is in object storage and queried there.
   * @default '35m' (Tempo's jsonnet `live_store.downscale_delay`)
   */
  readonly partitionDrainDelay?: DurationInput;
  /**
   * The cert-manager Issuer or ClusterIssuer of the operator's webhook serving certificate (the API
   * server trusts its CA through cert-manager's CA injection).
   * @default - a CA of its own: a self-signed Issuer signs a CA Certificate, whose CA Issuer signs the serving certificate
   */
  readonly issuerRef?: {
    readonly name: DnsSubdomain;
    /** @default 'ClusterIssuer' */
    readonly kind?: 'Issuer' | 'ClusterIssuer';
    /** @default 'cert-manager.io' */
    readonly group?: DnsSubdomain;
  };
  /**
   * The operator container's resources; given fields override the defaults one by one.
   * @default - requests 100m CPU / 100Mi, limits 1 CPU / 200Mi (the jsonnet's)
   */
  readonly resources?: ResourceRequirements;
}
