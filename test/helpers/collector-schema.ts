/**
 * The part of the OpenTelemetry Collector contrib 0.145.0 configuration this project emits, as
 * closed key trees per component type. The collector refuses unknown keys (mapstructure with
 * ErrorUnused) and unknown component types, so anything outside these trees is reported.
 *
 * Sources (tag v0.145.0): core `exporter/otlpexporter` (type `otlp_grpc`, metadata.yaml),
 * `processor/memorylimiterprocessor`, `processor/batchprocessor`, `config/configtls`,
 * `exporter/exporterhelper` (sending_queue, retry_on_failure); contrib
 * `processor/k8sattributesprocessor/config.go`, `processor/tailsamplingprocessor/config.go`,
 * `processor/attributesprocessor` (`internal/coreinternal/attraction`),
 * `processor/transformprocessor/config.go`, `processor/probabilisticsamplerprocessor/config.go`,
 * `exporter/loadbalancingexporter/config.go`, `extension/healthcheckextension`,
 * `receiver/{jaeger,zipkin}receiver`; service telemetry readers (otelconf).
 */
import { KeyTree, tempoConfigProblems } from './tempo-schema';

const tls: KeyTree = {
  insecure: 'bool',
  ca_file: 'string',
  insecure_skip_verify: 'bool',
  server_name_override: 'string',
};
const queue: KeyTree = { enabled: 'bool', num_consumers: 'int', queue_size: 'int' };
const retry: KeyTree = {
  enabled: 'bool',
  initial_interval: 'duration',
  max_interval: 'duration',
  max_elapsed_time: 'duration',
};
const otlpGrpcExporter: KeyTree = {
  endpoint: 'string',
  balancer_name: 'string',
  tls,
  headers: 'string-map',
  sending_queue: queue,
  retry_on_failure: retry,
  timeout: 'duration',
  compression: 'string',
};
const endpoint: KeyTree = { endpoint: 'string' };
// configgrpc ServerConfig: keepalive.server_parameters (KeepaliveServerParameters).
const grpcServer: KeyTree = {
  endpoint: 'string',
  keepalive: { server_parameters: { max_connection_age: 'duration', max_connection_age_grace: 'duration' } },
};

export const COLLECTOR_COMPONENTS: Record<
  'receivers' | 'processors' | 'exporters' | 'extensions',
  Record<string, KeyTree>
> = {
  receivers: {
    otlp: { protocols: { grpc: grpcServer, http: endpoint } },
    jaeger: {
      protocols: { grpc: endpoint, thrift_http: endpoint, thrift_compact: endpoint, thrift_binary: endpoint },
    },
    zipkin: endpoint,
  },
  processors: {
    memory_limiter: {
      check_interval: 'duration',
      limit_mib: 'int',
      spike_limit_mib: 'int',
      limit_percentage: 'int',
      spike_limit_percentage: 'int',
    },
    batch: { timeout: 'duration', send_batch_size: 'int', send_batch_max_size: 'int' },
    k8sattributes: {
      auth_type: 'string',
      passthrough: 'bool',
      filter: { node_from_env_var: 'string', namespace: 'string' },
      extract: { metadata: 'string[]' },
      pod_association: 'pod-association[]',
    },
    tail_sampling: {
      decision_wait: 'duration',
      num_traces: 'int',
      expected_new_traces_per_sec: 'int',
      policies: 'policies[]',
    },
    attributes: { actions: 'attribute-actions[]' },
    transform: { error_mode: 'string', trace_statements: 'statements[]' },
    probabilistic_sampler: { sampling_percentage: 'number' },
  },
  exporters: {
    otlp_grpc: otlpGrpcExporter,
    loadbalancing: {
      routing_key: 'string',
      // Balancer-level exporterhelper options (timeout squashed into the top level).
      timeout: 'duration',
      sending_queue: queue,
      retry_on_failure: retry,
      protocol: { otlp: { tls, sending_queue: queue, retry_on_failure: retry, timeout: 'duration' } },
      resolver: { k8s: { service: 'string', ports: 'int[]' }, dns: { hostname: 'string', port: 'string' } },
    },
    debug: { verbosity: 'string' },
  },
  extensions: {
    health_check: { endpoint: 'string', path: 'string' },
  },
};

/**
 * Names that 0.145.0 only knows as deprecated aliases (`otlp`/`otlphttp` exporters since core
 * 0.144.0), has removed (`logging`), or does not know yet (`k8s_attributes` from 0.146.0,
 * `load_balancing` from 0.153.0).
 */
export const DEPRECATED_OR_REMOVED: Record<string, string[]> = {
  receivers: [],
  processors: ['k8s_attributes'],
  exporters: ['otlp', 'otlphttp', 'logging', 'load_balancing'],
  extensions: [],
};

const SERVICE: KeyTree = {
  extensions: 'string[]',
  telemetry: {
    logs: { level: 'string' },
    metrics: { level: 'string', readers: 'readers[]' },
  },
  pipelines: 'pipelines',
};

