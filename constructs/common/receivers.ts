import { ConfigError, show } from '../../lib/errors';
import { checkPort, checkPortName } from '../../lib/validate';

import { NamedPort, serviceHost } from '../../lib/k8s';
import type { PortName } from '../../lib/input-types';

/**
 * Trace receivers shared by Tempo's distributor and the OpenTelemetry Collector: Tempo embeds the
 * Collector's own otlp, jaeger and zipkin receivers, so the config paths and default ports are
 * the same in both.
 */
export type TraceReceiverId =
  | 'otlpGrpc'
  | 'otlpHttp'
  | 'jaegerGrpc'
  | 'jaegerThriftHttp'
  | 'jaegerThriftCompact'
  | 'jaegerThriftBinary'
  | 'zipkin';

interface ReceiverCatalogEntry {
  readonly id: TraceReceiverId;
  /** Container/Service port name (IANA_SVC_NAME: at most 15 characters). */
  readonly portName: string;
  readonly defaultPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly appProtocol?: string;
  /** Where the receiver's `endpoint` lives under `distributor.receivers`. */
  readonly configPath: readonly string[];
}

/**
 * The single source of truth for receivers: the config, the container ports and the Service
 * ports are all derived from this list, so they cannot disagree. Default ports: the
 * OpenTelemetry receivers' `config.go` (otlp 4317/4318, jaeger 14250/14268/6831/6832, zipkin 9411).
 */
export const TRACE_RECEIVER_CATALOG: readonly ReceiverCatalogEntry[] = [
  {
    id: 'otlpGrpc',
    portName: 'otlp-grpc',
    defaultPort: 4317,
    protocol: 'TCP',
    appProtocol: 'grpc',
    configPath: ['otlp', 'protocols', 'grpc'],
  },
  {
    id: 'otlpHttp',
    portName: 'otlp-http',
    defaultPort: 4318,
    protocol: 'TCP',
    appProtocol: 'http',
    configPath: ['otlp', 'protocols', 'http'],
  },
  {
    id: 'jaegerGrpc',
    portName: 'jaeger-grpc',
    defaultPort: 14250,
    protocol: 'TCP',
    appProtocol: 'grpc',
    configPath: ['jaeger', 'protocols', 'grpc'],
  },
  {
    id: 'jaegerThriftHttp',
    portName: 'jaeger-thrift',
    defaultPort: 14268,
    protocol: 'TCP',
    appProtocol: 'http',
    configPath: ['jaeger', 'protocols', 'thrift_http'],
  },
  {
    id: 'jaegerThriftCompact',
    portName: 'jaeger-compact',
    defaultPort: 6831,
    protocol: 'UDP',
    configPath: ['jaeger', 'protocols', 'thrift_compact'],
  },
  {
    id: 'jaegerThriftBinary',
    portName: 'jaeger-binary',
    defaultPort: 6832,
    protocol: 'UDP',
    configPath: ['jaeger', 'protocols', 'thrift_binary'],
  },
  {
    id: 'zipkin',
    portName: 'zipkin',
    defaultPort: 9411,
    protocol: 'TCP',
    appProtocol: 'http',
    configPath: ['zipkin'],
  },
];

/** Where one receiver listens, and under which port name. */
export interface ReceiverPortProps {
  /** @default - the receiver's standard port */
  readonly port?: number;
  /**
   * Container and Service port name, an IANA_SVC_NAME (at most 15 characters, lowercase letters,
   * digits and single hyphens, at least one letter).
   * @default - the catalog's name (`otlp-grpc`, `jaeger-thrift`, …)
   */
  readonly name?: PortName;
}

/** Per receiver: `true` turns it on, `false` off, `{ port, name }` moves or renames it (and turns it on). */
export type ReceiverSettings = Partial<Record<TraceReceiverId, boolean | ReceiverPortProps>>;

/** One port a workload listens on, as the config, the container and the Services see it. */
export interface ServingPort extends NamedPort {
  /** Set for trace receivers, absent for API, metrics and health ports. */
  readonly receiver?: ReceiverCatalogEntry;
}

export interface PortPlanInput {
  /** Ports that are always there (API, metrics, health), already named. */
  readonly fixed: readonly {
    readonly name: string;
    readonly port: number;
    readonly property: string;
    readonly appProtocol?: string;
  }[];
  readonly receivers?: ReceiverSettings;
  /** Receivers that are on when the settings do not mention them. */
  readonly enabledByDefault: readonly TraceReceiverId[];
}

/**
 * Resolves the ports a workload opens: the fixed ones and every enabled receiver. Rejects
 * out-of-range and duplicate ports, unknown receivers and a set with no receiver.
 */
