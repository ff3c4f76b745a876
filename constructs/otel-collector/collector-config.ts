/**
 * Pure config model of the OpenTelemetry Collector contrib 0.161.0 (VERSIONS.otelCollector):
 * resolved settings in, the collector YAML out, for the gateway (Deployment, or StatefulSet) and
 * the agent (DaemonSet). No construct code. `otelcol validate` and an end-to-end run of the collector
 * built from tools/otelcol check every config this emits (test/otelcol*.test.ts).
 *
 * Component names are the primary ones of 0.161.0; the old names are deprecated aliases that
 * log a warning at startup: `otlp_grpc` (core exporter/otlpexporter, 0.144.0), `k8s_attributes`
 * (contrib 0.146.0, was `k8sattributes`), `load_balancing` (contrib 0.153.0, was
 * `loadbalancing`), `tail_sampling`, `memory_limiter`, `attributes`, `transform`,
 * `probabilistic_sampler`, `health_check`, `file_storage`. No `batch` processor: the exporters
 * batch in their sending queues (exporter-queue.ts). Self-telemetry uses
 * `service.telemetry.metrics.readers` (`address` is gone).
 */
import type { LogLevel } from '../../lib/validate';
import { stringify } from 'yaml';
import { GrpcTarget, receiversConfig, ServingPort } from '../common/receivers';
import { COLLECTOR_ENV } from './collector-env';
import {
  BatchSettings,
  ExportQueueSettings,
  fileStorageExtension,
  QUEUE_STORAGE,
  ResolvedPersistentQueue,
  retryOnFailure,
  sendingQueue,
} from './exporter-queue';
import type { K8sAttributesMode } from './processors/k8s-attributes';
import type { MemoryLimiterSettings } from './processors/memory-limiter';
import { AGENT_PROCESSORS, GATEWAY_PROCESSORS } from './processors/pipelines';
import { buildProcessors } from './processors/processor';
import type { TailSampling } from './sampling';
import { ScrubbingProcessors } from './scrubbing';
import {
  prometheusExporter,
  PrometheusExporterSettings,
  SpanMetricsSettings,
  spanMetricsConnector,
} from './span-metrics';

export { COLLECTOR_ENV } from './collector-env';
export { K8S_METADATA } from './processors/k8s-attributes';
const POD_IP = `\${env:${COLLECTOR_ENV.podIp}}`;

export const COLLECTOR_PATHS = { configDir: '/conf', configFile: 'collector.yaml' } as const;

export interface CommonCollectorSettings {
  /** Receivers plus the `metrics` and `health` ports. */
  readonly ports: readonly ServingPort[];
  readonly memoryLimiter: MemoryLimiterSettings;
  /** Batching in the exporters' sending queues. */
  readonly batch: BatchSettings;
  readonly logLevel: LogLevel;
  /** configtls.ServerConfig on the OTLP receivers. @default - plaintext */
  readonly receiverTls?: Readonly<Record<string, string | boolean>>;
  /** `prometheus` exporter and a `metrics` pipeline from the OTLP receivers. @default - none */
  readonly prometheus?: PrometheusExporterSettings;
}

/**
 * An OTLP gRPC exporter. A `dns:///host:port` endpoint is accepted (otlpexporter `config.go`
 * strips `dns://` before checking the port; gRPC resolves every address behind it).
 */
export interface OtlpExporterSettings extends GrpcTarget {
  /** `tls` block: `{ insecure: true }` for plaintext, or CA / server name for TLS. */
  readonly tls: Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly queue: ExportQueueSettings;
}

export interface GatewayConfigSettings extends CommonCollectorSettings {
  readonly k8sAttributes: 'gateway';
  readonly sampling?: TailSampling;
  readonly scrubbing: ScrubbingProcessors;
  readonly tempo: OtlpExporterSettings;
  /** `span_metrics` connector fed before tail sampling (needs `prometheus`). @default - none */
  readonly spanMetrics?: SpanMetricsSettings;
  /** A sub-sampled copy of all traces for a second tenant. @default - none */
  readonly sampledTenant?: SampledTenantSettings;
  /** Tenants fed by the spans of some namespaces. @default - none */
  readonly namespaceTenants?: readonly NamespaceTenantSettings[];
  /** The `file_storage` extension of the durable queues (exporters with `queue.durable`). @default - none */
  readonly persistentQueue?: ResolvedPersistentQueue;
}

