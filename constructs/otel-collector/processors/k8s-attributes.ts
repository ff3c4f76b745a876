/**
 * `k8s_attributes` (named `k8sattributes` before contrib 0.146.0): pod metadata on every span.
 * What it reads from the API is in collector-rbac.ts.
 */
import type { ProcessorModule } from './processor';

/** Pod metadata k8s_attributes adds. Each needs only pods + replicasets (deployment) to be read. */
export const K8S_METADATA = [
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.start_time',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.node.name',
] as const;

/**
 * `gateway`: every pod; `node`: the pods of this node (DaemonSet alone, `nodeNameEnv` set from
 * the downward API); `passthrough`: only tag `k8s.pod.ip` from the connection (no API access).
 */
export type K8sAttributesMode = 'gateway' | 'node' | 'passthrough';

export function k8sAttributesProcessor(
  nodeNameEnv: string,
): ProcessorModule<{ readonly k8sAttributes: K8sAttributesMode }> {
  return {
    id: 'k8s_attributes',
    block: ({ k8sAttributes: mode }) => {
      if (mode === 'passthrough') return { passthrough: true };
      return {
        auth_type: 'serviceAccount',
        passthrough: false,
        // A DaemonSet agent watches only the pods of its own node.
        ...(mode === 'node' ? { filter: { node_from_env_var: nodeNameEnv } } : {}),
        extract: { metadata: [...K8S_METADATA] },
        // At the gateway the connection is the agent's; agents in passthrough mode tag k8s.pod.ip.
        pod_association: [
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.ip' }] },
          { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
          { sources: [{ from: 'connection' }] },
        ],
      };
    },
  };
}
