/**
 * The flow model: which pods of the stack accept connections from whom, and whom they call, on
 * which ports. Workload constructs declare their flows with `Connections` (the way cdk8s-plus
 * workloads declare `connections`); the NetworkPolicies, the flow matrix of SUMMARY.md and the
 * network tests are all derived from those declarations. See docs/network.md.
 */
import { ConfigError, show } from '../../lib/errors';
import type { NamedPort } from '../../lib/k8s';

/** Pods of this stack that one NetworkPolicy selects (a workload, or every pod of an installation). */
export interface PodGroup {
  /** Names its NetworkPolicy and its rows in the flow matrix, e.g. `tempo-distributor`. */
  readonly name: string;
  readonly namespace: string;
  /** Labels that select exactly these pods (immutable selector labels). */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Ports its containers listen on; flows to the group name them. */
  readonly ports: readonly NamedPort[];
}

/** A port of a flow, as the NetworkPolicy matches it (the destination pod's port). */
export interface FlowPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  /** The container port's name, when the destination is a pod of this stack. */
  readonly name?: string;
}

/**
 * A peer outside this stack. The roles (`applications`, `grafana`, …) are resolved against the
 * environment's `networkPolicies` options when the policies are generated.
 */
export type ExternalPeer =
  /** Application pods that send traces (`networkPolicies.ingestNamespaces`, else every namespace). */
  | { readonly kind: 'applications' }
  /** Grafana's pods (`networkPolicies.grafanaNamespace` + `grafanaPodLabels`). */
  | { readonly kind: 'grafana' }
  /** Prometheus's pods (`networkPolicies.prometheusNamespace` + `prometheusPodLabels`). */
  | { readonly kind: 'prometheus' }
  /** Cluster DNS in kube-system. */
  | { readonly kind: 'dns' }
  /** The Kubernetes API server (`networkPolicies.apiServerCidrs`). */
  | { readonly kind: 'kubernetes-api' }
  /**
   * Pods that are not this stack's, by namespace and (optionally) labels: an ingress controller,
   * a Gateway's proxies. `name` is how the flow matrix shows them.
   */
  | {
      readonly kind: 'pods';
      readonly name: string;
      readonly namespace: string;
      readonly labels?: Readonly<Record<string, string>>;
    }
  /** A Service of this cluster, by its DNS name: every pod of its namespace. */
  | { readonly kind: 'service'; readonly host: string; readonly namespace: string }
  /** An address outside the cluster: an IP literal, or a host within the CIDRs of `cidrs`. */
  | {
      readonly kind: 'external';
      readonly host: string;
      readonly cidrs: ExternalCidrs;
      readonly ip?: string;
    };

/**
 * Which `networkPolicies` CIDR list holds an outside host's addresses: `objectStorageCidrs`,
 * `remoteWriteCidrs`, `issuerCidrs` (the query gateway's OIDC issuer).
 */
export type ExternalCidrs = 'objectStorage' | 'remoteWrite' | 'issuer';

export type Peer = PodGroup | ExternalPeer;

export function isPodGroup(peer: Peer): peer is PodGroup {
  return 'selectorLabels' in peer;
}

/** One allowed connection: `from` may open connections to `to` on `ports`. */
export interface Flow {
  readonly from: Peer;
  readonly to: Peer;
  readonly ports: readonly FlowPort[];
  /** Why the stack needs it, one short phrase for the flow matrix. */
  readonly purpose: string;
}

/** The ports of a group, by name (an unknown name is a wiring mistake, reported with the group). */
export function namedPorts(group: PodGroup, names: readonly string[]): FlowPort[] {
  return names.map((name) => {
    const p = group.ports.find((x) => x.name === name);
    if (!p)
      throw new Error(
        `${group.name} has no port ${show(name)} (ports: ${group.ports.map((x) => x.name).join(', ')})`,
      );
    return { name: p.name, port: p.port, protocol: p.protocol };
  });
}

export const tcp = (...ports: number[]): FlowPort[] => ports.map((port) => ({ port, protocol: 'TCP' }));

/** Peers by role, for declarations. */
export const Peers = {
  applications: { kind: 'applications' } as ExternalPeer,
  grafana: { kind: 'grafana' } as ExternalPeer,
  prometheus: { kind: 'prometheus' } as ExternalPeer,
  dns: { kind: 'dns' } as ExternalPeer,
  kubernetesApi: { kind: 'kubernetes-api' } as ExternalPeer,
} as const;

