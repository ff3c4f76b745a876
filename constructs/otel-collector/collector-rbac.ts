import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { clusterScoped } from '../../lib/k8s';

export interface RbacOptions {
  /** Name of the ClusterRole / Role and its binding. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly serviceAccount: string;
  /** Namespace of the ServiceAccount. */
  readonly namespace: string;
}

/**
 * What k8sattributes reads, and nothing more (processor/k8sattributesprocessor README, RBAC):
 * pods and namespaces, and replicasets for `k8s.deployment.name`. Nodes are not needed: only
 * `k8s.node.name` is extracted, from the pod spec.
 */
export const K8SATTRIBUTES_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
];

/**
 * The load_balancing exporter's k8s resolver lists and watches the EndpointSlices of the gateway's
 * headless Service, nothing else: contrib v0.161.0 `exporter/loadbalancingexporter/resolver_k8s.go`
 * builds one informer from `DiscoveryV1().EndpointSlices(ns).List/Watch` (label selector
 * `kubernetes.io/service-name`); it never reads core `endpoints` or gets a slice by name.
 */
export const ENDPOINTS_RULES: k8s.PolicyRule[] = [
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
];

export function k8sAttributesClusterRole(scope: Construct, o: RbacOptions): void {
  const role = clusterScoped(
    new k8s.KubeClusterRole(scope, 'K8sAttributesRole', {
      metadata: { name: o.name, labels: o.labels },
      rules: K8SATTRIBUTES_RULES,
    }),
  );
  clusterScoped(
    new k8s.KubeClusterRoleBinding(scope, 'K8sAttributesBinding', {
      metadata: { name: o.name, labels: o.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: o.serviceAccount, namespace: o.namespace }],
    }),
  );
}

/** A Role in the gateway's namespace (not cluster-wide) for the resolver, bound to the agent. */
export function endpointsReaderRole(
  scope: Construct,
  o: RbacOptions & { readonly roleNamespace: string },
): void {
  const role = new k8s.KubeRole(scope, 'ResolverRole', {
    metadata: { name: o.name, namespace: o.roleNamespace, labels: o.labels },
    rules: ENDPOINTS_RULES,
  });
  new k8s.KubeRoleBinding(scope, 'ResolverBinding', {
    metadata: { name: o.name, namespace: o.roleNamespace, labels: o.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: o.serviceAccount, namespace: o.namespace }],
  });
}
