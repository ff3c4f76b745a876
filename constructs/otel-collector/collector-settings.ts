/**
 * Props → resolved settings shared by both collector tiers (ports, memory limiter, batching,
 * resources, Tempo exporter). Pure, so every error is unit-tested on its own.
 */
import { ConfigError, show } from '../../lib/errors';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkLogLevel,
  checkPositiveInteger,
  checkTenantId,
  LogLevel,
} from '../../lib/validate';
import { ContainerImage, IMAGES, VERSIONS } from '../../lib/versions';
import { planPorts, ReceiverSettings, receiverPort, ServingPort } from '../common/receivers';
import {
  memoryLimitMiB,
  resolveResources,
  ResolvedResources,
  ResourceRequirements,
} from '../../lib/resources';
import type { SecretKeyRef } from '../../lib/secrets';
import type { Tempo } from '../tempo/tempo';
import { CommonCollectorSettings, OtlpExporterSettings } from './collector-config';
import { BatchProps, DEFAULT_QUEUE_SPANS, resolveBatch } from './exporter-queue';
import { MemoryLimiterProps, resolveMemoryLimiter } from './processors/memory-limiter';
import { SecretMount, secretMount } from './collector-tls';
import {
  PROMETHEUS_EXPORTER_PORT_NAME,
  PrometheusExporterProps,
  resolvePrometheusExporter,
} from './span-metrics';
import type { DnsName, TenantId } from '../../lib/input-types';

/** UID/GID of the otel/opentelemetry-collector-contrib image's user. */
export const COLLECTOR_UID = 10001;
export const COLLECTOR_METRICS_PORT = 8888;
export const COLLECTOR_HEALTH_PORT = 13133;

export interface CollectorCommonProps {
  /**
   * Name of the workload and its objects (DNS-1123 label, at most 50 characters: the headless
   * Service appends `-headless`).
   * @default 'otel-gateway' / 'otel-agent'
   */
  readonly name?: string;
  /** @default IMAGES.otelCollector (otel/opentelemetry-collector-contrib:0.161.0) */
  readonly image?: ContainerImage;
  /** Container resources; fields override the defaults one by one. @default - per tier */
  readonly resources?: ResourceRequirements;
  /**
   * `memory_limiter` limits in MiB.
   * @default - limit 85 % and spike 20 % of the container memory limit
   */
  readonly memoryLimiter?: MemoryLimiterProps;
  /**
   * Batching in the exporters' sending queues (`sending_queue.batch`; the `batch` processor is
   * not used). @default - 200ms, 8192 spans, max 10000
   */
  readonly batch?: BatchProps;
  /** Receivers; `true` enables Jaeger/Zipkin, `false` disables one. @default - OTLP gRPC and HTTP */
  readonly receivers?: ReceiverSettings;
  /** @default 'info' */
  readonly logLevel?: LogLevel;
  /**
   * A `prometheus` exporter and a `metrics` pipeline: applications' OTLP metrics (and, on the
   * gateway, its span metrics) are served on this port for Prometheus, which the PodMonitor scrapes.
   * @default - none (on a gateway with span metrics: `{}`)
   */
  readonly prometheus?: PrometheusExporterProps;
}

export interface TempoExportProps {
  /**
   * Tenant sent as `X-Scope-OrgID` (required when Tempo has multi-tenancy on).
   * @default - no header
   */
  readonly tenant?: TenantId;
  /** TLS towards Tempo when its receivers use TLS. @default - system CA roots */
  readonly tempoTls?: { readonly caSecret?: SecretKeyRef; readonly serverName?: DnsName };
  /**
   * The Tempo exporters' sending queue: `queueSize` in spans (`sizer: items`). Environments with a
   * capacity plan pass its `gateway.queueSpans`.
   * @default - 10 consumers; 50,000 spans in memory, 1,000,000 in the gateway's persistentQueue
   */
  readonly exportQueue?: { readonly numConsumers?: number; readonly queueSize?: number };
}

export interface ResolvedCollector extends CommonCollectorSettings {
  readonly name: string;
  readonly image: ContainerImage;
  readonly resources: ResolvedResources;
}

