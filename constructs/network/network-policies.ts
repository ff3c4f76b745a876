import { isIP } from 'node:net';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { checkDnsLabel } from '../../lib/validate';
import type { ServingPort } from '../common/receivers';
import type { StackWorkloads } from '../stack/workloads';
import { GOSSIP_PORT } from '../tempo/tempo-settings';

/** What an environment sets for its NetworkPolicies. */
export interface NetworkPoliciesOptions {
  /** Turn off for clusters whose CNI does not enforce NetworkPolicies. @default true */
  readonly enabled?: boolean;
  /** A namespace-wide default deny (only where this app owns the namespace). @default true */
  readonly defaultDeny?: boolean;
  /** Grafana's namespace: may query Tempo. @default 'monitoring' */
  readonly grafanaNamespace?: string;
  /** Prometheus's namespace: may scrape every workload; Tempo's generator may remote-write to it. @default 'monitoring' */
  readonly prometheusNamespace?: string;
  /** Namespaces whose pods may send traces to the gateway (and to Tempo when there is no gateway). @default [] */
  readonly ingestNamespaces?: string[];
  /** Where Tempo may reach object storage (CIDRs, ports 443 and 9000). @default ['0.0.0.0/0'] */
  readonly objectStorageCidrs?: string[];
  /** Where the Kubernetes API server is (for k8sattributes and the resolver; ports 443, 6443). @default ['0.0.0.0/0'] */
  readonly apiServerCidrs?: string[];
}

export interface NetworkPoliciesProps extends NetworkPoliciesOptions, StackWorkloads {}

type Peer = k8s.NetworkPolicyPeer;
type Port = k8s.NetworkPolicyPort;

