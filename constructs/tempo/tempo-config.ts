/**
 * The shared half of Tempo's pure config model: the resolved settings both lines read, the paths
 * inside the container, the blocks whose keys are the same in 3.0.3 and 2.10.8 (server,
 * receivers, storage backends, overrides, memberlist), and the renderer. The line-specific
 * halves are `tempo-config-v3.ts` (3.0.3) and `tempo-config-v2.ts` (2.10.8); `buildTempoConfig`
 * picks one. Props in, plain objects out, no construct code: unit-tested without a synth.
 *
 * Tempo parses its config strictly (`yaml.UnmarshalStrict`: one unknown key and it will not
 * start); every key below is in both reference dumps (`schemas/tempo/tempo-*-defaults.yaml`,
 * what the binaries report at `/status/config?mode=defaults`) or is a documented `omitempty`
 * field (`cmd/tempo/app/config.go`, `modules/overrides/config.go`).
 */
import type { LogLevel } from '../../lib/validate';
import { stringify } from 'yaml';
import { ConfigError } from '../../lib/errors';
import { GoDuration } from '../../lib/duration';
import { MetricsGeneratorProcessor } from './generated-metrics';
import { receiversConfig, ServingPort } from '../common/receivers';
import type { KafkaWiring } from '../kafka/kafka-cluster';
import { TEMPO_DATA_DIR, TempoBackend } from './tempo-storage';
import type { TempoVersion } from './tempo-props';
// The line-specific halves; they import the shared helpers above (used at call time only).
import { buildTempo2Config } from './tempo-config-v2';
import { buildTempo3Config } from './tempo-config-v3';

/** Tempo's `server.log_level`. */
export type TempoLogLevel = LogLevel;
export type TempoLogFormat = 'logfmt' | 'json';
/** Block encodings Tempo 2.10 accepts for `v2_encoding` (`tempodb/backend/encoding.go`). */
export type TempoEncoding =
  'none' | 'gzip' | 'lz4-64k' | 'lz4-256k' | 'lz4-1M' | 'lz4' | 'snappy' | 'zstd' | 's2';
/** Block formats Tempo writes (`tempodb/encoding/versioned.go`): 3.0 writes vParquet4 and vParquet5 only. */
export type TempoBlockVersion = 'vParquet3' | 'vParquet4' | 'vParquet5';

/** Per-tenant (or default) limits, already validated. */
export interface TempoOverrides {
  readonly ingestionRateLimitBytes?: number;
  readonly ingestionBurstSizeBytes?: number;
  readonly maxTracesPerUser?: number;
  readonly maxBytesPerTrace?: number;
  readonly blockRetention?: GoDuration;
  readonly metricsGeneratorProcessors?: readonly MetricsGeneratorProcessor[];
  readonly compactionDisabled?: boolean;
}

export interface RemoteWriteTarget {
  readonly url: string;
  readonly sendExemplars: boolean;
}

