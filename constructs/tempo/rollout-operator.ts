/**
 * The rollout-operator of Tempo 3.0's zone-aware live-stores (grafana/rollout-operator v0.38.1,
 * Apache-2.0; what Tempo's jsonnet at v3.0.3 runs, `operations/jsonnet/microservices/`):
 *
 *  - **Rollouts, one zone at a time.** Both live-store StatefulSets carry `rollout-group:
 *    <name>-live-store` and `updateStrategy: OnDelete`; the operator deletes the pods of one
 *    StatefulSet (up to `rollout-max-unavailable` at once) and moves to the other zone only when
 *    every pod of the group is Ready again (its README, "How updates work"). The live-stores are
 *    Ready only once caught up on Kafka (`readiness_target_lag`), so the other zone never goes
 *    down while a partition's only complete owner is replaying.
 *  - **Evictions, never both owners of a partition.** A `ZoneAwarePodDisruptionBudget` with the
 *    pods' partition (`podNamePartitionRegex`, as the jsonnet's `live_store.zpdb`): a live-store may
 *    be evicted only when no other owner of its partition is unavailable, so a drain can take a
 *    whole zone but never the two owners of one partition. Enforced by the operator's
 *    `/admission/pod-eviction` webhook, which sees only this installation's live-store pods
 *    (`matchConditions`).
 *  - **Scale-in, never with unflushed data.** The `/admission/prepare-downscale` webhook sees only
 *    a lower `replicas` of these two StatefulSets; it calls `POST /live-store/prepare-downscale` on
 *    every pod that would go, which Tempo 3.0.3 answers 409 unless the pod's partition is INACTIVE
 *    (`modules/livestore/downscale.go`): an undrained scale-in is refused, a drained one removes
 *    the owners on shutdown. Draining is `POST /live-store/prepare-partition-downscale` and the
 *    drain delay (docs/tempo.md, "Scaling the live-stores in").
 *
 * The webhooks' serving certificate comes from cert-manager, its CA injected into the webhook
 * configurations by cert-manager's CA injector; the operator's own self-signed certificate (and
 * its cluster-wide permission to patch every webhook configuration) is switched off.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
  Issuer,
} from '../../imports/cert-manager.io';
import { ZoneAwarePodDisruptionBudget } from '../../imports/rollout-operator.grafana.com';
import { clusterScoped, containerPort, NamedPort, servicePort } from '../../lib/k8s';
import { selectorLabels, standardLabels } from '../../lib/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib/pod-security';
import { resourceRequirements } from '../../lib/resources';
import { IMAGES, imageRef } from '../../lib/versions';
import type { PodGroup } from '../common/flows';
import type { ResolvedRollout } from './tempo-settings';

/** The distroless `nonroot` user of the grafana/rollout-operator image (its Dockerfile). */
const ROLLOUT_OPERATOR_UID = 65532;
/** `-server.port` (metrics, `/ready`) and `-server-tls.port` (the webhooks) of v0.38.1. */
export const ROLLOUT_OPERATOR_PORTS = {
  metrics: { name: 'http-metrics', port: 8001, protocol: 'TCP' },
  webhooks: { name: 'https', port: 8443, protocol: 'TCP' },
} as const satisfies Record<string, NamedPort>;
const CERT_DIR = '/certs';
const ROLLOUT_API = 'rollout-operator.grafana.com';

export interface RolloutOperatorProps {
  readonly settings: ResolvedRollout;
  /** The Tempo installation's name (`tempo`): names every object. */
  readonly installation: string;
  readonly namespace: string;
  /** The live-store StatefulSets it rolls, one per zone. */
  readonly liveStores: readonly string[];
}

/** `<namespace>/<name>` of a namespaced object, for cert-manager's `inject-ca-from`. */
const ref = (namespace: string, name: string) => `${namespace}/${name}`;

export class RolloutOperator extends Construct {
  /** The operator's pods, for the flow model (it calls the API server and the live-stores). */
  public readonly podGroup: PodGroup;
  /** The `rollout-group` label of the StatefulSets it rolls (the `rollout_group` of its metrics). */
  public readonly rolloutGroup: string;

