import { ConfigError, show } from '../../lib/errors';
import { checkPort } from '../../lib/validate';

/** Trace protocols the Tempo distributor can receive. */
export type TempoReceiverId =
  | 'otlpGrpc'
  | 'otlpHttp'
  | 'jaegerGrpc'
  | 'jaegerThriftHttp'
  | 'jaegerThriftCompact'
  | 'jaegerThriftBinary'
  | 'zipkin';

interface ReceiverCatalogEntry {
  readonly id: TempoReceiverId;
  /** Container/Service port name (IANA_SVC_NAME: at most 15 characters). */
  readonly portName: string;
  readonly defaultPort: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly appProtocol?: string;
  /** Where the receiver's `endpoint` lives under `distributor.receivers`. */
  readonly configPath: readonly string[];
}

/**
 * The single source of truth for receivers: the Tempo config, the container ports and the
 * Service ports are all derived from this list, so they cannot disagree.
 * Default ports: Tempo 2.8 `modules/distributor/config.go` and the OpenTelemetry receivers it
 * embeds (otlp, jaeger, zipkin).
 */
export const TEMPO_RECEIVER_CATALOG: readonly ReceiverCatalogEntry[] = [
  { id: 'otlpGrpc', portName: 'otlp-grpc', defaultPort: 4317, protocol: 'TCP', appProtocol: 'grpc', configPath: ['otlp', 'protocols', 'grpc'] },
  { id: 'otlpHttp', portName: 'otlp-http', defaultPort: 4318, protocol: 'TCP', appProtocol: 'http', configPath: ['otlp', 'protocols', 'http'] },
  { id: 'jaegerGrpc', portName: 'jaeger-grpc', defaultPort: 14250, protocol: 'TCP', appProtocol: 'grpc', configPath: ['jaeger', 'protocols', 'grpc'] },
  { id: 'jaegerThriftHttp', portName: 'jaeger-thrift', defaultPort: 14268, protocol: 'TCP', appProtocol: 'http', configPath: ['jaeger', 'protocols', 'thrift_http'] },
  { id: 'jaegerThriftCompact', portName: 'jaeger-compact', defaultPort: 6831, protocol: 'UDP', configPath: ['jaeger', 'protocols', 'thrift_compact'] },
  { id: 'jaegerThriftBinary', portName: 'jaeger-binary', defaultPort: 6832, protocol: 'UDP', configPath: ['jaeger', 'protocols', 'thrift_binary'] },
  { id: 'zipkin', portName: 'zipkin', defaultPort: 9411, protocol: 'TCP', appProtocol: 'http', configPath: ['zipkin'] },
];

/** Per receiver: `false` turns it off, `{ port }` moves it. Omitted receivers are on. */
export type TempoReceiverSettings = Partial<Record<TempoReceiverId, boolean | { readonly port: number }>>;

/** One port Tempo listens on, as the config, the container and the Services see it. */
export interface TempoPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly appProtocol?: string;
  /** Set for trace receivers, absent for the HTTP/gRPC API ports. */
  readonly receiver?: ReceiverCatalogEntry;
}

export interface TempoPortPlanInput {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly receivers?: TempoReceiverSettings;
}

/**
 * Resolves which ports Tempo opens: the HTTP API, the gRPC API and every enabled receiver.
 * Rejects out-of-range and duplicate ports, unknown receivers and a set with no receiver.
 */
export function planTempoPorts(input: TempoPortPlanInput, property = 'tempo'): TempoPort[] {
  const settings = input.receivers ?? {};
  const known = new Set<string>(TEMPO_RECEIVER_CATALOG.map((r) => r.id));
  for (const key of Object.keys(settings)) {
    if (!known.has(key)) {
      throw new ConfigError(`${property}.receivers.${key}`, `unknown receiver; expected one of ${[...known].join(', ')}`);
    }
  }
  const ports: TempoPort[] = [
    { name: 'http', port: checkPort(input.httpPort, `${property}.httpPort`), protocol: 'TCP', appProtocol: 'http' },
    { name: 'grpc', port: checkPort(input.grpcPort, `${property}.grpcPort`), protocol: 'TCP', appProtocol: 'grpc' },
  ];
  for (const receiver of TEMPO_RECEIVER_CATALOG) {
    const setting = settings[receiver.id] ?? true;
    if (setting === false) continue;
    const port = setting === true ? receiver.defaultPort : checkPort(setting.port, `${property}.receivers.${receiver.id}.port`);
    ports.push({ name: receiver.portName, port, protocol: receiver.protocol, appProtocol: receiver.appProtocol, receiver });
  }
  if (!ports.some((p) => p.receiver)) {
    throw new ConfigError(`${property}.receivers`, 'every receiver is disabled; enable at least one (e.g. otlpGrpc) or Tempo receives no traces');
  }
  const seen = new Map<number, string>();
  for (const p of ports) {
    const other = seen.get(p.port);
    if (other !== undefined) {
      throw new ConfigError(`${property}.receivers`, `port ${p.port} is used by both '${other}' and '${p.name}'; give each its own port`);
    }
    seen.set(p.port, p.name);
  }
  return ports;
}

/** The port of an enabled receiver, or an error naming how to enable it. */
export function receiverPort(ports: readonly TempoPort[], id: TempoReceiverId, property: string): TempoPort {
  const port = ports.find((p) => p.receiver?.id === id);
  if (!port) throw new ConfigError(property, `receiver ${show(id)} is disabled; enable it in the Tempo props to use this endpoint`);
  return port;
}