/** Fully resolved, validated Tempo settings (see `resolveTempoSettings`). */
export interface TempoConfigSettings {
  readonly line: TempoVersion;
  readonly ports: readonly ServingPort[];
  readonly logLevel: TempoLogLevel;
  readonly logFormat: TempoLogFormat;
  readonly multitenancyEnabled: boolean;
  readonly usageReportingEnabled: boolean;
  readonly streamOverHttpEnabled: boolean;
  /** 2.10 only. */
  readonly ingester?: {
    readonly traceIdlePeriod: GoDuration;
    readonly maxBlockDuration: GoDuration;
    readonly maxBlockBytes: number;
  };
  /** 3.0 only (`live_store`); unset fields keep Tempo's defaults. */
  readonly liveStore?: {
    readonly maxTraceIdle?: GoDuration;
    readonly maxTraceLive?: GoDuration;
    readonly completeBlockTimeout?: GoDuration;
    readonly maxBlockDuration?: GoDuration;
    readonly maxBlockBytes?: number;
  };
  /**
   * 3.0: how the query-frontend splits recent reads between the live-stores and the backend
   * (written explicitly: docs/tempo.md "Recent data").
   */
  readonly recentReads?: {
    /**
     * `query_frontend.search.query_backend_after` and `.metrics.query_backend_after`
     * (`query_frontend.query_end_cutoff` is Tempo's 30s, `TEMPO3_DEFAULTS.queryEndCutoff`).
     */
    readonly queryBackendAfter: GoDuration;
    /** Microservices: `live_store.fail_on_high_lag`. */
    readonly failOnHighLag?: boolean;
  };
  /** 3.0 microservices only (`block_builder`); unset fields keep Tempo's defaults. */
  readonly blockBuilder?: {
    readonly consumeCycleDuration?: GoDuration;
    readonly maxBlockBytes?: number;
  };
  readonly compaction: {
    readonly blockRetention: GoDuration;
    readonly compactedBlockRetention: GoDuration;
    readonly compactionWindow?: GoDuration;
  };
  readonly compactionDisabled: boolean;
  readonly storage: {
    readonly backend: TempoBackend;
    /** The `storage.trace.<backend>` block. */
    readonly backendConfig: Record<string, unknown>;
    readonly walEncoding?: TempoEncoding;
    readonly blockVersion?: TempoBlockVersion;
    readonly blockEncoding?: TempoEncoding;
    readonly bloomFilterFalsePositive?: number;
    readonly pool?: { readonly maxWorkers?: number; readonly queueDepth?: number };
  };
  readonly search?: {
    readonly concurrentJobs?: number;
    readonly targetBytesPerJob?: number;
    readonly defaultResultLimit?: number;
    readonly maxResultLimit?: number;
    readonly maxDuration?: GoDuration;
    readonly queryBackendAfter?: GoDuration;
    /** 2.10 only. */
    readonly queryIngestersUntil?: GoDuration;
  };
  readonly queryFrontend?: { readonly maxOutstandingPerTenant?: number; readonly maxRetries?: number };
  readonly querier?: { readonly maxConcurrentQueries?: number; readonly searchQueryTimeout?: GoDuration };
  /** Global default limits (`overrides.defaults`). */
  readonly limits: Required<
    Pick<
      TempoOverrides,
      'ingestionRateLimitBytes' | 'ingestionBurstSizeBytes' | 'maxTracesPerUser' | 'maxBytesPerTrace'
    >
  >;
  /** Per-tenant overrides, rendered into the runtime overrides file. */
  readonly tenants: Readonly<Record<string, TempoOverrides>>;
  readonly metricsGenerator?: {
    readonly processors: readonly MetricsGeneratorProcessor[];
    readonly remoteWrite: readonly RemoteWriteTarget[];
    readonly externalLabels: Readonly<Record<string, string>>;
  };
  /** TLS on the HTTP API port (`server.http_tls_config`): files mounted from a Secret. */
  readonly httpTls?: { readonly certFile: string; readonly keyFile: string };
  /** TLS on the OTLP receivers: files mounted from a Secret. */
  readonly receiverTls?: { readonly certFile: string; readonly keyFile: string };
  /** True when the config holds `${VAR}` placeholders (credentials from a Secret). */
  readonly expandEnv: boolean;
  /** 2.10 ingester replication factor (1 for the single binary and for 3.0, which is RF1). */
  readonly replicationFactor: number;
  /** 3.0 microservices: the Kafka of the write path. */
  readonly kafka?: KafkaWiring;
  /** 3.0 microservices: block-builder pod name → the partitions it consumes. */
  readonly blockBuilderPartitions?: Readonly<Record<string, readonly number[]>>;
  /** 3.0 microservices: how long a drained (INACTIVE) partition stays before it may be deleted. */
  readonly liveStorePartitionDrain?: GoDuration;
  /** `cache.caches`: memcached pools and their roles (wired by the Tempo construct). */
  readonly caches?: readonly CacheConfig[];
}