/** Drops repeated peers (Grafana and Prometheus usually share a namespace). */
const unique = (peers: Peer[]): Peer[] => [...new Map(peers.map((x) => [JSON.stringify(x), x])).values()];
const nsPeer = (namespace: string): Peer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});
const podPeer = (namespace: string, labels: Record<string, string>): Peer => ({
  ...nsPeer(namespace),
  podSelector: { matchLabels: labels },
});
const port = (p: { port: number; protocol: string }): Port => ({
  port: k8s.IntOrString.fromNumber(p.port),
  protocol: p.protocol,
});
const receiverPorts = (ports: readonly ServingPort[]): Port[] => ports.filter((p) => p.receiver).map(port);
const DNS: k8s.NetworkPolicyEgressRule = {
  // kube-dns / CoreDNS in kube-system.
  to: [nsPeer('kube-system')],
  ports: [
    { port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' },
    { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' },
  ],
};

function cidrs(list: string[], property: string): Peer[] {
  return list.map((c) => {
    const [address, prefix, extra] = c.split('/');
    const family = isIP(address ?? '');
    const bits = /^\d{1,3}$/.test(prefix ?? '') ? Number(prefix) : NaN;
    if (family === 0 || extra !== undefined || !(bits <= (family === 4 ? 32 : 128))) {
      throw new ConfigError(property, `${show(c)} is not a CIDR; expected e.g. '10.0.0.0/8' or 'fd00::/8'`);
    }
    return { ipBlock: { cidr: c } };
  });
}

/**
 * Least-privilege network policies for the stack: a default deny for the namespace, then per
 * workload exactly the flows it needs. Tempo accepts traces only from the collector gateway (or
 * the agents, without a gateway) and listed namespaces, queries only from Grafana's namespace,
 * scrapes only from Prometheus's; the gateway accepts from the agents and listed namespaces; the
 * agents from any pod (their node-local Service keeps that traffic on the node). DNS, object
 * storage and API-server egress are allowed where needed.
 */
export class NetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    if (props.enabled === false) return;
    const p = 'networkPolicies';
    const grafana = checkDnsLabel(props.grafanaNamespace ?? 'monitoring', `${p}.grafanaNamespace`);
    const prometheus = checkDnsLabel(props.prometheusNamespace ?? 'monitoring', `${p}.prometheusNamespace`);
    const ingest = (props.ingestNamespaces ?? []).map((n, i) =>
      checkDnsLabel(n, `${p}.ingestNamespaces[${i}]`),
    );
    const storage = cidrs(props.objectStorageCidrs ?? ['0.0.0.0/0'], `${p}.objectStorageCidrs`);
    const apiServer = cidrs(props.apiServerCidrs ?? ['0.0.0.0/0'], `${p}.apiServerCidrs`);
    const { tempo, gateway, agent } = props;
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY };
    const policy = (policyId: string, name: string, namespace: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, policyId, { metadata: { name, namespace, labels }, spec });
    const apiEgress: k8s.NetworkPolicyEgressRule = {
      to: apiServer,
      ports: [443, 6443].map((n) => ({ port: k8s.IntOrString.fromNumber(n), protocol: 'TCP' })),
    };

    if (props.defaultDeny !== false)
      policy('DefaultDeny', 'default-deny', tempo.namespace, {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
      });

    // Tempo
    const senders: Peer[] = gateway
      ? [podPeer(gateway.namespace, gateway.selectorLabels)]
      : agent
        ? [podPeer(agent.namespace, agent.selectorLabels)]
        : [];
    const http = tempo.metricsPort;
    const mg = tempo.settings.metricsGenerator;
    const tempoEgress: k8s.NetworkPolicyEgressRule[] = [DNS];
    // Distributed components talk to each other: gRPC (writes, queries), HTTP, memberlist gossip.
    const self = podPeer(tempo.namespace, tempo.selectorLabels);
    const internalPorts: Port[] = [
      ...tempo.ports.filter((x) => !x.receiver).map(port),
      { port: k8s.IntOrString.fromNumber(GOSSIP_PORT), protocol: 'TCP' },
    ];
    const distributed = tempo.settings.mode === 'distributed';
    if (distributed) tempoEgress.push({ to: [self], ports: internalPorts });
    if (tempo.settings.storageBackend.shared)
      tempoEgress.push({
        to: storage,
        ports: [443, 9000].map((n) => ({ port: k8s.IntOrString.fromNumber(n), protocol: 'TCP' })),
      });
    if (mg)
      tempoEgress.push({
        to: [nsPeer(prometheus)],
        ports: mg.remoteWrite.map((r) => ({
          port: k8s.IntOrString.fromNumber(
            Number(new URL(r.url).port || (r.url.startsWith('https') ? 443 : 80)),
          ),
          protocol: 'TCP',
        })),
      });
    policy('Tempo', tempo.name, tempo.namespace, {
      podSelector: { matchLabels: tempo.selectorLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        ...(senders.length || ingest.length
          ? [{ from: [...senders, ...ingest.map(nsPeer)], ports: receiverPorts(tempo.ports) }]
          : []),
        { from: unique([nsPeer(grafana), nsPeer(prometheus)]), ports: [port(http)] },
        ...(distributed ? [{ from: [self], ports: internalPorts }] : []),
      ],
      egress: tempoEgress,
    });

    if (gateway) {
      policy('Gateway', gateway.name, gateway.namespace, {
        podSelector: { matchLabels: gateway.selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          {
            from: [...(agent ? [podPeer(agent.namespace, agent.selectorLabels)] : []), ...ingest.map(nsPeer)],
            ports: receiverPorts(gateway.ports),
          },
          { from: [nsPeer(prometheus)], ports: gateway.ports.filter((x) => x.name === 'metrics').map(port) },
        ].filter((r) => r.from.length > 0),
        egress: [
          DNS,
          { to: [podPeer(tempo.namespace, tempo.selectorLabels)], ports: receiverPorts(tempo.ports) },
          apiEgress,
        ],
      });
    }
    if (agent) {
      const target = gateway ?? tempo;
      policy('Agent', agent.name, agent.namespace, {
        podSelector: { matchLabels: agent.selectorLabels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          // Any pod may send; the node-local Service keeps it on the node.
          { from: [{ namespaceSelector: {} }], ports: receiverPorts(agent.ports) },
          { from: [nsPeer(prometheus)], ports: agent.ports.filter((x) => x.name === 'metrics').map(port) },
        ],
        egress: [
          DNS,
          { to: [podPeer(target.namespace, target.selectorLabels)], ports: receiverPorts(target.ports) },
          apiEgress,
        ],
      });
      if (agent.namespace !== tempo.namespace && props.defaultDeny !== false) {
        policy('AgentDefaultDeny', 'default-deny', agent.namespace, {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
        });
      }
    }
  }
}