export interface NamespaceTenantSettings {
  readonly tenant: string;
  readonly namespaces: readonly string[];
  readonly exporter: OtlpExporterSettings;
}

/** An OTTL condition on the resource's namespace (filter drops what matches). */
function namespaceIs(namespaces: readonly string[], negate: boolean): string {
  const attr = 'resource.attributes["k8s.namespace.name"]';
  return namespaces.map((ns) => `${attr} ${negate ? '!=' : '=='} "${ns}"`).join(negate ? ' and ' : ' or ');
}

export interface SampledTenantSettings {
  readonly tenant: string;
  readonly percentage: number;
  readonly exporter: OtlpExporterSettings;
}

export interface AgentConfigSettings extends CommonCollectorSettings {
  /** `passthrough`: only tag `k8s.pod.ip` (the gateway enriches); `node`: full metadata of this node's pods. */
  readonly k8sAttributes: Exclude<K8sAttributesMode, 'gateway'>;
  readonly headSamplingPercentage?: number;
  /** Scrubbing at the agent (only when there is no gateway). */
  readonly scrubbing: ScrubbingProcessors;
  readonly export:
    | {
        readonly kind: 'loadbalancing';
        readonly service: string;
        readonly port: number;
        readonly tls: Record<string, unknown>;
        /**
         * The gateway is a StatefulSet behind this headless Service: resolve its pods by their
         * stable hostnames (`return_hostnames`) instead of their IPs.
         */
        readonly returnHostnames: boolean;
        readonly queue: ExportQueueSettings;
      }
    | ({ readonly kind: 'otlp'; readonly name: string } & OtlpExporterSettings);
}

function port(s: CommonCollectorSettings, name: string): number {
  return s.ports.find((p) => p.name === name)!.port;
}

function otlpExporter(e: OtlpExporterSettings, batch: BatchSettings) {
  return {
    endpoint: e.endpoint,
    ...(e.balancerName ? { balancer_name: e.balancerName } : {}),
    tls: e.tls,
    ...(e.headers && Object.keys(e.headers).length ? { headers: { ...e.headers } } : {}),
    sending_queue: sendingQueue(e.queue, batch),
    retry_on_failure: retryOnFailure(e.queue.durable),
  };
}

/**
 * Self-telemetry views. `level: detailed` is what makes exporterhelper record
 * `otelcol_exporter_queue_batch_send_size` (the batch sizes, now that the exporters batch); a
 * views list replaces the service's default views, so it repeats the drops those defaults make
 * below `detailed` (core v0.161.0 `service/internal/metricviews/views.go`): the gRPC/HTTP
 * instrumentation, per-processor durations, enqueue sizes, the pipeline graph's size histograms
 * and the error labels of the send-failure counters. Series stay as at `normal`, plus the batch
 * size histograms.
 */
