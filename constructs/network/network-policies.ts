import { isIP } from 'node:net';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { checkCidr, checkDnsLabel } from '../../lib/validate';
import {
  ExternalPeer,
  Flow,
  FlowDeclaring,
  FlowPort,
  isPodGroup,
  namedPorts,
  Peer,
  Peers,
  PodGroup,
} from '../common/flows';
import type { ServingPort } from '../common/receivers';
import type { StackWorkloads } from '../stack/workloads';
import type { Cidr, DnsLabel, Labels } from '../../lib/input-types';

/** What an environment sets for its NetworkPolicies. */
export interface NetworkPoliciesOptions {
  /** Turn off for clusters whose CNI does not enforce NetworkPolicies. @default true */
  readonly enabled?: boolean;
  /**
   * A default deny for this stack's own pods (`app.kubernetes.io/part-of: tracesynth`), so a pod
   * of the stack that no flow mentions gets no traffic. Never namespace-wide: pods of a shared
   * namespace that this app does not own are not selected.
   * @default true
   */
  readonly defaultDeny?: boolean;
  /** Grafana's namespace: may query Tempo. @default 'monitoring' */
  readonly grafanaNamespace?: DnsLabel;
  /** Labels of Grafana's pods (the grafana Helm chart's). @default { 'app.kubernetes.io/name': 'grafana' } */
  readonly grafanaPodLabels?: Labels;
  /** Prometheus's namespace: may scrape every workload. @default 'monitoring' */
  readonly prometheusNamespace?: DnsLabel;
  /**
   * Labels of Prometheus's pods (the Prometheus Operator sets this one on every Prometheus pod).
   * @default { 'app.kubernetes.io/name': 'prometheus' }
   */
  readonly prometheusPodLabels?: Labels;
  /**
   * Namespaces whose pods send traces to the stack's entry point (the agents, else the gateway,
   * else Tempo's receivers).
   * @default - every namespace
   */
  readonly ingestNamespaces?: readonly DnsLabel[];
  /**
   * Also let applications send straight to the gateway and to Tempo's receivers, bypassing the
   * agents (without a collector, applications always send to Tempo).
   * @default false
   */
  readonly directIngest?: boolean;
  /** Where object storage outside the cluster is (CIDRs; ports from the storage endpoint). @default ['0.0.0.0/0'] */
  readonly objectStorageCidrs?: readonly Cidr[];
  /** Where remote-write endpoints outside the cluster are (CIDRs; ports from the URLs). @default ['0.0.0.0/0'] */
  readonly remoteWriteCidrs?: readonly Cidr[];
  /** Where the Kubernetes API server is (for k8sattributes and the resolver; ports 443, 6443). @default ['0.0.0.0/0'] */
  readonly apiServerCidrs?: readonly Cidr[];
  /**
   * Where the query gateway's OIDC issuer is (`GatewayAuth.oidc`), outside the cluster: its
   * discovery, keys and token endpoints, on the issuer URL's port (CIDRs).
   * @default ['0.0.0.0/0']
   */
  readonly issuerCidrs?: readonly Cidr[];
}

/** The stack's workloads (by reference) and the environment's options: what `planFlows` reads. */
export interface StackFlowsInput extends NetworkPoliciesOptions, StackWorkloads {}

export interface NetworkPoliciesProps {
  /** The stack's flows, from `planFlows`. */
  readonly flows: StackFlows;
}

/** Every pod group of the stack and every flow between them and their peers. */
export interface StackFlows {
  /** The namespace of the stack (where the default deny goes). */
  readonly namespace: string;
  readonly groups: readonly PodGroup[];
  readonly flows: readonly Flow[];
  /** The options with their defaults, for resolving peers. */
  readonly options: ResolvedNetworkOptions;
}

export interface ResolvedNetworkOptions {
  readonly defaultDeny: boolean;
  readonly grafana: { readonly namespace: string; readonly labels: Record<string, string> };
  readonly prometheus: { readonly namespace: string; readonly labels: Record<string, string> };
  /** Undefined: every namespace. */
  readonly ingestNamespaces?: readonly string[];
  readonly cidrs: {
    readonly objectStorage: string[];
    readonly remoteWrite: string[];
    readonly apiServer: string[];
    readonly issuer: string[];
  };
}

