/**
 * Pure config model for Tempo 2.8.2: typed, validated settings in, plain objects out (the main
 * `tempo.yaml` and the per-tenant runtime overrides file). No construct code here, so it is
 * unit-tested without a synth.
 *
 * Every key emitted below exists in Tempo 2.8.2, which parses its config with
 * `yaml.UnmarshalStrict` (one unknown key and it will not start). Sources, tag v2.8.2:
 * `cmd/tempo/app/config.go` (top level), `modules/distributor/config.go` (receivers),
 * `modules/ingester/config.go`, `tempodb/compactor.go` (`compaction`), `tempodb/config.go`,
 * `tempodb/wal/wal.go`, `tempodb/backend/*` (`storage.trace`), `modules/frontend/config.go`,
 * `modules/querier/config.go`, `modules/generator/config.go` (`metrics_generator`),
 * `modules/overrides/config.go` (the `overrides: defaults:` format; the legacy flat format makes
 * `-config.verify` fail), `cmd/tempo/app/usage_report` (`usage_report`).
 */
import type { LogLevel } from '../../lib/validate';
import { stringify } from 'yaml';
import { ConfigError } from '../../lib/errors';
import { GoDuration } from '../../lib/duration';
import { MetricsGeneratorProcessor } from './generated-metrics';
import { receiversConfig, ServingPort } from '../common/receivers';
import { TEMPO_DATA_DIR, TempoBackend } from './tempo-storage';

/** Tempo's `server.log_level`. */
export type TempoLogLevel = LogLevel;
export type TempoLogFormat = 'logfmt' | 'json';
/** Block encodings Tempo accepts for `v2_encoding` (`tempodb/backend/encoding.go`). */
export type TempoEncoding =
  'none' | 'gzip' | 'lz4-64k' | 'lz4-256k' | 'lz4-1M' | 'lz4' | 'snappy' | 'zstd' | 's2';
export type TempoBlockVersion = 'vParquet3' | 'vParquet4';

/** Per-tenant (or default) limits, already validated. */
export interface TempoOverrides {
  readonly ingestionRateLimitBytes?: number;
  readonly ingestionBurstSizeBytes?: number;
  readonly maxTracesPerUser?: number;
  readonly maxBytesPerTrace?: number;
  readonly blockRetention?: GoDuration;
  readonly metricsGeneratorProcessors?: readonly MetricsGeneratorProcessor[];
}

export interface RemoteWriteTarget {
  readonly url: string;
  readonly sendExemplars: boolean;
}

