/**
 * The collectors' flows (docs/network.md): Prometheus scrapes them, they resolve DNS, read the
 * Kubernetes API when they enrich or resolve, and export OTLP gRPC to the next tier. Who sends
 * to them is declared by the agents (for the gateway) and by the stack (applications).
 */
import { API_SERVER_PORTS, Connections, DNS_PORTS, FlowDeclaring, Peers, PodGroup } from '../common/flows';
import { receiverPort, ServingPort } from '../common/receivers';
import { PROMETHEUS_EXPORTER_PORT_NAME } from './span-metrics';

export interface CollectorFlowsInput {
  readonly name: string;
  readonly namespace: string;
  readonly selectorLabels: Record<string, string>;
  readonly ports: readonly ServingPort[];
  /** The tier it exports to (a gateway or a Tempo), by reference. */
  readonly exportsTo: FlowDeclaring;
  /** True when it reads the Kubernetes API (k8sattributes, the load-balancing resolver). */
  readonly apiAccess: boolean;
}

/** The pod group of one collector tier and its connections. */
export function collectorConnections(c: CollectorFlowsInput): { group: PodGroup; connections: Connections } {
  const group: PodGroup = {
    name: c.name,
    namespace: c.namespace,
    selectorLabels: c.selectorLabels,
    ports: c.ports,
  };
  const target = c.exportsTo.receiverGroup!;
  const otlp = receiverPort(target.ports as readonly ServingPort[], 'otlpGrpc', `${c.name}.export`);
  const connections = new Connections([group])
    .allowFrom(
      group,
      Peers.prometheus,
      ['metrics', ...c.ports.filter((p) => p.name === PROMETHEUS_EXPORTER_PORT_NAME).map((p) => p.name)],
      'Prometheus scrapes /metrics',
    )
    .allowTo(group, Peers.dns, DNS_PORTS, 'DNS')
    .allowTo(group, target, [otlp.name], 'exports traces (OTLP gRPC)');
  if (c.apiAccess)
    connections.allowTo(group, Peers.kubernetesApi, API_SERVER_PORTS, 'Kubernetes API (pod metadata)');
  return { group, connections };
}
