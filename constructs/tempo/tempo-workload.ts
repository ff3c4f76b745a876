/**
 * One Tempo workload (internal to `Tempo`): a StatefulSet or Deployment running one `-target`,
 * with its headless Service (StatefulSets), PodDisruptionBudget(s) and CPU autoscaler. Both lines
 * and both modes build every workload through this construct, so probes, security context,
 * spread and checksum roll are defined once.
 *
 * Probes (grafana/tempo v3.0.3 `cmd/tempo/app/app.go`):
 *  - readiness on `/ready`: false while a component is starting or catching up (a live-store
 *    behind on Kafka for up to `live_store.readiness_max_wait`, 30m by default; a 2.x ingester
 *    replaying its WAL), so no traffic reaches it then. Tempo's jsonnet uses only this probe.
 *  - liveness on `/api/status/buildinfo`: a static handler registered before any module starts,
 *    so it answers whenever the process and its HTTP server are alive, and never reflects
 *    readiness. A liveness probe on `/ready` would restart a recovering component in a loop
 *    exactly while it catches up. Timing: every 20s, 3 failures (a minute of a dead HTTP server)
 *    before a restart; GC pauses and CPU throttling stay far below that.
 *  - startup on the same path, so the liveness probe starts only once the server answered;
 *    long (minutes) for the components that load or replay data at start.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { containerPort, cpuAutoscaler, NamedPort, servicePort, spreadOverNodesAndZones } from '../../lib/k8s';
import { goMemLimitEnv, resourceRequirements } from '../../lib/resources';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib/pod-security';
import { TEMPO_PATHS } from './tempo-config';
import type { ResolvedComponent } from './tempo-settings';
import { TEMPO_DATA_DIR } from './tempo-storage';

/** UID and GID of the grafana/tempo image's `tempo` user. */
export const TEMPO_UID = 10001;

export interface TempoWorkloadProps {
  readonly spec: ResolvedComponent;
  /** Name of the workload (and of its PDB/HPA). */
  readonly workloadName: string;
  readonly namespace: string;
  readonly identity: ComponentIdentity;
  readonly serviceAccountName: string;
  readonly image: string;
  readonly configMapName: string;
  /** Where the config ConfigMap is mounted. */
  readonly configDir: string;
  /** The HTTP port serves TLS: probes use HTTPS. @default false */
  readonly https?: boolean;
  readonly overridesConfigMapName: string;
  /** `checksum/config` annotation: pods roll when the config changes. */
  readonly configChecksum: string;
  readonly ports: readonly NamedPort[];
  /** Env of the Tempo container beyond GOMEMLIMIT (credentials from Secrets). */
  readonly env: readonly k8s.EnvVar[];
  /** `-config.expand-env=true`, for `${VAR}` placeholders. */
  readonly expandEnv: boolean;
  readonly volumes: readonly k8s.Volume[];
  readonly volumeMounts: readonly k8s.VolumeMount[];
  readonly podLabels: Record<string, string>;
  /** The PVC of persistent components. */
  readonly volumeClaim: { readonly size: string; readonly storageClassName?: string };
  /** Spread pods over nodes and zones (microservices). */
  readonly spread: boolean;
}

/** Probes of every Tempo container (see the file comment for why). */
export function tempoProbes(
  startupSeconds: number,
  https = false,
): Pick<k8s.Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'> {
  const http = k8s.IntOrString.fromString('http');
  // With server TLS the kubelet speaks HTTPS (it does not verify the certificate).
  const get = (path: string) => ({ path, port: http, ...(https ? { scheme: 'HTTPS' } : {}) });
  return {
    readinessProbe: {
      httpGet: get('/ready'),
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: get('/api/status/buildinfo'),
      periodSeconds: 20,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    startupProbe: {
      httpGet: get('/api/status/buildinfo'),
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(startupSeconds / 5),
    },
  };
}

export class TempoWorkload extends Construct {
  /** Standard labels of this component's objects and pods. */
  public readonly labels: Record<string, string>;
  /** Immutable selector labels of this component's pods. */
  public readonly selector: Record<string, string>;
  /** The headless Service of a StatefulSet (its `serviceName`). */
  public readonly headlessServiceName?: string;