export function planPorts(input: PortPlanInput, property: string): ServingPort[] {
  const settings = input.receivers ?? {};
  const known = new Set<string>(TRACE_RECEIVER_CATALOG.map((r) => r.id));
  for (const key of Object.keys(settings)) {
    if (!known.has(key)) {
      throw new ConfigError(
        `${property}.receivers.${key}`,
        `unknown receiver; expected one of ${[...known].join(', ')}`,
      );
    }
  }
  const ports: ServingPort[] = input.fixed.map((f) => ({
    name: f.name,
    port: checkPort(f.port, f.property),
    protocol: 'TCP',
    appProtocol: f.appProtocol,
  }));
  for (const receiver of TRACE_RECEIVER_CATALOG) {
    const setting = settings[receiver.id] ?? input.enabledByDefault.includes(receiver.id);
    if (setting === false) continue;
    const port =
      setting === true || setting.port === undefined
        ? receiver.defaultPort
        : checkPort(setting.port, `${property}.receivers.${receiver.id}.port`);
    const name =
      setting === true || setting.name === undefined
        ? receiver.portName
        : checkPortName(setting.name, `${property}.receivers.${receiver.id}.name`);
    ports.push({
      name,
      port,
      protocol: receiver.protocol,
      appProtocol: receiver.appProtocol,
      receiver,
    });
  }
  if (!ports.some((p) => p.receiver)) {
    throw new ConfigError(
      `${property}.receivers`,
      'every receiver is disabled; enable at least one (e.g. otlpGrpc) or no traces are received',
    );
  }
  const names = new Set<string>();
  for (const p of ports) {
    if (names.has(p.name)) {
      throw new ConfigError(
        `${property}.receivers`,
        `port name ${show(p.name)} is used twice; give each receiver its own name`,
      );
    }
    names.add(p.name);
  }
  const seen = new Map<number, string>();
  for (const p of ports) {
    const other = seen.get(p.port);
    if (other !== undefined) {
      throw new ConfigError(
        `${property}.receivers`,
        `port ${p.port} is used by both '${other}' and '${p.name}'; give each its own port`,
      );
    }
    seen.set(p.port, p.name);
  }
  return ports;
}

/**
 * How long a client's gRPC connection to a horizontally scaled receiver (Tempo's distributors, the
 * collector gateways) may live. A gRPC client keeps one long-lived connection per backend it
 * resolved; closing it with GOAWAY after this age makes clients reconnect and re-resolve DNS, so
 * replicas added by an autoscaler get their share within minutes instead of never. Grace lets
 * in-flight export calls finish. (configgrpc `KeepaliveServerParameters`, grpc-go
 * `keepalive.ServerParameters`.)
 */
const RECEIVER_MAX_CONNECTION_AGE = { max_connection_age: '2m', max_connection_age_grace: '30s' } as const;

/** Where an OTLP gRPC client sends, and the gRPC balancer it needs there. */
export interface GrpcTarget {
  /** `host:port`, or a gRPC target such as `dns:///host:port`. */
  readonly endpoint: string;
  /** Set when the target resolves to several pods. @default - gRPC's own policy */
  readonly balancerName?: 'round_robin';
}

/**
 * Every ready pod behind a headless Service, by DNS, balanced with `round_robin`: through a
 * ClusterIP each long-lived gRPC connection would stick to one pod. Pair with receivers built
 * with `rotateGrpcConnections`, so clients re-resolve and reach replicas added later.
 */
export function balancedGrpcTarget(headlessService: string, namespace: string, port: number): GrpcTarget {
  return {
    endpoint: `dns:///${serviceHost(headlessService, namespace)}:${port}`,
    balancerName: 'round_robin',
  };
}

export interface ReceiversConfigOptions {
  /** TLS server settings for the OTLP receivers (configtls.ServerConfig). */
  readonly otlpTls?: Readonly<Record<string, string | boolean>>;
  /** Bound the age of OTLP gRPC connections (see `RECEIVER_MAX_CONNECTION_AGE`). */
  readonly rotateGrpcConnections?: boolean;
}

/** A nested configuration object (a YAML mapping) as the config models build it. */
export interface ConfigTree {
  [key: string]: unknown;
}

/**
 * Builds a receivers block (`distributor.receivers` in Tempo, `receivers` in the Collector):
 * every enabled receiver on `<host>:<port>`, with optional TLS on the OTLP ones.
 */
export function receiversConfig(
  ports: readonly ServingPort[],
  host: string,
  options: ReceiversConfigOptions = {},
): ConfigTree {
  const receivers: ConfigTree = {};
  for (const p of ports) {
    if (!p.receiver) continue;
    let node = receivers;
    for (const key of p.receiver.configPath) node = (node[key] ??= {}) as ConfigTree;
    node.endpoint = `${host}:${p.port}`;
    // OTLP receivers take the collector's TLS server settings (configtls.ServerConfig).
    if (options.otlpTls && p.receiver.configPath[0] === 'otlp') node.tls = { ...options.otlpTls };
    if (options.rotateGrpcConnections && p.receiver.id === 'otlpGrpc')
      node.keepalive = { server_parameters: { ...RECEIVER_MAX_CONNECTION_AGE } };
  }
  return receivers;
}

/** The port of an enabled receiver, or an error naming how to enable it. */
export function receiverPort(
  ports: readonly ServingPort[],
  id: TraceReceiverId,
  property: string,
): ServingPort {
  const port = ports.find((p) => p.receiver?.id === id);
  if (!port)
    throw new ConfigError(
      property,
      `receiver ${show(id)} is disabled; enable it in the props to use this endpoint`,
    );
  return port;
}