export function resolveCollector(
  props: CollectorCommonProps,
  defaults: { name: string; resources: ResolvedResources; prometheus?: boolean },
  property: string,
): ResolvedCollector {
  const name = checkDnsLabel(props.name ?? defaults.name, `${property}.name`, 50);
  const resources = resolveResources(props.resources, defaults.resources, `${property}.resources`);
  const limitMiBOfContainer = memoryLimitMiB(resources, `${property}.resources`);
  const memoryLimiter = resolveMemoryLimiter(
    props.memoryLimiter,
    limitMiBOfContainer,
    `${property}.memoryLimiter`,
  );
  const batch = resolveBatch(props.batch, `${property}.batch`);
  const prometheus = resolvePrometheusExporter(
    props.prometheus ?? (defaults.prometheus ? {} : undefined),
    `${property}.prometheus`,
  );
  const ports = planPorts(
    {
      fixed: [
        {
          name: 'metrics',
          port: COLLECTOR_METRICS_PORT,
          property: `${property}.metricsPort`,
          appProtocol: 'http',
        },
        {
          name: 'health',
          port: COLLECTOR_HEALTH_PORT,
          property: `${property}.healthPort`,
          appProtocol: 'http',
        },
        ...(prometheus
          ? [
              {
                name: PROMETHEUS_EXPORTER_PORT_NAME,
                port: prometheus.port,
                property: `${property}.prometheus.port`,
                appProtocol: 'http',
              },
            ]
          : []),
      ],
      receivers: props.receivers,
      enabledByDefault: ['otlpGrpc', 'otlpHttp'],
    },
    property,
  );
  const logLevel = checkLogLevel(props.logLevel ?? 'info', `${property}.logLevel`);
  const image = props.image ?? IMAGES.otelCollector;
  // The config model emits the component names and keys of exactly this release; an older
  // image refuses the new names, a newer one may have removed or renamed keys.
  if (image.tag !== VERSIONS.otelCollector) {
    throw new ConfigError(
      `${property}.image.tag`,
      `${show(image.tag)} is not supported: the collector configs are written and tested for ${VERSIONS.otelCollector} (lib/versions.ts); use tag '${VERSIONS.otelCollector}' (a mirror repository is fine)`,
    );
  }
  return {
    name,
    image,
    resources,
    ports,
    memoryLimiter,
    batch,
    logLevel,
    ...(prometheus ? { prometheus } : {}),
  };
}

/** The CA Secret the Tempo exporter verifies with, mounted at `/var/run/secrets/tempo-ca/`. */
export function tempoCaMount(props: TempoExportProps): SecretMount[] {
  const ca = props.tempoTls?.caSecret;
  return ca ? [secretMount('tempo-ca', ca.name, [ca.key])] : [];
}

/**
 * The OTLP gRPC exporter towards Tempo, from the Tempo object (endpoint, TLS, tenant); `durable`
 * puts its queue in the gateway's `file_storage`.
 */
export function tempoExporter(
  tempo: Tempo,
  props: TempoExportProps,
  property: string,
  durable = false,
): OtlpExporterSettings {
  const target = tempo.otlpGrpcTarget;
  let tls: Record<string, unknown>;
  if (tempo.settings.tls) {
    if (props.tempoTls?.caSecret)
      checkDnsSubdomain(props.tempoTls.caSecret.name, `${property}.tempoTls.caSecret.name`);
    // Through the distributors' headless Service the dialed name is not the one a certificate
    // for the Tempo Service carries: verify against the Service host unless told otherwise.
    // Always explicit, so the name checked is the Service's whatever address is dialed.
    const serverName =
      props.tempoTls?.serverName ??
      target.serverName ??
      target.endpoint.replace(/^dns:\/\/\//, '').replace(/:\d+$/, '');
    tls = {
      insecure: false,
      ...(props.tempoTls?.caSecret
        ? {
            ca_file: secretMount('tempo-ca', props.tempoTls.caSecret.name, [
              props.tempoTls.caSecret.key,
            ]).path(props.tempoTls.caSecret.key),
          }
        : {}),
      ...(serverName ? { server_name_override: serverName } : {}),
    };
  } else {
    if (props.tempoTls) {
      throw new ConfigError(
        `${property}.tempoTls`,
        "is set but Tempo's receivers have no TLS; enable tempo.receiverTls or remove tempoTls",
      );
    }
    tls = { insecure: true };
  }
  let headers: Record<string, string> | undefined;
  if (tempo.multitenancyEnabled) {
    if (!props.tenant) {
      throw new ConfigError(
        `${property}.tenant`,
        'is required: Tempo has multi-tenancy on and refuses writes without an X-Scope-OrgID header; set the tenant these spans belong to',
      );
    }
    checkTenantId(props.tenant, `${property}.tenant`);
    headers = { 'X-Scope-OrgID': props.tenant };
  } else if (props.tenant) {
    throw new ConfigError(
      `${property}.tenant`,
      'is set but Tempo has multi-tenancy off, so Tempo would ignore it; enable tempo.multitenancy or remove the tenant',
    );
  }
  return {
    endpoint: target.endpoint,
    ...(target.balancerName ? { balancerName: target.balancerName } : {}),
    tls,
    headers,
    queue: {
      numConsumers: checkPositiveInteger(
        props.exportQueue?.numConsumers ?? 10,
        `${property}.exportQueue.numConsumers`,
      ),
      queueSize: checkPositiveInteger(
        props.exportQueue?.queueSize ?? (durable ? DEFAULT_QUEUE_SPANS.disk : DEFAULT_QUEUE_SPANS.memory),
        `${property}.exportQueue.queueSize`,
      ),
      durable,
    },
  };
}

export function otlpGrpcPort(ports: readonly ServingPort[], property: string): number {
  return receiverPort(ports, 'otlpGrpc', property).port;
}