  constructor(scope: Construct, id: string, props: TempoWorkloadProps) {
    super(scope, id);
    const c = props.spec;
    this.labels = standardLabels(props.identity);
    this.selector = selectorLabels(props.identity);
    const metadata = { name: props.workloadName, namespace: props.namespace, labels: this.labels };
    const selector = { matchLabels: this.selector };
    const affinity: k8s.Affinity | undefined = c.zone && {
      ...(c.zone.nodeZone
        ? {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'topology.kubernetes.io/zone', operator: 'In', values: [c.zone.nodeZone] },
                    ],
                  },
                ],
              },
            },
          }
        : {}),
      // Never the two zones' live-stores on one node: losing a node must leave one owner of
      // each partition (the jsonnet's liveStoreZoneAntiAffinity).
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: {
              matchLabels: { ...this.selector, 'app.kubernetes.io/component': c.zone.otherZoneComponent },
            },
          },
        ],
      },
    };
    // Live-stores rolled by the rollout-operator: it finds a StatefulSet's pods by the pod label
    // `name` and a group's StatefulSets by `rollout-group` (grafana/rollout-operator v0.38.1
    // README, pkg/controller/controller.go); neither is part of the (immutable) selector.
    const rollout = c.rollout && {
      podLabels: { name: props.workloadName, 'rollout-group': c.rollout.group },
      labels: {
        'rollout-group': c.rollout.group,
        // The prepare-downscale webhook calls the pods that a scale-in removes (pkg/config/config.go).
        'grafana.com/prepare-downscale': 'true',
      },
      annotations: {
        'rollout-max-unavailable': String(c.rollout.maxUnavailable),
        // Tempo 3.0.3 `cmd/tempo/app/modules.go`: POST answers 409 unless the partition is INACTIVE
        // (drained), so an undrained scale-in is refused (docs/tempo.md).
        'grafana.com/prepare-downscale-http-path': 'live-store/prepare-downscale',
        'grafana.com/prepare-downscale-http-port': String(props.ports.find((p) => p.name === 'http')!.port),
      },
    };
    const template: k8s.PodTemplateSpec = {
      metadata: {
        labels: { ...this.labels, ...props.podLabels, ...rollout?.podLabels },
        annotations: { 'checksum/config': props.configChecksum },
      },
      spec: {
        serviceAccountName: props.serviceAccountName,
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurityContext(TEMPO_UID, TEMPO_UID),
        terminationGracePeriodSeconds: c.terminationGracePeriodSeconds,
        ...(affinity ? { affinity } : {}),
        ...(props.spread
          ? {
              // Pods of a live-store zone pinned to one node zone spread over its nodes only.
              topologySpreadConstraints: spreadOverNodesAndZones(selector).filter(
                (t) => !(c.zone?.nodeZone && t.topologyKey === 'topology.kubernetes.io/zone'),
              ),
            }
          : {}),
        containers: [
          {
            name: 'tempo',
            image: props.image,
            imagePullPolicy: 'IfNotPresent',
            args: [
              `-config.file=${props.configDir}/${TEMPO_PATHS.configFile}`,
              ...(c.target ? [`-target=${c.target}`] : []),
              ...c.args,
              // Substitutes the ${TEMPO_…} credential placeholders from the env below.
              ...(props.expandEnv ? ['-config.expand-env=true'] : []),
            ],
            env: [goMemLimitEnv(c.resources, `tempo.${c.component}.resources`), ...props.env],
            ports: props.ports.map(containerPort),
            ...tempoProbes(c.startupSeconds, props.https),
            resources: resourceRequirements(c.resources),
            securityContext: restrictedContainerSecurityContext(),
            volumeMounts: [
              { name: 'config', mountPath: props.configDir, readOnly: true },
              { name: 'overrides', mountPath: TEMPO_PATHS.overridesDir, readOnly: true },
              { name: 'storage', mountPath: TEMPO_DATA_DIR },
              { name: 'tmp', mountPath: '/tmp' },
              ...props.volumeMounts,
            ],
          },
        ],
        volumes: [
          { name: 'config', configMap: { name: props.configMapName } },
          { name: 'overrides', configMap: { name: props.overridesConfigMapName } },
          { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
          // Components without a PVC keep their scratch data (WAL of a cycle, query spill) here.
          ...(c.persistent
            ? []
            : [
                { name: 'storage', emptyDir: { sizeLimit: k8s.Quantity.fromString(c.scratchSize ?? '1Gi') } },
              ]),
          ...props.volumes,
        ],
      },
    };
    if (c.kind === 'StatefulSet') {
      const headless = new k8s.KubeService(this, 'HeadlessService', {
        metadata: { ...metadata, name: `${props.workloadName}-headless` },
        spec: {
          clusterIp: 'None',
          publishNotReadyAddresses: true,
          selector: this.selector,
          ports: props.ports.map(servicePort),
        },
      });
      this.headlessServiceName = headless.name;
      new k8s.KubeStatefulSet(this, 'StatefulSet', {
        metadata: rollout
          ? {
              ...metadata,
              labels: { ...metadata.labels, ...rollout.labels },
              annotations: rollout.annotations,
            }
          : metadata,
        spec: {
          serviceName: headless.name,
          replicas: c.replicas,
          // Microservices start together (rings and the partition ring tolerate it); the single binary is one pod.
          podManagementPolicy: c.component === 'single-binary' ? 'OrderedReady' : 'Parallel',
          // OnDelete: the rollout-operator deletes the pods, one zone at a time.
          updateStrategy: { type: rollout ? 'OnDelete' : 'RollingUpdate' },
          selector,
          template,
          ...(c.persistent
            ? {
                volumeClaimTemplates: [
                  {
                    metadata: { name: 'storage', labels: this.selector },
                    spec: {
                      accessModes: ['ReadWriteOnce'],
                      ...(props.volumeClaim.storageClassName
                        ? { storageClassName: props.volumeClaim.storageClassName }
                        : {}),
                      resources: { requests: { storage: k8s.Quantity.fromString(props.volumeClaim.size) } },
                    },
                  },
                ],
              }
            : {}),
        },
      });
    } else {
      new k8s.KubeDeployment(this, 'Deployment', {
        metadata,
        spec: {
          ...(c.autoscaling ? {} : { replicas: c.replicas }),
          selector,
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: {
              maxSurge: k8s.IntOrString.fromNumber(1),
              maxUnavailable: k8s.IntOrString.fromNumber(0),
            },
          },
          template,
        },
      });
    }
    // Never more than one pod of a component down by eviction. Live-stores rolled by the
    // rollout-operator have a ZoneAwarePodDisruptionBudget instead (rollout-operator.ts): a
    // per-zone PDB cannot see the other zone, so it would let both owners of a partition go.
    if ((c.replicas > 1 || c.autoscaling) && !rollout) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata,
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }
    if (c.autoscaling) cpuAutoscaler(this, 'Hpa', metadata, props.workloadName, c.autoscaling);
  }
}
