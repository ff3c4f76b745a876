/**
 * A pure NetworkPolicy evaluator (networking.k8s.io/v1 semantics) for tests: may pod A reach pod
 * (or address) B on port P? A pod is isolated for a direction only when some policy in its
 * namespace selects it with that policy type; then the union of those policies' rules decides.
 * A connection needs both A's egress and B's ingress to allow it.
 */

export interface ContainerPortRef {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol?: string;
}

/** A pod: namespace, labels, optional IP and container ports (for named ports). */
export interface PodEndpoint {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip?: string;
  readonly ports?: readonly ContainerPortRef[];
}

/** An address outside the cluster. */
export interface IpEndpoint {
  readonly ip: string;
}

export type Endpoint = PodEndpoint | IpEndpoint;

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}
interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Requirement[];
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}
interface Rule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
export interface NetworkPolicyObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: Rule[];
    egress?: Rule[];
  };
}

const isPod = (e: Endpoint): e is PodEndpoint => 'namespace' in e;

/** Label selector semantics: every matchLabels pair and every expression must hold; {} matches all. */
export function selects(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown operator ${r.operator}`);
    }
  }
  return true;
}

function parseIp(ip: string): { v6: boolean; value: bigint } {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    return { v6: true, value: groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g || '0', 16)), 0n) };
  }
  const parts = ip.split('.').map(Number);
  return { v6: false, value: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
}

/** Whether `ip` is inside `cidr` (same family only). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const a = parseIp(ip);
  const b = parseIp(base);
  if (a.v6 !== b.v6) return false;
  const width = a.v6 ? 128n : 32n;
  const shift = width - BigInt(bits);
  return a.value >> shift === b.value >> shift;
}

/** Namespace labels: the automatic `kubernetes.io/metadata.name`, plus any given. */
export type NamespaceLabels = Readonly<Record<string, Readonly<Record<string, string>>>>;

function peerMatches(
  peer: PolicyPeer,
  policyNamespace: string,
  other: Endpoint,
  namespaces: NamespaceLabels,
): boolean {
  if (peer.ipBlock) {
    const ip = other.ip;
    if (!ip) return false;
    return inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(ip, c));
  }
  if (!isPod(other)) return false;
  if (peer.namespaceSelector) {
    const nsLabels = { ...namespaces[other.namespace], 'kubernetes.io/metadata.name': other.namespace };
    if (!selects(peer.namespaceSelector, nsLabels)) return false;
  } else if (other.namespace !== policyNamespace) return false;
  return selects(peer.podSelector, other.labels);
}

function portMatches(p: PolicyPort, port: number, protocol: string, target: Endpoint): boolean {
  if ((p.protocol ?? 'TCP') !== protocol) return false;
  if (p.port === undefined) return true;
  if (typeof p.port === 'string') {
    // A named port is the destination pod's container port of that name (never an address's).
    if (!isPod(target)) return false;
    return (target.ports ?? []).some(
      (c) => c.name === p.port && c.containerPort === port && (c.protocol ?? 'TCP') === protocol,
    );
  }
  return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
}

function policyTypes(p: NetworkPolicyObject): string[] {
  return p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

/** Policies that isolate `pod` for `direction`; undefined when it is not isolated. */
function isolating(
  policies: readonly NetworkPolicyObject[],
  pod: PodEndpoint,
  direction: 'Ingress' | 'Egress',
): NetworkPolicyObject[] | undefined {
  const selecting = policies.filter(
    (p) =>
      p.kind === 'NetworkPolicy' &&
      (p.metadata.namespace ?? 'default') === pod.namespace &&
      policyTypes(p).includes(direction) &&
      selects(p.spec.podSelector, pod.labels),
  );
  return selecting.length ? selecting : undefined;
}

export interface Verdict {
  readonly allowed: boolean;
  readonly egress: boolean;
  readonly ingress: boolean;
}

/** May `from` open a connection to `to` on `port`/`protocol`? */
export function evaluate(
  policies: readonly NetworkPolicyObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol: 'TCP' | 'UDP' | 'SCTP' = 'TCP',
  namespaces: NamespaceLabels = {},
): Verdict {
  const allows = (rules: Rule[] | undefined, side: 'from' | 'to', ns: string, other: Endpoint) =>
    (rules ?? []).some(
      (r) =>
        (r[side] === undefined ||
          r[side]!.length === 0 ||
          r[side]!.some((peer) => peerMatches(peer, ns, other, namespaces))) &&
        (r.ports === undefined ||
          r.ports.length === 0 ||
          r.ports.some((p) => portMatches(p, port, protocol, to))),
    );
  let egress = true;
  if (isPod(from)) {
    const list = isolating(policies, from, 'Egress');
    if (list) egress = list.some((p) => allows(p.spec.egress, 'to', from.namespace, to));
  }
  let ingress = true;
  if (isPod(to)) {
    const list = isolating(policies, to, 'Ingress');
    if (list) ingress = list.some((p) => allows(p.spec.ingress, 'from', to.namespace, from));
  }
  return { allowed: egress && ingress, egress, ingress };
}

/** Shorthand: the verdict's `allowed`. */
export function mayReach(
  policies: readonly NetworkPolicyObject[],
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol: 'TCP' | 'UDP' = 'TCP',
  namespaces: NamespaceLabels = {},
): boolean {
  return evaluate(policies, from, to, port, protocol, namespaces).allowed;
}
