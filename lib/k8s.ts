/** Small Kubernetes building blocks shared by the constructs. */
import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { AutoscalingProps } from './validate';
import { ConfigError } from './errors';

/**
 * A rendered Kubernetes object as plain JSON (what `Chart.toJson()` returns). Its fields depend on
 * the kind, so they stay untyped here; readers narrow what they use.
 */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any kind, narrowed by readers
  readonly [field: string]: any;
}

/** The namespace of the construct's chart, or an error naming the construct. */
export function chartNamespace(scope: Construct, property: string): string {
  const namespace = Chart.of(scope).namespace;
  if (!namespace)
    throw new ConfigError(
      property,
      'the chart has no namespace; create this construct in a Chart with a namespace',
    );
  return namespace;
}

/** An HTTP GET probe on a named container port. */
export function httpProbe(
  path: string,
  portName: string,
  initialDelaySeconds: number,
  failureThreshold: number,
): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(portName) },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

/** The cluster-local DNS name of a Service: `<name>.<namespace>.svc.cluster.local`. */
export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/** A port a container serves, as the constructs describe it. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly appProtocol?: string;
}

/** The container port for a named port. */
export function containerPort(p: NamedPort): k8s.ContainerPort {
  return { name: p.name, containerPort: p.port, protocol: p.protocol };
}

/** The Service port for a named port, targeting the container port by name. */
export function servicePort(p: NamedPort): k8s.ServicePort {
  return {
    name: p.name,
    port: p.port,
    targetPort: k8s.IntOrString.fromString(p.name),
    protocol: p.protocol,
    ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
  };
}

/**
 * Spreads a workload's replicas over nodes and zones, so that one node or zone failure does not
 * take every replica (soft: pods still schedule when a cluster has one zone).
 */
export function spreadOverNodesAndZones(selector: k8s.LabelSelector): k8s.TopologySpreadConstraint[] {
  return ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: selector,
  }));
}

/** Kinds without a namespace; a chart's namespace must not be written into them. */
export const CLUSTER_SCOPED_KINDS: readonly string[] = [
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

/**
 * Removes the chart's namespace from a cluster-scoped object (cdk8s writes a chart's namespace into
 * every object it holds, ClusterRoles included).
 */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (Chart.of(obj).namespace) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/**
 * A rolling update that starts one new pod before it stops an old one (Deployment `strategy` and
 * DaemonSet `updateStrategy` alike): capacity never drops during a rollout.
 */
export function surgeOne(): { maxSurge: k8s.IntOrString; maxUnavailable: k8s.IntOrString } {
  return { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) };
}

/** An autoscaling/v2 HorizontalPodAutoscaler on CPU utilization for a Deployment (or a StatefulSet). */
export function cpuAutoscaler(
  scope: Construct,
  id: string,
  metadata: k8s.ObjectMeta,
  deployment: string,
  a: Required<AutoscalingProps>,
  kind: 'Deployment' | 'StatefulSet' = 'Deployment',
): k8s.KubeHorizontalPodAutoscalerV2 {
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, id, {
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind, name: deployment },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: a.targetCpuUtilizationPercent },
          },
        },
      ],
    },
  });
}