function itemsProblems(value: unknown, tree: KeyTree, at: string): string[] {
  if (!Array.isArray(value)) return [`${at}: expected a list`];
  return value.flatMap((v, i) => tempoConfigProblems(v, tree, `${at}[${i}]`));
}

const POLICY: KeyTree = {
  name: 'string',
  type: 'string',
  status_code: { status_codes: 'string[]' },
  latency: { threshold_ms: 'int', upper_threshold_ms: 'int' },
  probabilistic: { sampling_percentage: 'number', hash_salt: 'string' },
};

/** Special leaf types of the collector trees. */
function special(kind: string, value: unknown, at: string): string[] | undefined {
  switch (kind) {
    case 'pod-association[]':
      return Array.isArray(value)
        ? value.flatMap((a, i) =>
            itemsProblems(
              (a as any)?.sources,
              { from: 'string', name: 'string' },
              `${at}[${i}].sources`,
            ).concat(
              Object.keys(a ?? {})
                .filter((k) => k !== 'sources')
                .map((k) => `${at}[${i}].${k}: unknown key`),
            ),
          )
        : [`${at}: expected a list`];
    case 'policies[]':
      return itemsProblems(value, POLICY, at);
    case 'attribute-actions[]':
      return itemsProblems(
        value,
        { key: 'string', action: 'string', value: 'string', pattern: 'string', from_attribute: 'string' },
        at,
      ).concat(
        Array.isArray(value)
          ? value
              .filter(
                (a: any) =>
                  !['insert', 'update', 'upsert', 'delete', 'hash', 'extract', 'convert'].includes(a?.action),
              )
              .map((a: any) => `${at}: unknown action ${JSON.stringify(a?.action)}`)
          : [],
      );
    case 'statements[]':
      return itemsProblems(value, { context: 'string', statements: 'string[]', conditions: 'string[]' }, at);
    case 'readers[]':
      return itemsProblems(
        value,
        {
          pull: {
            exporter: {
              prometheus: {
                host: 'string',
                port: 'int',
                without_type_suffix: 'bool',
                without_units: 'bool',
                without_scope_info: 'bool',
              },
            },
          },
        },
        at,
      );
    default:
      return undefined;
  }
}

/** Every problem of a collector config: unknown components, unknown keys, broken pipelines. */
export function collectorConfigProblems(config: any): string[] {
  const problems: string[] = [];
  const known = new Set(['receivers', 'processors', 'exporters', 'extensions', 'service', 'connectors']);
  for (const key of Object.keys(config)) if (!known.has(key)) problems.push(`${key}: unknown top-level key`);
  for (const kind of ['receivers', 'processors', 'exporters', 'extensions'] as const) {
    for (const [id, body] of Object.entries<any>(config[kind] ?? {})) {
      const type = id.split('/')[0];
      if (DEPRECATED_OR_REMOVED[kind].includes(type)) {
        problems.push(`${kind}.${id}: '${type}' is not a primary component name in 0.145.0`);
        continue;
      }
      const tree = COLLECTOR_COMPONENTS[kind][type];
      if (!tree) {
        problems.push(`${kind}.${id}: unknown component type '${type}'`);
        continue;
      }
      problems.push(...checkTree(body ?? {}, tree, `${kind}.${id}`));
    }
  }
  problems.push(...checkTree(config.service ?? {}, SERVICE, 'service'));
  const defined = (kind: string) => new Set(Object.keys(config[kind] ?? {}));
  for (const ext of config.service?.extensions ?? [])
    if (!defined('extensions').has(ext)) problems.push(`service.extensions: '${ext}' is not configured`);
  for (const [name, p] of Object.entries<any>(config.service?.pipelines ?? {})) {
    for (const kind of ['receivers', 'processors', 'exporters']) {
      for (const id of p[kind] ?? [])
        if (!defined(kind).has(id))
          problems.push(`service.pipelines.${name}.${kind}: '${id}' is not configured`);
    }
    if (!p.receivers?.length || !p.exporters?.length)
      problems.push(`service.pipelines.${name}: needs at least one receiver and one exporter`);
  }
  return problems;
}

function checkTree(value: any, tree: KeyTree, at: string): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected a map`];
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const spec = tree[key];
    const here = `${at}.${key}`;
    if (spec === undefined) problems.push(`${here}: unknown key`);
    else if (typeof spec === 'object') problems.push(...checkTree(v, spec, here));
    else if (spec === 'pipelines') {
      for (const [name, p] of Object.entries<any>(v ?? {}))
        problems.push(
          ...checkTree(
            p,
            { receivers: 'string[]', processors: 'string[]', exporters: 'string[]' },
            `${here}.${name}`,
          ),
        );
    } else
      problems.push(
        ...(special(spec, v, here) ?? tempoConfigProblems({ [key]: v }, { [key]: spec }, at).map((s) => s)),
      );
  }
  return problems;
}