/** Fully resolved, validated Tempo settings (see `resolveTempoSettings`). */
export interface TempoConfigSettings {
  readonly ports: readonly ServingPort[];
  readonly logLevel: TempoLogLevel;
  readonly logFormat: TempoLogFormat;
  readonly multitenancyEnabled: boolean;
  readonly usageReportingEnabled: boolean;
  readonly streamOverHttpEnabled: boolean;
  readonly ingester: {
    readonly traceIdlePeriod: GoDuration;
    readonly maxBlockDuration: GoDuration;
    readonly maxBlockBytes: number;
  };
  readonly compaction: {
    readonly blockRetention: GoDuration;
    readonly compactedBlockRetention: GoDuration;
    readonly compactionWindow?: GoDuration;
  };
  readonly storage: {
    readonly backend: TempoBackend;
    /** The `storage.trace.<backend>` block. */
    readonly backendConfig: Record<string, unknown>;
    readonly walEncoding?: TempoEncoding;
    readonly blockVersion?: TempoBlockVersion;
    readonly blockEncoding?: TempoEncoding;
    readonly pool?: { readonly maxWorkers?: number; readonly queueDepth?: number };
  };
  readonly search?: {
    readonly concurrentJobs?: number;
    readonly targetBytesPerJob?: number;
    readonly defaultResultLimit?: number;
    readonly maxResultLimit?: number;
    readonly maxDuration?: GoDuration;
    readonly queryBackendAfter?: GoDuration;
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
  /** TLS on the OTLP receivers: files mounted from a Secret. */
  readonly receiverTls?: { readonly certFile: string; readonly keyFile: string };
  /** True when the config holds `${VAR}` placeholders (credentials from a Secret). */
  readonly expandEnv: boolean;
  /** Ingester replication factor (1 for the single binary). */
  readonly replicationFactor: number;
}

/** What distributed mode adds: the memberlist ring and how queriers find the query-frontend. */
export interface DistributedTopology {
  /** `dns+<gossip-service>:7946`. */
  readonly joinMember: string;
  /** Keeps two Tempo installations from joining each other's ring. */
  readonly clusterLabel: string;
  readonly gossipPort: number;
  /** `<query-frontend-discovery>:9095`. */
  readonly frontendAddress: string;
}

/** Paths inside the container; the PVC is mounted at `TEMPO_DATA_DIR`. */
export const TEMPO_PATHS = {
  configDir: '/conf',
  configFile: 'tempo.yaml',
  overridesDir: '/runtime-config',
  overridesFile: 'overrides.yaml',
  wal: `${TEMPO_DATA_DIR}/wal`,
  generatorWal: `${TEMPO_DATA_DIR}/generator/wal`,
  generatorTraces: `${TEMPO_DATA_DIR}/generator/traces`,
  tlsDir: '/tls',
} as const;

/** Drops undefined values so optional settings leave no key behind. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const dur = (d: GoDuration | undefined) => d?.toString();

/** One overrides block in the current format (used for `defaults` and for each tenant). */
function overridesBlock(o: TempoOverrides): Record<string, unknown> {
  const ingestion = defined({
    rate_limit_bytes: o.ingestionRateLimitBytes,
    burst_size_bytes: o.ingestionBurstSizeBytes,
    max_traces_per_user: o.maxTracesPerUser,
  });
  return defined({
    ingestion: Object.keys(ingestion).length ? ingestion : undefined,
    compaction: o.blockRetention ? { block_retention: o.blockRetention.toString() } : undefined,
    metrics_generator: o.metricsGeneratorProcessors
      ? { processors: [...o.metricsGeneratorProcessors] }
      : undefined,
    global: o.maxBytesPerTrace !== undefined ? { max_bytes_per_trace: o.maxBytesPerTrace } : undefined,
  });
}

/** The `tempo.yaml` document as a plain object, keys in Tempo's documentation order. */
export function buildTempoConfig(
  s: TempoConfigSettings,
  topology?: DistributedTopology,
): Record<string, unknown> {
  const memberlistRing = topology ? { kvstore: { store: 'memberlist' } } : undefined;
  const port = (name: string) => s.ports.find((p) => p.name === name)!.port;
  const mg = s.metricsGenerator;
  const search =
    s.search &&
    defined({
      concurrent_jobs: s.search.concurrentJobs,
      target_bytes_per_job: s.search.targetBytesPerJob,
      default_result_limit: s.search.defaultResultLimit,
      max_result_limit: s.search.maxResultLimit,
      max_duration: dur(s.search.maxDuration),
      query_backend_after: dur(s.search.queryBackendAfter),
      query_ingesters_until: dur(s.search.queryIngestersUntil),
    });
  const queryFrontend = defined({
    max_outstanding_per_tenant: s.queryFrontend?.maxOutstandingPerTenant,
    max_retries: s.queryFrontend?.maxRetries,
    search: search && Object.keys(search).length ? search : undefined,
  });
  const querier = defined({
    // Queriers pull work from the query-frontend over gRPC (its headless Service).
    frontend_worker: topology ? { frontend_address: topology.frontendAddress } : undefined,
    max_concurrent_queries: s.querier?.maxConcurrentQueries,
    search: s.querier?.searchQueryTimeout
      ? { query_timeout: s.querier.searchQueryTimeout.toString() }
      : undefined,
  });
  return defined({
    // Distributed components get `-target=<component>` on the command line instead.
    target: topology ? undefined : 'all',
    multitenancy_enabled: s.multitenancyEnabled,
    // Lets Grafana stream search results over HTTP instead of gRPC.
    stream_over_http_enabled: s.streamOverHttpEnabled,
    // Defaults to true: Tempo would report usage to stats.grafana.org.
    usage_report: { reporting_enabled: s.usageReportingEnabled },
    server: {
      http_listen_port: port('http'),
      grpc_listen_port: port('grpc'),
      log_level: s.logLevel,
      log_format: s.logFormat,
    },
    // Since Tempo 2.7 the OTLP receivers default to localhost:4317/4318 and receive nothing from
    // other pods: every endpoint is written out with 0.0.0.0 (Tempo 2.7 release notes).
    distributor: defined({
      ring: memberlistRing,
      // Several distributors behind a headless Service: bounded connection age, so collectors
      // re-resolve and spread over distributors the autoscaler added.
      receivers: receiversConfig(s.ports, '0.0.0.0', {
        otlpTls: s.receiverTls && { cert_file: s.receiverTls.certFile, key_file: s.receiverTls.keyFile },
        rotateGrpcConnections: topology !== undefined,
      }),
    }),
    ingester: {
      ...(topology
        ? {
            lifecycler: {
              ring: { kvstore: { store: 'memberlist' }, replication_factor: s.replicationFactor },
            },
          }
        : {}),
      trace_idle_period: s.ingester.traceIdlePeriod.toString(),
      max_block_bytes: s.ingester.maxBlockBytes,
      max_block_duration: s.ingester.maxBlockDuration.toString(),
    },
    querier: Object.keys(querier).length ? querier : undefined,
    query_frontend: Object.keys(queryFrontend).length ? queryFrontend : undefined,
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
      registry: { external_labels: { ...mg.externalLabels } },
      storage: {
        path: TEMPO_PATHS.generatorWal,
        remote_write: mg.remoteWrite.map((r) => ({ url: r.url, send_exemplars: r.sendExemplars })),
      },
      // Only read by the local-blocks processor (TraceQL metrics over recent data).
      ...(mg.processors.includes('local-blocks')
        ? { traces_storage: { path: TEMPO_PATHS.generatorTraces } }
        : {}),
    },
    storage: {
      trace: defined({
        backend: s.storage.backend,
        wal: defined({ path: TEMPO_PATHS.wal, v2_encoding: s.storage.walEncoding }),
        block:
          s.storage.blockVersion || s.storage.blockEncoding
            ? defined({ version: s.storage.blockVersion, v2_encoding: s.storage.blockEncoding })
            : undefined,
        pool:
          s.storage.pool &&
          defined({ max_workers: s.storage.pool.maxWorkers, queue_depth: s.storage.pool.queueDepth }),
        [s.storage.backend]: s.storage.backendConfig,
      }),
    },
    memberlist: topology && {
      cluster_label: topology.clusterLabel,
      join_members: [topology.joinMember],
      bind_port: topology.gossipPort,
    },
    overrides: {
      defaults: overridesBlock({ ...s.limits, metricsGeneratorProcessors: mg?.processors }),
      // Per-tenant limits live in their own file, re-read every 10s (per_tenant_override_period).
      per_tenant_override_config: `${TEMPO_PATHS.overridesDir}/${TEMPO_PATHS.overridesFile}`,
    },
  });
}

/** The runtime overrides file: `overrides: { "<tenant>": { …same format as defaults… } }`. */
export function buildTenantOverrides(s: TempoConfigSettings): Record<string, unknown> {
  const tenants: Record<string, unknown> = {};
  for (const tenant of Object.keys(s.tenants).sort()) tenants[tenant] = overridesBlock(s.tenants[tenant]);
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

function render(doc: unknown, file: string, s: TempoConfigSettings): string {
  const text = stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  if (s.expandEnv) checkNoStrayDollar(text, file);
  return text;
}

/** Renders the main config, the exact text of the ConfigMap's `tempo.yaml` key. */
export function renderTempoConfig(s: TempoConfigSettings, topology?: DistributedTopology): string {
  return render(buildTempoConfig(s, topology), TEMPO_PATHS.configFile, s);
}

/** Renders the per-tenant overrides file (`overrides.yaml`). */
export function renderTenantOverrides(s: TempoConfigSettings): string {
  return render(buildTenantOverrides(s), TEMPO_PATHS.overridesFile, s);
}
