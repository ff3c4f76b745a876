/**
 * The part of Tempo 2.8.2's configuration this project emits, as a closed key tree: any key not
 * listed here is reported, the way Tempo's `yaml.UnmarshalStrict` refuses to start on it.
 *
 * Checked against grafana/tempo at v2.8.2: `cmd/tempo/app/config.go` (top-level keys),
 * `docs/sources/tempo/configuration/manifest.md` (full default config of the 2.x line),
 * `modules/overrides/config.go` (`overrides.defaults.{ingestion,global}`), and the OpenTelemetry
 * receivers Tempo embeds (`endpoint` per protocol). Extend it only from those sources.
 */
type Leaf =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'duration'
  | 'string[]'
  | 'int[]'
  | 'string-map'
  | 'remote-write[]'
  | 'pod-association[]'
  | 'policies[]'
  | 'attribute-actions[]'
  | 'statements[]'
  | 'readers[]'
  | 'pipelines';
export interface KeyTree {
  readonly [key: string]: Leaf | KeyTree;
}

const endpoint: KeyTree = { endpoint: 'string' };
// configtls.ServerConfig of the collector receivers Tempo embeds (OTLP only here).
const tlsEndpoint: KeyTree = {
  endpoint: 'string',
  tls: { cert_file: 'string', key_file: 'string', client_ca_file: 'string', min_version: 'string' },
};
// `overrides.defaults` and each tenant of the runtime file (modules/overrides/config.go).
const OVERRIDES: KeyTree = {
  ingestion: {
    rate_strategy: 'string',
    rate_limit_bytes: 'int',
    burst_size_bytes: 'int',
    max_traces_per_user: 'int',
    max_global_traces_per_user: 'int',
  },
  read: { max_bytes_per_tag_values_query: 'int', max_search_duration: 'duration' },
  compaction: { block_retention: 'duration', compaction_window: 'duration' },
  metrics_generator: { processors: 'string[]' },
  global: { max_bytes_per_trace: 'int' },
};