/** One `cache.caches` entry as rendered. */
export interface CacheConfig {
  readonly roles: readonly string[];
  readonly host: string;
  readonly service: string;
  readonly timeout: GoDuration;
  readonly maxItemSizeBytes: number;
}

/**
 * `cache` (`modules/cache/config.go`, `modules/cache/memcached/memcached.go`, `pkg/cache/memcached_client.go`
 * at v3.0.3 and v2.10.8, the same on both lines). An entry of `caches` is decoded into a zero
 * config, not the flags' defaults: `consistent_hash` would be false, `service` empty and the
 * circuit breaker off, so every field is written out (the values are the flags' defaults, the
 * timeout Tempo's jsonnet's 200ms).
 */
function cacheBlock(caches: readonly CacheConfig[] | undefined): Record<string, unknown> | undefined {
  if (!caches?.length) return undefined;
  return {
    background: { writeback_goroutines: 10, writeback_buffer: 10000 },
    caches: caches.map((c) => ({
      roles: [...c.roles],
      memcached: {
        host: c.host,
        service: c.service,
        consistent_hash: true,
        timeout: c.timeout.toString(),
        max_idle_conns: 16,
        update_interval: '1m',
        max_item_size: c.maxItemSizeBytes,
        circuit_breaker_consecutive_failures: 10,
        circuit_breaker_timeout: '10s',
        circuit_breaker_interval: '10s',
      },
    })),
  };
}

/** What the microservices add: the memberlist ring and how components find each other. */
export interface ClusterTopology {
  /** `dns+<gossip-service>:7946`. */
  readonly joinMember: string;
  /** Keeps two Tempo installations from joining each other's ring. */
  readonly clusterLabel: string;
  readonly gossipPort: number;
  /** `<query-frontend-discovery>:9095`. */
  readonly frontendAddress: string;
  /** 3.0: `<backend-scheduler>:9095`, where backend-workers ask for jobs. */
  readonly backendSchedulerAddress?: string;
}

/** Paths inside the container; the PVC (or scratch volume) is mounted at `TEMPO_DATA_DIR`. */
export const TEMPO_PATHS = {
  configDir: '/conf',
  configFile: 'tempo.yaml',
  overridesDir: '/runtime-config',
  overridesFile: 'overrides.yaml',
  wal: `${TEMPO_DATA_DIR}/wal`,
  generatorWal: `${TEMPO_DATA_DIR}/generator/wal`,
  generatorTraces: `${TEMPO_DATA_DIR}/generator/traces`,
  /** 3.0: live-store WAL and shutdown marker, block-builder WAL, backend-scheduler work file. */
  liveStoreWal: `${TEMPO_DATA_DIR}/live-store/traces`,
  liveStoreShutdownMarker: `${TEMPO_DATA_DIR}/live-store/shutdown-marker`,
  blockBuilderWal: `${TEMPO_DATA_DIR}/block-builder/traces`,
  backendSchedulerWork: `${TEMPO_DATA_DIR}/backend-scheduler`,
  tlsDir: '/tls',
  serverTlsDir: '/server-tls',
} as const;

/** Drops undefined values so optional settings leave no key behind. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The object, or undefined when it has no keys (so an empty block is not emitted). */
export const nonEmpty = <T extends object>(o: T | undefined): T | undefined =>
  o && Object.keys(o).length ? o : undefined;

export const dur = (d: GoDuration | undefined) => d?.toString();

/** One overrides block in the current (scoped) format, for `defaults` and for each tenant. */
function overridesBlock(o: TempoOverrides): Record<string, unknown> {
  const ingestion = defined({
    rate_limit_bytes: o.ingestionRateLimitBytes,
    burst_size_bytes: o.ingestionBurstSizeBytes,
    max_traces_per_user: o.maxTracesPerUser,
  });
  const compaction = defined({
    block_retention: o.blockRetention?.toString(),
    compaction_disabled: o.compactionDisabled || undefined,
  });
  return defined({
    ingestion: nonEmpty(ingestion),
    compaction: nonEmpty(compaction),
    metrics_generator: o.metricsGeneratorProcessors
      ? { processors: [...o.metricsGeneratorProcessors] }
      : undefined,
    global: o.maxBytesPerTrace !== undefined ? { max_bytes_per_trace: o.maxBytesPerTrace } : undefined,
  });
}