/** DNS: UDP and TCP 53. */
export const DNS_PORTS: readonly FlowPort[] = [
  { port: 53, protocol: 'UDP' },
  { port: 53, protocol: 'TCP' },
];
/** The API server's HTTPS: 443 behind the `kubernetes` Service, 6443 on kubeadm control planes. */
export const API_SERVER_PORTS: readonly FlowPort[] = tcp(443, 6443);

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * The peer and port of a `host[:port]` (or a URL's host and port): a Service of this cluster
 * (`<svc>.<ns>.svc[.cluster.local]`, or a bare name in `sameNamespace`), an IP literal, or an
 * external host whose addresses are given by `cidrs`.
 */
export function hostPeer(
  host: string,
  port: number,
  cidrs: ExternalCidrs,
  sameNamespace: string,
): { peer: ExternalPeer; ports: FlowPort[] } {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  const labels = h.split('.');
  let peer: ExternalPeer;
  if (IPV4.test(h) || h.includes(':')) peer = { kind: 'external', host: h, cidrs, ip: h };
  else if (labels.length === 1) peer = { kind: 'service', host: h, namespace: sameNamespace };
  else if (/\.svc(\.cluster\.local)?$/.test(h) && labels.length >= 3)
    peer = { kind: 'service', host: h, namespace: labels[1]! };
  else peer = { kind: 'external', host: h, cidrs };
  return { peer, ports: tcp(port) };
}

/** The peer and port of an `http(s)://` URL (remote write, object storage, an OIDC issuer). */
export function urlPeer(
  url: string,
  cidrs: ExternalCidrs,
  sameNamespace: string,
  property: string,
): { peer: ExternalPeer; ports: FlowPort[] } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      property,
      `${show(url)} is not a URL; expected e.g. 'http://host:9090/api/v1/write'`,
    );
  }
  const port = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
  return hostPeer(parsed.hostname, port, cidrs, sameNamespace);
}

/**
 * The flows of one workload, declared next to the pods they concern. `allowFrom` opens a group to
 * a peer; `allowTo` lets a group call a peer (when the peer is another group of this stack, one
 * declaration gives both the caller's egress and the callee's ingress).
 */
export class Connections {
  private readonly declared: Flow[] = [];

  /** Every group the workload runs (each gets its own NetworkPolicy, even without flows). */
  public constructor(public readonly groups: readonly PodGroup[]) {}

  /** `from` may connect to `group` on the named ports. */
  public allowFrom(group: PodGroup, from: Peer, portNames: readonly string[], purpose: string): this {
    if (portNames.length)
      this.declared.push({ from, to: group, ports: namedPorts(group, portNames), purpose });
    return this;
  }

  /** `group` may call a group of this stack on the named ports. */
  public allowTo(group: PodGroup, to: PodGroup, portNames: readonly string[], purpose: string): this;
  /** `group` may call a peer outside the stack on the given ports. */
  public allowTo(group: PodGroup, to: ExternalPeer, ports: readonly FlowPort[], purpose: string): this;
  public allowTo(
    group: PodGroup,
    to: Peer,
    ports: readonly string[] | readonly FlowPort[],
    purpose: string,
  ): this {
    const resolved = ports.map((p) => (typeof p === 'string' ? namedPorts(to as PodGroup, [p])[0]! : p));
    if (resolved.length) this.declared.push({ from: group, to, ports: resolved, purpose });
    return this;
  }

  public get flows(): readonly Flow[] {
    return this.declared;
  }
}

/** What a workload construct exposes: its pod groups, its flows, and where it receives traces. */
export interface FlowDeclaring {
  readonly connections: Connections;
  /** The group with the trace receivers, if the workload receives traces. */
  readonly receiverGroup?: PodGroup;
}

/** A peer's name in the flow matrix. */
export function peerName(peer: Peer): string {
  if (isPodGroup(peer)) return peer.name;
  switch (peer.kind) {
    case 'service':
      return `${peer.host} (namespace ${peer.namespace})`;
    case 'pods':
      return `${peer.name} (namespace ${peer.namespace})`;
    case 'external':
      return peer.host;
    default:
      return peer.kind;
  }
}

export const portLabel = (p: FlowPort): string =>
  `${p.port}${p.protocol === 'UDP' ? '/UDP' : ''}${p.name ? ` (${p.name})` : ''}`;