export const TEMPO_2_8_2_KEYS: KeyTree = {
  target: 'string',
  multitenancy_enabled: 'bool',
  stream_over_http_enabled: 'bool',
  http_api_prefix: 'string',
  usage_report: { reporting_enabled: 'bool' },
  server: {
    http_listen_address: 'string',
    http_listen_port: 'int',
    grpc_listen_address: 'string',
    grpc_listen_port: 'int',
    log_level: 'string',
    log_format: 'string',
    grpc_server_max_recv_msg_size: 'int',
    grpc_server_max_send_msg_size: 'int',
  },
  // memberlist: dskit kv/memberlist KVConfig (cluster_label since dskit 2023, in Tempo 2.x).
  memberlist: { cluster_label: 'string', join_members: 'string[]', bind_port: 'int' },
  distributor: {
    ring: { kvstore: { store: 'string' } },
    receivers: {
      // configgrpc ServerConfig: keepalive.server_parameters (KeepaliveServerParameters).
      otlp: {
        protocols: {
          grpc: {
            ...tlsEndpoint,
            keepalive: {
              server_parameters: { max_connection_age: 'duration', max_connection_age_grace: 'duration' },
            },
          },
          http: tlsEndpoint,
        },
      },
      jaeger: {
        protocols: {
          grpc: endpoint,
          thrift_http: endpoint,
          thrift_compact: endpoint,
          thrift_binary: endpoint,
        },
      },
      zipkin: endpoint,
    },
  },
  ingester: {
    lifecycler: { ring: { kvstore: { store: 'string' }, replication_factor: 'int' } },
    trace_idle_period: 'duration',
    max_block_bytes: 'int',
    max_block_duration: 'duration',
    complete_block_timeout: 'duration',
    concurrent_flushes: 'int',
    flush_check_period: 'duration',
  },
  querier: {
    frontend_worker: { frontend_address: 'string' },
    max_concurrent_queries: 'int',
    search: { query_timeout: 'duration' },
  },
  query_frontend: {
    max_outstanding_per_tenant: 'int',
    max_retries: 'int',
    search: {
      concurrent_jobs: 'int',
      target_bytes_per_job: 'int',
      default_result_limit: 'int',
      max_result_limit: 'int',
      max_duration: 'duration',
      query_backend_after: 'duration',
      query_ingesters_until: 'duration',
    },
  },
  metrics_generator: {
    ring: { kvstore: { store: 'string' } },
    registry: { external_labels: 'string-map' },
    storage: { path: 'string', remote_write: 'remote-write[]' },
    traces_storage: { path: 'string' },
  },
  compactor: {
    ring: { kvstore: { store: 'string' } },
    compaction: {
      block_retention: 'duration',
      compacted_block_retention: 'duration',
      compaction_window: 'duration',
      max_compaction_objects: 'int',
      max_block_bytes: 'int',
      retention_concurrency: 'int',
      max_time_per_tenant: 'duration',
      compaction_cycle: 'duration',
    },
  },
  storage: {
    trace: {
      backend: 'string',
      local: { path: 'string' },
      wal: { path: 'string', v2_encoding: 'string' },
      block: { version: 'string', v2_encoding: 'string' },
      pool: { max_workers: 'int', queue_depth: 'int' },
      blocklist_poll: 'duration',
      // tempodb/backend/s3/config.go
      s3: {
        bucket: 'string',
        prefix: 'string',
        endpoint: 'string',
        region: 'string',
        access_key: 'string',
        secret_key: 'string',
        insecure: 'bool',
        forcepathstyle: 'bool',
        sse: { type: 'string', kms_key_id: 'string', kms_encryption_context: 'string' },
      },
      // tempodb/backend/gcs/config.go
      gcs: { bucket_name: 'string', prefix: 'string' },
      // tempodb/backend/azure/config/config.go
      azure: {
        storage_account_name: 'string',
        storage_account_key: 'string',
        use_managed_identity: 'bool',
        use_federated_token: 'bool',
        user_assigned_id: 'string',
        container_name: 'string',
        prefix: 'string',
        endpoint_suffix: 'string',
      },
    },
  },
  overrides: {
    defaults: OVERRIDES,
    per_tenant_override_config: 'string',
    per_tenant_override_period: 'duration',
  },
};

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** The per-tenant runtime overrides file: `overrides: { <tenant>: <same blocks as defaults> }`. */
export function tenantOverridesProblems(file: unknown): string[] {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return ['/: expected a map'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(file)) {
    if (key !== 'overrides') {
      problems.push(`${key}: unknown key`);
      continue;
    }
    for (const [tenant, block] of Object.entries(value ?? {}))
      problems.push(...tempoConfigProblems(block, OVERRIDES, `overrides.${tenant}`));
  }
  return problems;
}

/** Every key path in `config` that Tempo 2.8.2 would reject, with the reason. */
export function tempoConfigProblems(config: unknown, tree: KeyTree = TEMPO_2_8_2_KEYS, path = ''): string[] {
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    return [`${path || '/'}: expected a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const at = path ? `${path}.${key}` : key;
    const spec = tree[key];
    if (spec === undefined) problems.push(`${at}: unknown key`);
    else if (typeof spec === 'object') problems.push(...tempoConfigProblems(value, spec, at));
    else if (spec === 'number' && typeof value !== 'number')
      problems.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
    else if (spec === 'int[]' && !(Array.isArray(value) && value.every((v) => Number.isInteger(v))))
      problems.push(`${at}: expected a list of integers`);
    else if (spec === 'int' && !Number.isInteger(value))
      problems.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
    else if (spec === 'bool' && typeof value !== 'boolean')
      problems.push(`${at}: expected a boolean, got ${JSON.stringify(value)}`);
    else if (spec === 'string' && typeof value !== 'string')
      problems.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
    else if (spec === 'duration' && !(typeof value === 'string' && GO_DURATION.test(value)))
      problems.push(`${at}: expected a Go duration, got ${JSON.stringify(value)}`);
    else if (spec === 'string[]' && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
      problems.push(`${at}: expected a list of strings`);
    else if (
      spec === 'string-map' &&
      !(value && typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string'))
    )
      problems.push(`${at}: expected a map of strings`);
    else if (spec === 'remote-write[]') {
      // Prometheus remote_write config (prometheus/config RemoteWriteConfig), the fields we emit.
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else
        value.forEach((rw, i) =>
          problems.push(...tempoConfigProblems(rw, { url: 'string', send_exemplars: 'bool' }, `${at}[${i}]`)),
        );
    }
  }
  return problems;
}