/** Top-level keys both lines share, in Tempo's documentation order. */
export function commonHead(s: TempoConfigSettings): Record<string, unknown> {
  return {
    multitenancy_enabled: s.multitenancyEnabled,
    // Lets Grafana stream search results over HTTP instead of gRPC.
    stream_over_http_enabled: s.streamOverHttpEnabled,
    // Defaults to true: Tempo would report usage to stats.grafana.org.
    usage_report: { reporting_enabled: s.usageReportingEnabled },
    server: {
      http_listen_port: port(s, 'http'),
      grpc_listen_port: port(s, 'grpc'),
      log_level: s.logLevel,
      log_format: s.logFormat,
      // dskit's server TLS (`vendor/github.com/grafana/dskit/server/server.go`, HTTPTLSConfig).
      ...(s.httpTls
        ? { http_tls_config: { cert_file: s.httpTls.certFile, key_file: s.httpTls.keyFile } }
        : {}),
    },
    ...(s.caches?.length ? { cache: cacheBlock(s.caches) } : {}),
  };
}

export const port = (s: TempoConfigSettings, name: string) => s.ports.find((p) => p.name === name)!.port;

/**
 * `distributor.receivers`. Since Tempo 2.7 the OTLP receivers default to localhost:4317/4318 and
 * receive nothing from other pods: every endpoint is written out with 0.0.0.0. Several
 * distributors behind a headless Service get a bounded connection age, so collectors re-resolve
 * and spread over distributors the autoscaler added.
 */
export function receivers(s: TempoConfigSettings, topology?: ClusterTopology): Record<string, unknown> {
  return receiversConfig(s.ports, '0.0.0.0', {
    otlpTls: s.receiverTls && { cert_file: s.receiverTls.certFile, key_file: s.receiverTls.keyFile },
    rotateGrpcConnections: topology !== undefined,
  });
}

/**
 * `query_frontend` (`query_ingesters_until` is set on 2.10 only; resolution rejects it on 3.0).
 * On 3.0 `search.query_backend_after` is always written, from the resolved recent-read split.
 */
export function queryFrontend(s: TempoConfigSettings): Record<string, unknown> | undefined {
  const search = defined({
    concurrent_jobs: s.search?.concurrentJobs,
    target_bytes_per_job: s.search?.targetBytesPerJob,
    default_result_limit: s.search?.defaultResultLimit,
    max_result_limit: s.search?.maxResultLimit,
    max_duration: dur(s.search?.maxDuration),
    query_backend_after: dur(s.recentReads?.queryBackendAfter ?? s.search?.queryBackendAfter),
    query_ingesters_until: dur(s.search?.queryIngestersUntil),
  });
  return nonEmpty(
    defined({
      max_outstanding_per_tenant: s.queryFrontend?.maxOutstandingPerTenant,
      max_retries: s.queryFrontend?.maxRetries,
      search: nonEmpty(search),
    }),
  );
}

/** `querier`: queriers pull work from the query-frontend over gRPC (its headless Service). */
export function querier(
  s: TempoConfigSettings,
  topology?: ClusterTopology,
): Record<string, unknown> | undefined {
  return nonEmpty(
    defined({
      frontend_worker: topology ? { frontend_address: topology.frontendAddress } : undefined,
      max_concurrent_queries: s.querier?.maxConcurrentQueries,
      search: s.querier?.searchQueryTimeout
        ? { query_timeout: s.querier.searchQueryTimeout.toString() }
        : undefined,
    }),
  );
}

