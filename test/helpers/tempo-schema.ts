/**
 * The part of Tempo 2.8.2's configuration this project emits, as a closed key tree: any key not
 * listed here is reported, the way Tempo's `yaml.UnmarshalStrict` refuses to start on it.
 *
 * Checked against grafana/tempo at v2.8.2: `cmd/tempo/app/config.go` (top-level keys),
 * `docs/sources/tempo/configuration/manifest.md` (full default config of the 2.x line),
 * `modules/overrides/config.go` (`overrides.defaults.{ingestion,global}`), and the OpenTelemetry
 * receivers Tempo embeds (`endpoint` per protocol). Extend it only from those sources.
 */
type Leaf = 'string' | 'int' | 'bool' | 'duration';
export interface KeyTree { readonly [key: string]: Leaf | KeyTree }

const endpoint: KeyTree = { endpoint: 'string' };

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
  distributor: {
    receivers: {
      otlp: { protocols: { grpc: endpoint, http: endpoint } },
      jaeger: { protocols: { grpc: endpoint, thrift_http: endpoint, thrift_compact: endpoint, thrift_binary: endpoint } },
      zipkin: endpoint,
    },
  },
  ingester: {
    trace_idle_period: 'duration',
    max_block_bytes: 'int',
    max_block_duration: 'duration',
    complete_block_timeout: 'duration',
    concurrent_flushes: 'int',
    flush_check_period: 'duration',
  },
  compactor: {
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
      wal: { path: 'string' },
      pool: { max_workers: 'int', queue_depth: 'int' },
      blocklist_poll: 'duration',
    },
  },
  overrides: {
    defaults: {
      ingestion: {
        rate_strategy: 'string',
        rate_limit_bytes: 'int',
        burst_size_bytes: 'int',
        max_traces_per_user: 'int',
        max_global_traces_per_user: 'int',
      },
      global: { max_bytes_per_trace: 'int' },
    },
    per_tenant_override_config: 'string',
    per_tenant_override_period: 'duration',
  },
};

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Every key path in `config` that Tempo 2.8.2 would reject, with the reason. */
export function tempoConfigProblems(config: unknown, tree: KeyTree = TEMPO_2_8_2_KEYS, path = ''): string[] {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return [`${path || '/'}: expected a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const at = path ? `${path}.${key}` : key;
    const spec = tree[key];
    if (spec === undefined) problems.push(`${at}: unknown key`);
    else if (typeof spec === 'object') problems.push(...tempoConfigProblems(value, spec, at));
    else if (spec === 'int' && !Number.isInteger(value)) problems.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
    else if (spec === 'bool' && typeof value !== 'boolean') problems.push(`${at}: expected a boolean, got ${JSON.stringify(value)}`);
    else if (spec === 'string' && typeof value !== 'string') problems.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
    else if (spec === 'duration' && !(typeof value === 'string' && GO_DURATION.test(value))) problems.push(`${at}: expected a Go duration, got ${JSON.stringify(value)}`);
  }
  return problems;
}