function cidrs(list: readonly string[], property: string): string[] {
  return list.map((c, i) => checkCidr(c, `${property}[${i}]`));
}

/**
 * The stack's flows: what each workload declares (its `connections`), plus traces from the
 * applications to the entry point (the agents, else the gateway, else Tempo's receivers) and,
 * with `directIngest`, to every tier that receives traces. Pure: the policies, SUMMARY.md and the
 * tests all read this.
 */
export function planFlows(props: StackFlowsInput): StackFlows {
  const p = 'networkPolicies';
  const options: ResolvedNetworkOptions = {
    defaultDeny: props.defaultDeny ?? true,
    grafana: {
      namespace: checkDnsLabel(props.grafanaNamespace ?? 'monitoring', `${p}.grafanaNamespace`),
      labels: props.grafanaPodLabels ?? { 'app.kubernetes.io/name': 'grafana' },
    },
    prometheus: {
      namespace: checkDnsLabel(props.prometheusNamespace ?? 'monitoring', `${p}.prometheusNamespace`),
      labels: props.prometheusPodLabels ?? { 'app.kubernetes.io/name': 'prometheus' },
    },
    ingestNamespaces: props.ingestNamespaces?.map((n, i) => checkDnsLabel(n, `${p}.ingestNamespaces[${i}]`)),
    cidrs: {
      objectStorage: cidrs(props.objectStorageCidrs ?? ['0.0.0.0/0'], `${p}.objectStorageCidrs`),
      remoteWrite: cidrs(props.remoteWriteCidrs ?? ['0.0.0.0/0'], `${p}.remoteWriteCidrs`),
      apiServer: cidrs(props.apiServerCidrs ?? ['0.0.0.0/0'], `${p}.apiServerCidrs`),
      issuer: cidrs(props.issuerCidrs ?? ['0.0.0.0/0'], `${p}.issuerCidrs`),
    },
  };
  if (props.ingestNamespaces?.length === 0)
    throw new ConfigError(
      `${p}.ingestNamespaces`,
      'is empty, so no application could send traces; list the namespaces of the applications or leave it unset for every namespace',
    );
  const workloads: FlowDeclaring[] = [props.tempo, props.gateway, props.agent, props.queryGateway].filter(
    (w): w is NonNullable<typeof w> => w !== undefined,
  );
  const flows: Flow[] = workloads.flatMap((w) => w.connections.flows);
  // Grafana queries Tempo directly, unless a query gateway is in front of it: then only the
  // gateway reaches the query API (its own flows), and Grafana reaches the gateway.
  if (!props.queryGateway)
    flows.unshift({
      from: Peers.grafana,
      to: props.tempo.queryGroup,
      ports: namedPorts(props.tempo.queryGroup, ['http']),
      purpose: 'Grafana queries traces',
    });
  const receivers = (g: PodGroup): FlowPort[] =>
    g.ports
      .filter((x) => (x as ServingPort).receiver)
      .map((x) => ({ name: x.name, port: x.port, protocol: x.protocol }));
  const entry = (props.agent ?? props.gateway ?? props.tempo).receiverGroup!;
  const ingest = props.directIngest
    ? workloads.map((w) => w.receiverGroup).filter((g): g is PodGroup => g !== undefined)
    : [entry];
  for (const g of ingest)
    flows.push({ from: Peers.applications, to: g, ports: receivers(g), purpose: 'applications send traces' });
  const groups = new Map<string, PodGroup>();
  for (const g of workloads.flatMap((w) => w.connections.groups)) {
    const key = `${g.namespace}/${g.name}`;
    const other = groups.get(key);
    if (other && JSON.stringify(other.selectorLabels) !== JSON.stringify(g.selectorLabels))
      throw new ConfigError(
        'networkPolicies',
        `two workloads are both named ${show(g.name)} in namespace ${show(g.namespace)}, so their NetworkPolicies would be one; rename one of them (tempo.name, collector.gateway.name, collector.agent.name)`,
      );
    groups.set(key, g);
  }
  return { namespace: props.tempo.namespace, groups: [...groups.values()], flows, options };
}

type K8sPeer = k8s.NetworkPolicyPeer;

const nsPeer = (namespace: string): K8sPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});