/** `metrics_generator` keys both lines share (registry labels, WAL, remote write). */
export function generatorBase(s: TempoConfigSettings): Record<string, unknown> | undefined {
  const mg = s.metricsGenerator;
  return (
    mg && {
      registry: { external_labels: { ...mg.externalLabels } },
      storage: {
        path: TEMPO_PATHS.generatorWal,
        remote_write: mg.remoteWrite.map((r) => ({ url: r.url, send_exemplars: r.sendExemplars })),
      },
    }
  );
}

/** `storage.trace`, with the WAL at `walPath` and the line's own block keys. */
export function storageTrace(
  s: TempoConfigSettings,
  wal: Record<string, unknown>,
  block: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return {
    trace: defined({
      backend: s.storage.backend,
      wal,
      block: nonEmpty(block),
      pool:
        s.storage.pool &&
        defined({ max_workers: s.storage.pool.maxWorkers, queue_depth: s.storage.pool.queueDepth }),
      [s.storage.backend]: s.storage.backendConfig,
    }),
  };
}

/** `memberlist`: `join_members` as one string (dskit StringSliceCSVMulti, both lines, reads a string or a list). */
export function memberlist(topology?: ClusterTopology): Record<string, unknown> | undefined {
  return (
    topology && {
      cluster_label: topology.clusterLabel,
      join_members: topology.joinMember,
      bind_port: topology.gossipPort,
    }
  );
}

/** `overrides`: defaults inline, tenants in the runtime file (re-read every 10s). */
export function overrides(s: TempoConfigSettings): Record<string, unknown> {
  return {
    defaults: overridesBlock({
      ...s.limits,
      metricsGeneratorProcessors: s.metricsGenerator?.processors,
      compactionDisabled: s.compactionDisabled,
    }),
    per_tenant_override_config: `${TEMPO_PATHS.overridesDir}/${TEMPO_PATHS.overridesFile}`,
  };
}

/**
 * The runtime overrides file: `overrides: { "<tenant>": { …same format as defaults… } }`.
 * Overrides do not inherit from the defaults, so `compaction_disabled` is repeated per tenant.
 */
export function buildTenantOverrides(s: TempoConfigSettings): Record<string, unknown> {
  const tenants: Record<string, unknown> = {};
  for (const tenant of Object.keys(s.tenants).sort()) {
    tenants[tenant] = overridesBlock({ ...s.tenants[tenant], compactionDisabled: s.compactionDisabled });
  }
  return { overrides: tenants };
}

/**
 * With `-config.expand-env=true` Tempo runs the whole file through environment expansion, so a
 * `$` other than our own `${TEMPO_…}` placeholders would be silently rewritten.
 */
function checkNoStrayDollar(text: string, file: string): void {
  const stray = text.replace(/\$\{TEMPO_[A-Z0-9_]+\}/g, '').match(/.*\$.*/);
  if (stray) {
    throw new ConfigError(
      'tempo',
      `${file} contains a '$' (${JSON.stringify(stray[0].trim())}) but credentials from a Secret make Tempo expand environment variables in it; remove the '$'`,
    );
  }
}

export function render(doc: unknown, file: string, s: TempoConfigSettings): string {
  const text = stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  if (s.expandEnv) checkNoStrayDollar(text, file);
  return text;
}

/** Renders the per-tenant overrides file (`overrides.yaml`). */
export function renderTenantOverrides(s: TempoConfigSettings): string {
  return render(buildTenantOverrides(s), TEMPO_PATHS.overridesFile, s);
}

/** The `tempo.yaml` document of the settings' line, as a plain object. */
export function buildTempoConfig(
  s: TempoConfigSettings,
  topology?: ClusterTopology,
): Record<string, unknown> {
  return s.line === '3.0' ? buildTempo3Config(s, topology) : buildTempo2Config(s, topology);
}

/** Renders the main config, the exact text of the ConfigMap's `tempo.yaml` key. */
export function renderTempoConfig(s: TempoConfigSettings, topology?: ClusterTopology): string {
  return render(buildTempoConfig(s, topology), TEMPO_PATHS.configFile, s);
}
