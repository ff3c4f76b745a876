import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { containerPort, httpProbe, servicePort } from '../../lib/k8s';
import { goMemLimitEnv, resourceRequirements } from '../../lib/resources';
import {
  configChecksum,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../lib/pod-security';
import { imageRef } from '../../lib/versions';
import { COLLECTOR_ENV, COLLECTOR_PATHS } from './collector-config';
import { COLLECTOR_UID, ResolvedCollector } from './collector-settings';
import type { SecretMount } from './collector-tls';

export interface CollectorPodOptions {
  readonly settings: ResolvedCollector;
  readonly labels: Record<string, string>;
  readonly configData: Record<string, string>;
  readonly configMapName: string;
  readonly serviceAccountName: string;
  /** True when the collector reads the Kubernetes API (k8sattributes, k8s resolver). */
  readonly apiAccess: boolean;
  /** Publish the OTLP ports on the node (opt-in agent mode; needs a privileged namespace). */
  readonly hostPorts?: boolean;
  /** Secrets mounted as files (CAs, certificates), each from `secretMount`. */
  readonly secrets?: readonly SecretMount[];
  readonly tolerations?: k8s.Toleration[];
  readonly affinity?: k8s.Affinity;
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
  /**
   * A writable volume from the workload's `volumeClaimTemplates` (the gateway's durable queue),
   * mounted here; the pod then gets `fsGroup` so the collector's user can write it.
   * @default - none
   */
  readonly claim?: { readonly name: string; readonly mountPath: string };
}

/**
 * The collector pod template shared by the gateway and the agent: restricted security context,
 * downward-API env for the listen address and node filter, probes on the health_check extension,
 * config checksum.
 */
export function collectorPodTemplate(o: CollectorPodOptions): k8s.PodTemplateSpec {
  const s = o.settings;
  return {
    metadata: { labels: o.labels, annotations: { 'checksum/config': configChecksum(o.configData) } },
    spec: {
      serviceAccountName: o.serviceAccountName,
      automountServiceAccountToken: o.apiAccess,
      securityContext: restrictedPodSecurityContext(COLLECTOR_UID, o.claim ? COLLECTOR_UID : undefined),
      terminationGracePeriodSeconds: 30,
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.topologySpreadConstraints ? { topologySpreadConstraints: o.topologySpreadConstraints } : {}),
      containers: [
        {
          name: 'otel-collector',
          image: imageRef(s.image),
          imagePullPolicy: 'IfNotPresent',
          args: [`--config=${COLLECTOR_PATHS.configDir}/${COLLECTOR_PATHS.configFile}`],
          env: [
            { name: COLLECTOR_ENV.podIp, valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: COLLECTOR_ENV.nodeName, valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
            goMemLimitEnv(s.resources, 'resources'),
          ],
          ports: s.ports.map((p) => ({
            ...containerPort(p),
            ...(o.hostPorts && p.receiver ? { hostPort: p.port } : {}),
          })),
          readinessProbe: httpProbe('/', 'health', 5, 3),
          livenessProbe: httpProbe('/', 'health', 15, 6),
          resources: resourceRequirements(s.resources),
          securityContext: restrictedContainerSecurityContext(),
          volumeMounts: [
            { name: 'config', mountPath: COLLECTOR_PATHS.configDir, readOnly: true },
            ...(o.secrets ?? []).map((m) => m.mount),
            ...(o.claim ? [{ name: o.claim.name, mountPath: o.claim.mountPath }] : []),
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: o.configMapName } },
        ...(o.secrets ?? []).map((m) => m.volume),
      ],
    },
  };
}

/** Service ports for the receivers (and optionally metrics), targeting container ports by name. */
export function collectorServicePorts(settings: ResolvedCollector, withMetrics: boolean): k8s.ServicePort[] {
  return settings.ports.filter((p) => p.receiver || (withMetrics && p.name === 'metrics')).map(servicePort);
}