  constructor(scope: Construct, id: string, props: RolloutOperatorProps) {
    super(scope, id);
    const s = props.settings;
    const { namespace } = props;
    const name = `${props.installation}-rollout-operator`;
    const identity = {
      name: 'rollout-operator',
      instance: props.installation,
      component: 'rollout-operator',
      version: IMAGES.rolloutOperator.tag,
    };
    const labels = standardLabels(identity);
    const selector = selectorLabels(identity);
    const metadata = (n: string) => ({ name: n, namespace, labels });
    const ports = [ROLLOUT_OPERATOR_PORTS.metrics, ROLLOUT_OPERATOR_PORTS.webhooks];
    this.podGroup = { name, namespace, selectorLabels: selector, ports };
    this.rolloutGroup = s.group;

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: metadata(name) });
    // Least privilege for v0.38.1 without the zone tracker, ReplicaTemplates or its self-signed
    // certificate (the jsonnet's rollout-operator-role, narrowed): pods are deleted (rollouts) and
    // annotated (the ZPDB's ready-time, pkg/zpdb/pod_readiness_tracker.go); the StatefulSets are
    // read, their currentRevision set (an OnDelete rollout is the operator's to finish,
    // pkg/controller/controller.go) and the prepare-downscale webhook annotates them
    // (`grafana.com/last-downscale`); ZPDBs are watched.
    const role = new k8s.KubeRole(this, 'Role', {
      metadata: metadata(name),
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete', 'patch'] },
        { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] },
        {
          apiGroups: ['apps'],
          resources: ['statefulsets'],
          resourceNames: [...props.liveStores],
          verbs: ['patch'],
        },
        {
          apiGroups: ['apps'],
          resources: ['statefulsets/status'],
          resourceNames: [...props.liveStores],
          verbs: ['update'],
        },
        {
          apiGroups: [ROLLOUT_API],
          resources: ['zoneawarepoddisruptionbudgets'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: metadata(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace }],
    });

    // The webhooks' serving certificate.
    const tlsSecret = `${name}-tls`;
    const issuerRef = s.issuerRef ?? this.ownCa(name, namespace, labels);
    const certificate = new Certificate(this, 'Certificate', {
      metadata: metadata(name),
      spec: {
        secretName: tlsSecret,
        dnsNames: [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`],
        duration: '2160h',
        renewBefore: '720h',
        issuerRef,
        privateKey: {
          algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: 256,
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
        },
        usages: [CertificateSpecUsages.DIGITAL_SIGNATURE, CertificateSpecUsages.SERVER_AUTH],
      },
    });

    const http = (port: NamedPort) => k8s.IntOrString.fromString(port.name);
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(name),
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        // Never two operators at once (both would delete pods): the old one stops first.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(0),
            maxUnavailable: k8s.IntOrString.fromNumber(1),
          },
        },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            securityContext: restrictedPodSecurityContext(ROLLOUT_OPERATOR_UID),
            containers: [
              {
                name: 'rollout-operator',
                image: imageRef(IMAGES.rolloutOperator),
                imagePullPolicy: 'IfNotPresent',
                // Flags of v0.38.1 `cmd/rollout-operator/main.go`.
                args: [
                  `-kubernetes.namespace=${namespace}`,
                  '-log.level=info',
                  '-server-tls.enabled=true',
                  // cert-manager's certificate instead of the operator's own self-signed one; the
                  // operator restarts itself when the loaded certificate expires, cert-manager has
                  // renewed it (same CA) a month before.
                  '-server-tls.self-signed-cert.enabled=false',
                  '-webhooks.update-ca-bundle=false',
                  `-server-tls.cert-file=${CERT_DIR}/tls.crt`,
                  `-server-tls.key-file=${CERT_DIR}/tls.key`,
                ],
                ports: ports.map(containerPort),
                readinessProbe: {
                  httpGet: { path: '/ready', port: http(ROLLOUT_OPERATOR_PORTS.metrics) },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 1,
                },
                // `/metrics` answers whenever the HTTP server is up (`/ready` only after the
                // controller's first sync).
                livenessProbe: {
                  httpGet: { path: '/metrics', port: http(ROLLOUT_OPERATOR_PORTS.metrics) },
                  initialDelaySeconds: 30,
                  periodSeconds: 20,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                resources: resourceRequirements(s.resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: [{ name: 'webhook-tls', mountPath: CERT_DIR, readOnly: true }],
              },
            ],
            volumes: [
              {
                name: 'webhook-tls',
                secret: {
                  secretName: tlsSecret,
                  items: [
                    { key: 'tls.crt', path: 'tls.crt' },
                    { key: 'tls.key', path: 'tls.key' },
                  ],
                },
              },
            ],
          },
        },
      },
    });
    const service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(name),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [servicePort(ROLLOUT_OPERATOR_PORTS.webhooks)],
      },
    });

    const clientConfig = (path: string) => ({
      service: { name: service.name, namespace, path, port: ROLLOUT_OPERATOR_PORTS.webhooks.port },
    });
    const webhookMetadata = (kind: string) => ({
      name: `${props.installation}-${kind}-${namespace}`,
      labels,
      annotations: { 'cert-manager.io/inject-ca-from': ref(namespace, certificate.name) },
    });
    const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
    const stsNames = props.liveStores.map((n) => `'${n}'`).join(', ');
    clusterScoped(
      new k8s.KubeMutatingWebhookConfiguration(this, 'PrepareDownscaleWebhook', {
        metadata: webhookMetadata('prepare-downscale'),
        webhooks: [
          {
            name: `prepare-downscale.${props.installation}.${namespace}.${ROLLOUT_API}`,
            admissionReviewVersions: ['v1'],
            clientConfig: clientConfig('/admission/prepare-downscale'),
            // A scale-in the live-stores were not prepared for is refused, also when the operator is down.
            failurePolicy: 'Fail',
            matchPolicy: 'Equivalent',
            sideEffects: 'NoneOnDryRun',
            timeoutSeconds: 10,
            namespaceSelector,
            rules: [
              {
                apiGroups: ['apps'],
                apiVersions: ['v1'],
                operations: ['UPDATE'],
                resources: ['statefulsets', 'statefulsets/scale'],
                scope: 'Namespaced',
              },
            ],
            // Only a lower replica count of these two StatefulSets (also through /scale, which an
            // objectSelector would miss: kubernetes/kubernetes#113594); every other update of the
            // namespace never reaches the webhook, so it cannot fail because of it.
            matchConditions: [
              { name: 'live-store-statefulset', expression: `request.name in [${stsNames}]` },
              {
                name: 'scale-in',
                expression:
                  'has(object.spec.replicas) && has(oldObject.spec.replicas) && object.spec.replicas < oldObject.spec.replicas',
              },
            ],
          },
        ],
      }),
    );
    clusterScoped(
      new k8s.KubeValidatingWebhookConfiguration(this, 'PodEvictionWebhook', {
        metadata: webhookMetadata('pod-eviction'),
        webhooks: [
          {
            name: `pod-eviction.${props.installation}.${namespace}.${ROLLOUT_API}`,
            admissionReviewVersions: ['v1'],
            clientConfig: clientConfig('/admission/pod-eviction'),
            // The budget holds while the operator is down: a drain waits for it.
            failurePolicy: 'Fail',
            sideEffects: 'None',
            timeoutSeconds: 10,
            namespaceSelector,
            rules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['pods/eviction'],
                scope: 'Namespaced',
              },
            ],
            // Only evictions of this installation's live-stores (the Eviction names its pod).
            matchConditions: [
              { name: 'live-store-pod', expression: `request.name.matches('${podNameRegex(props)}')` },
            ],
          },
        ],
      }),
    );

    // One budget over both zones, per partition: pod k of either zone owns partition k.
    new ZoneAwarePodDisruptionBudget(this, 'ZoneAwarePdb', {
      metadata: metadata(s.group),
      spec: {
        maxUnavailable: 1,
        selector: { matchLabels: { 'rollout-group': s.group } },
        podNamePartitionRegex: podNameRegex(props),
        podNameRegexGroup: 1,
      },
    });
  }

  /**
   * A CA of the operator's own: a self-signed Issuer signs a CA certificate, whose CA Issuer signs
   * the serving certificate. The CA (the injected `caBundle`) outlives every serving certificate
   * and keeps its key on renewal, so a renewed serving certificate is trusted at once and the old
   * one, still in the operator's memory, stays trusted until it expires.
   */
  private ownCa(name: string, namespace: string, labels: Record<string, string>) {
    const selfSigned = new Issuer(this, 'SelfSignedIssuer', {
      metadata: { name: `${name}-selfsigned`, namespace, labels },
      spec: { selfSigned: {} },
    });
    const caSecret = `${name}-ca`;
    new Certificate(this, 'CaCertificate', {
      metadata: { name: `${name}-ca`, namespace, labels },
      spec: {
        isCa: true,
        commonName: `${name}-ca`,
        secretName: caSecret,
        duration: '87600h',
        renewBefore: '8760h',
        issuerRef: { name: selfSigned.name, kind: 'Issuer', group: 'cert-manager.io' },
        privateKey: {
          algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
          size: 256,
          rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.NEVER,
        },
      },
    });
    const ca = new Issuer(this, 'CaIssuer', {
      metadata: { name: `${name}-ca`, namespace, labels },
      spec: { ca: { secretName: caSecret } },
    });
    return { name: ca.name, kind: 'Issuer', group: 'cert-manager.io' };
  }
}

/** The live-store pods' names, partition in group 1: `<name>-live-store-zone-a-<k>` owns partition k. */
function podNameRegex(props: RolloutOperatorProps): string {
  const zones = props.liveStores.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return `^(?:${zones.join('|')})-([0-9]+)$`;
}
