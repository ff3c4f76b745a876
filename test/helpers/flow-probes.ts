/**
 * Sample endpoints for the flow model's peers, so the network evaluator can check a declared flow
 * against the synthesized NetworkPolicies: our pods are read from the rendered workloads (labels
 * and container ports as Kubernetes would see them), the roles from the environment's options.
 */
import { isPodGroup, Peer } from '../../constructs/common/flows';
import { policyPeers, StackFlows } from '../../constructs/network/network-policies';
import { workloads } from './invariants';
import type { Endpoint, NetworkPolicyObject, PodEndpoint } from './network-evaluator';

/** The pods of every rendered workload. */
export function renderedPods(manifests: readonly any[]): (PodEndpoint & { workload: string })[] {
  return workloads(manifests).map((w) => ({
    workload: `${w.kind}/${w.metadata.name}`,
    namespace: w.metadata.namespace,
    labels: w.spec.template.metadata.labels,
    ports: w.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []),
  }));
}

/** An address inside a CIDR (IPv4: base + 1; IPv6: the base itself). */
const addressIn = (cidr: string) => {
  const [base] = cidr.split('/') as [string];
  if (base.includes(':')) return base.endsWith('::') ? `${base}1` : base;
  const parts = base.split('.').map(Number);
  parts[3] = parts[3]! + 1;
  return base === '0.0.0.0' ? '52.95.110.1' : parts.join('.');
};

/** Sample endpoints standing for a peer (every rendered pod of a group of ours). */
export function probes(peer: Peer, stack: StackFlows, manifests: readonly any[]): Endpoint[] {
  const o = stack.options;
  if (isPodGroup(peer)) {
    const pods = renderedPods(manifests).filter(
      (p) =>
        p.namespace === peer.namespace &&
        Object.entries(peer.selectorLabels).every(([k, v]) => p.labels[k] === v),
    );
    if (!pods.length) {
      // Pods the stack calls but does not run (e.g. Strimzi's Kafka brokers, created by the
      // operator): a sample pod with the group's labels.
      if (!stack.groups.some((g) => g.name === peer.name && g.namespace === peer.namespace))
        return [{ namespace: peer.namespace, labels: { ...peer.selectorLabels } }];
      throw new Error(`no rendered pod for ${peer.name}`);
    }
    return pods;
  }
  switch (peer.kind) {
    case 'applications':
      return (o.ingestNamespaces ?? ['shop', 'payments']).map((namespace) => ({
        namespace,
        labels: { app: 'checkout' },
      }));
    case 'grafana':
    case 'prometheus':
      return [{ namespace: o[peer.kind].namespace, labels: { ...o[peer.kind].labels, extra: 'x' } }];
    case 'dns':
      return [{ namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }];
    case 'service':
      return [{ namespace: peer.namespace, labels: { app: peer.host.split('.')[0]! } }];
    case 'pods':
      return [{ namespace: peer.namespace, labels: { ...peer.labels, extra: 'x' } }];
    case 'kubernetes-api':
    case 'external':
      return policyPeers(peer, o).map((x) => ({ ip: addressIn(x.ipBlock!.cidr) }));
  }
}

export const networkPolicies = (manifests: readonly any[]): NetworkPolicyObject[] =>
  manifests.filter((m) => m.kind === 'NetworkPolicy');
