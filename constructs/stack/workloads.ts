import type { OtelCollectorAgent } from '../otel-collector/otel-collector-agent';
import type { OtelCollectorGateway } from '../otel-collector/otel-collector-gateway';
import type { QueryGateway } from '../gateway/query-gateway';
import type { Tempo } from '../tempo/tempo';

/** The workloads of one tracing stack, by reference: what monitoring and NetworkPolicies are about. */
export interface StackWorkloads {
  readonly tempo: Tempo;
  /** @default - no gateway */
  readonly gateway?: OtelCollectorGateway;
  /** @default - no agents */
  readonly agent?: OtelCollectorAgent;
  /** The query gateway in front of Tempo. @default - none: Grafana queries Tempo directly */
  readonly queryGateway?: QueryGateway;
}