const EXPORTERHELPER = 'go.opentelemetry.io/collector/exporter/exporterhelper';
const DROP = { aggregation: { drop: {} } };
const TELEMETRY_VIEWS = [
  {
    selector: { meter_name: 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc' },
    stream: DROP,
  },
  { selector: { meter_name: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp' }, stream: DROP },
  {
    selector: {
      meter_name: 'go.opentelemetry.io/collector/processor/processorhelper',
      instrument_name: 'otelcol_processor_internal_duration',
    },
    stream: DROP,
  },
  {
    selector: { meter_name: EXPORTERHELPER, instrument_name: 'otelcol_exporter_enqueue_size' },
    stream: DROP,
  },
  {
    selector: { meter_name: EXPORTERHELPER, instrument_name: 'otelcol_exporter_enqueue_size_bytes' },
    stream: DROP,
  },
  {
    selector: { meter_name: EXPORTERHELPER, instrument_name: 'otelcol_exporter_send_failed_*' },
    stream: { attribute_keys: { excluded: ['error.type', 'error.permanent'] } },
  },
  {
    selector: {
      meter_name: 'go.opentelemetry.io/collector/service',
      instrument_name: 'otelcol.*.consumed.size',
    },
    stream: DROP,
  },
  {
    selector: {
      meter_name: 'go.opentelemetry.io/collector/service',
      instrument_name: 'otelcol.*.produced.size',
    },
    stream: DROP,
  },
];

function service(
  s: CommonCollectorSettings,
  pipelines: Record<string, unknown>,
  extensionIds: string[] = ['health_check'],
) {
  return {
    extensions: extensionIds,
    telemetry: {
      logs: { level: s.logLevel },
      metrics: {
        level: 'detailed',
        views: TELEMETRY_VIEWS,
        readers: [
          {
            pull: {
              exporter: {
                prometheus: {
                  host: POD_IP,
                  port: port(s, 'metrics'),
                  // Explicit, so metric names (otelcol_exporter_sent_spans_total, …) do not move
                  // with the collector's defaults: counters keep _total, units stay in names.
                  without_type_suffix: false,
                  without_units: false,
                  without_scope_info: true,
                },
              },
            },
          },
        ],
      },
    },
    pipelines,
  };
}

/**
 * The traces pipeline, and with a `prometheus` exporter a `metrics` pipeline (OTLP metrics from
 * applications, and the span metrics when the connector is on). With span metrics a second
 * traces pipeline, fed by the same receivers, hands every span to the connector before the
 * main pipeline's tail sampling drops any (a receiver fans out to all its pipelines).
 */
function pipelines(
  s: CommonCollectorSettings & { spanMetrics?: SpanMetricsSettings },
  processors: string[],
  exporters: string[],
): Record<string, unknown> {
  const receivers = receiverIds(s);
  const out: Record<string, unknown> = { traces: { receivers, processors, exporters } };
  if (s.spanMetrics) {
    out['traces/spanmetrics'] = { receivers, processors: ['memory_limiter'], exporters: ['span_metrics'] };
  }
  if (s.prometheus) {
    const otlp = receivers.filter((r) => r === 'otlp');
    // No batching: the prometheus exporter is scraped (pull), it has no queue to batch in.
    out.metrics = {
      receivers: [...otlp, ...(s.spanMetrics ? ['span_metrics'] : [])],
      processors: ['memory_limiter'],
      exporters: ['prometheus'],
    };
  }
  return out;
}

function metricsExporters(s: CommonCollectorSettings): Record<string, unknown> {
  return s.prometheus ? { prometheus: prometheusExporter(s.prometheus, POD_IP) } : {};
}

function receiverIds(s: CommonCollectorSettings): string[] {
  return [...new Set(s.ports.filter((p) => p.receiver).map((p) => p.receiver!.configPath[0]))];
}

function extensions(s: CommonCollectorSettings, queue?: ResolvedPersistentQueue) {
  return {
    // health_check listens on localhost:13133 by default, where kubelet probes cannot reach it.
    health_check: { endpoint: `${POD_IP}:${port(s, 'health')}` },
    ...(queue ? { [QUEUE_STORAGE.extension]: fileStorageExtension(queue) } : {}),
  };
}

/** Gateway: GATEWAY_PROCESSORS → Tempo (and the sampled tenant's copy, span metrics). */
export function buildGatewayConfig(s: GatewayConfigSettings): Record<string, unknown> {
  const { processors, order } = buildProcessors(GATEWAY_PROCESSORS, s);
  const teams = s.namespaceTenants ?? [];
  const afterK8s = (extra: string) => order.flatMap((id) => (id === 'k8s_attributes' ? [id, extra] : [id]));
  const filters: Record<string, unknown> = {};
  const teamExporters: Record<string, unknown> = {};
  let mainOrder = order;
  if (teams.length) {
    // The default tenant gets every span outside the listed namespaces.
    filters['filter/other-tenants'] = {
      error_mode: 'ignore',
      trace_conditions: [
        namespaceIs(
          teams.flatMap((t) => t.namespaces),
          false,
        ),
      ],
    };
    mainOrder = afterK8s('filter/other-tenants');
  }
  const all = pipelines(s, mainOrder, ['otlp_grpc/tempo']);
  for (const t of teams) {
    filters[`filter/${t.tenant}`] = {
      error_mode: 'ignore',
      trace_conditions: [namespaceIs(t.namespaces, true)],
    };
    teamExporters[`otlp_grpc/tempo-${t.tenant}`] = otlpExporter(t.exporter, s.batch);
    all[`traces/${t.tenant}`] = {
      receivers: receiverIds(s),
      processors: afterK8s(`filter/${t.tenant}`),
      exporters: [`otlp_grpc/tempo-${t.tenant}`],
    };
  }
  const sampled = s.sampledTenant;
  if (sampled) {
    // Same enrichment and scrubbing, no tail sampling: a uniform share by trace ID.
    all['traces/sampled'] = {
      receivers: receiverIds(s),
      processors: afterK8s('probabilistic_sampler/sampled').filter((id) => id !== 'tail_sampling'),
      exporters: ['otlp_grpc/tempo-sampled'],
    };
  }
  return {
    extensions: extensions(s, s.persistentQueue),
    receivers: receiversConfig(s.ports, POD_IP, { rotateGrpcConnections: true, otlpTls: s.receiverTls }),
    ...(s.spanMetrics ? { connectors: { span_metrics: spanMetricsConnector(s.spanMetrics) } } : {}),
    processors: {
      ...processors,
      ...filters,
      ...(sampled ? { 'probabilistic_sampler/sampled': { sampling_percentage: sampled.percentage } } : {}),
    },
    exporters: {
      'otlp_grpc/tempo': otlpExporter(s.tempo, s.batch),
      ...teamExporters,
      ...(sampled ? { 'otlp_grpc/tempo-sampled': otlpExporter(sampled.exporter, s.batch) } : {}),
      ...metricsExporters(s),
    },
    service: service(s, all, ['health_check', ...(s.persistentQueue ? [QUEUE_STORAGE.extension] : [])]),
  };
}

/** Agent: AGENT_PROCESSORS → the gateway (load-balanced by trace ID, or round robin) or Tempo. */
export function buildAgentConfig(s: AgentConfigSettings): Record<string, unknown> {
  const { processors, order } = buildProcessors(AGENT_PROCESSORS, s);
  const e = s.export;
  const [exporterId, exporter] =
    e.kind === 'loadbalancing'
      ? [
          'load_balancing',
          {
            // All spans of a trace go to the same gateway replica, which tail sampling requires.
            routing_key: 'traceID',
            // Queue, batching and retries at the balancer, none in the per-gateway sub-exporters: a
            // batch whose gateway went away (HPA scale-in, rollout) fails fast, and its retry is
            // routed through the current ring to the new owner. Queued in a sub-exporter it would
            // stay bound to the dead endpoint. A batch is split by trace ID into one request per
            // gateway (trace_exporter.go consumeTracesByID). The balancer-level options are off by
            // default (loadbalancingexporter factory.go: "By default we disable resilience options
            // on loadbalancing exporter level"; config.go: TimeoutSettings squashed,
            // retry_on_failure, sending_queue).
            timeout: '10s',
            retry_on_failure: retryOnFailure(false),
            sending_queue: sendingQueue(e.queue, s.batch),
            protocol: {
              otlp: {
                tls: e.tls,
                timeout: '5s',
                sending_queue: { enabled: false },
                retry_on_failure: { enabled: false },
              },
            },
            // The k8s resolver watches the headless Service's EndpointSlices (ready endpoints only).
            // With the gateway a StatefulSet, `return_hostnames` keys the ring by the pods' stable
            // names (`otel-gateway-3.otel-gateway-headless.<ns>`, resolver_k8s.go): a rescheduled
            // replica comes back at the same place in the ring and owns the same trace IDs, where
            // a new pod IP would move 1/N of all traces to other replicas for good. The DNS
            // resolver would also key by IP, and poll (5s) instead of watching.
            resolver: {
              k8s: {
                service: e.service,
                ports: [e.port],
                ...(e.returnHostnames ? { return_hostnames: true } : {}),
              },
            },
          },
        ]
      : [`otlp_grpc/${e.name}`, otlpExporter(e, s.batch)];
  return {
    extensions: extensions(s),
    receivers: receiversConfig(s.ports, POD_IP, { otlpTls: s.receiverTls }),
    processors,
    exporters: { [exporterId]: exporter, ...metricsExporters(s) },
    service: service(s, pipelines(s, order, [exporterId])),
  };
}

/**
 * The collector expands `${…}` and turns `$$` into `$` in its config: every `$` that is not one of
 * our `${env:…}` references (e.g. a `$` anchor in a scrubbing pattern) is written as `$$`.
 */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$(?!\{env:[A-Z_][A-Z0-9_]*\})/g, () => '$$');
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)]));
  return value;
}

export function renderCollectorConfig(config: Record<string, unknown>): string {
  return stringify(escapeDollars(config), { lineWidth: 0, aliasDuplicateObjects: false });
}