/** The NetworkPolicy peers a flow peer stands for. */
export function policyPeers(peer: Peer, o: ResolvedNetworkOptions): K8sPeer[] {
  if (isPodGroup(peer))
    return [{ ...nsPeer(peer.namespace), podSelector: { matchLabels: { ...peer.selectorLabels } } }];
  const e: ExternalPeer = peer;
  switch (e.kind) {
    case 'applications':
      return o.ingestNamespaces ? o.ingestNamespaces.map(nsPeer) : [{ namespaceSelector: {} }];
    case 'grafana':
    case 'prometheus':
      return [{ ...nsPeer(o[e.kind].namespace), podSelector: { matchLabels: { ...o[e.kind].labels } } }];
    case 'dns':
      // kube-dns / CoreDNS in kube-system (its pod labels differ between distributions).
      return [nsPeer('kube-system')];
    case 'kubernetes-api':
      return o.cidrs.apiServer.map((cidr) => ({ ipBlock: { cidr } }));
    case 'pods':
      return [
        {
          ...nsPeer(e.namespace),
          ...(e.labels && Object.keys(e.labels).length
            ? { podSelector: { matchLabels: { ...e.labels } } }
            : {}),
        },
      ];
    case 'service':
      // The Service's pods are not ours: we know their namespace, not their labels.
      return [nsPeer(e.namespace)];
    case 'external':
      if (e.ip) return [{ ipBlock: { cidr: `${e.ip}/${isIP(e.ip) === 6 ? 128 : 32}` } }];
      return o.cidrs[e.cidrs].map((cidr) => ({ ipBlock: { cidr } }));
  }
}

const k8sPort = (p: FlowPort): k8s.NetworkPolicyPort => ({
  port: k8s.IntOrString.fromNumber(p.port),
  protocol: p.protocol,
});

/** Rules of one direction: one rule per peer (declaration order), ports merged and de-duplicated. */
function rules(flows: readonly Flow[], side: 'from' | 'to', o: ResolvedNetworkOptions) {
  const byPeer = new Map<string, { peers: K8sPeer[]; ports: Map<string, FlowPort> }>();
  for (const f of flows) {
    const peers = policyPeers(f[side], o);
    const key = JSON.stringify(peers);
    const rule = byPeer.get(key) ?? { peers, ports: new Map<string, FlowPort>() };
    for (const port of f.ports) rule.ports.set(`${port.port}/${port.protocol}`, port);
    byPeer.set(key, rule);
  }
  return [...byPeer.values()].map((r) => ({ peers: r.peers, ports: [...r.ports.values()].map(k8sPort) }));
}

const sameGroup = (a: Peer, g: PodGroup) => isPodGroup(a) && a.namespace === g.namespace && a.name === g.name;

/**
 * Least-privilege NetworkPolicies generated from the flow model (`planFlows`): per pod group of
 * the stack one policy that isolates it both ways and allows exactly its declared flows, and a
 * default deny for this stack's own pods. See docs/network.md.
 */
export class NetworkPolicies extends Construct {
  public readonly flows: StackFlows;

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    this.flows = props.flows;
    const { groups, flows, options } = this.flows;
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY };
    const policy = (policyId: string, name: string, namespace: string, spec: k8s.NetworkPolicySpec) =>
      new k8s.KubeNetworkPolicy(this, policyId, { metadata: { name, namespace, labels }, spec });

    if (options.defaultDeny)
      policy('DefaultDeny', `${PART_OF}-default-deny`, this.flows.namespace, {
        podSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } },
        policyTypes: ['Ingress', 'Egress'],
      });
    for (const g of groups) {
      const ingress = rules(
        flows.filter((f) => sameGroup(f.to, g)),
        'from',
        options,
      );
      const egress = rules(
        flows.filter((f) => sameGroup(f.from, g)),
        'to',
        options,
      );
      // A group without flows of its own (e.g. an ingester) is covered by its installation's.
      if (!ingress.length && !egress.length) continue;
      policy(`${g.namespace}-${g.name}`, g.name, g.namespace, {
        podSelector: { matchLabels: { ...g.selectorLabels } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: ingress.map((r) => ({ from: r.peers, ports: r.ports })),
        egress: egress.map((r) => ({ to: r.peers, ports: r.ports })),
      });
    }
  }
}
