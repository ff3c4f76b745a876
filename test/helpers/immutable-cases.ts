/**
 * Before/after manifests for every immutable field the plan knows (lib/plan-immutable.ts), and for
 * the mutable fields beside them. test/plan-immutable.test.ts checks what the plan says about each;
 * test/apiserver.test.ts applies each pair to the real API server and checks that the server does
 * exactly that: every flagged change rejected (or, where the plan says so, silently not applied),
 * every unflagged change accepted.
 */
import type { Manifest } from './cluster-apply';

export const PROOF_NAMESPACE = 'immutable-proof';
/** A StorageClass that allows expansion (the test creates it), so a bound claim may grow. */
export const EXPANDABLE_CLASS = 'tracesynth-expandable';

export interface ImmutableCase {
  readonly name: string;
  readonly before: Manifest;
  readonly after: Manifest;
  /**
   * What the API server does with `after` once `before` exists: `rejected`, `ignored` (accepted but
   * the field keeps its old value) or `accepted`. The plan flags the first two.
   */
  readonly server: 'rejected' | 'ignored' | 'accepted';
  /** The flagged field, as the plan names it (`spec.serviceName`), when flagged. */
  readonly field?: string;
  /** A PersistentVolumeClaim bound (status) with this capacity before `after` is applied. */
  readonly boundCapacity?: string;
  /** For `ignored`: the JSONPath whose live value must stay `before`'s. */
  readonly unchanged?: { readonly jsonPath: string; readonly value: string };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Spec = Record<string, unknown>;

const restrictedPod = () => ({
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name: 'app',
      image: 'registry.example/app:1',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    },
  ],
});

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  body: Record<string, unknown>,
  cluster = false,
): Manifest {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(cluster ? {} : { namespace: PROOF_NAMESPACE }) },
    ...body,
  } as Manifest;
}

function statefulSet(name: string, edit: (spec: Spec) => void = () => undefined): Manifest {
  const spec: Spec = {
    replicas: 1,
    serviceName: `${name}-headless`,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: restrictedPod() },
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
  };
  edit(spec);
  return obj('apps/v1', 'StatefulSet', name, { spec });
}

function podController(
  kind: 'Deployment' | 'DaemonSet' | 'ReplicaSet',
  name: string,
  edit: (spec: Spec) => void = () => undefined,
): Manifest {
  const spec: Spec = {
    ...(kind === 'DaemonSet' ? {} : { replicas: 1 }),
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: restrictedPod() },
  };
  edit(spec);
  return obj('apps/v1', kind, name, { spec });
}

function service(name: string, spec: Spec): Manifest {
  return obj('v1', 'Service', name, { spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec } });
}

function claim(name: string, size: string, edit: (spec: Spec) => void = () => undefined): Manifest {
  const spec: Spec = {
    accessModes: ['ReadWriteOnce'],
    storageClassName: EXPANDABLE_CLASS,
    resources: { requests: { storage: size } },
  };
  edit(spec);
  return obj('v1', 'PersistentVolumeClaim', name, { spec });
}

function job(name: string, edit: (spec: Spec) => void = () => undefined): Manifest {
  const spec: Spec = {
    suspend: true,
    completions: 1,
    parallelism: 1,
    backoffLimit: 2,
    template: { spec: { ...restrictedPod(), restartPolicy: 'Never' } },
  };
  edit(spec);
  return obj('batch/v1', 'Job', name, { spec });
}

function binding(
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  role: string,
  user = 'alice',
): Manifest {
  return obj(
    'rbac.authorization.k8s.io/v1',
    kind,
    name,
    {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
    kind === 'ClusterRoleBinding',
  );
}

function data(kind: 'ConfigMap' | 'Secret', name: string, value: string, immutable?: boolean): Manifest {
  const encoded = kind === 'Secret' ? Buffer.from(value).toString('base64') : value;
  return obj('v1', kind, name, { data: { key: encoded }, ...(immutable === undefined ? {} : { immutable }) });
}

const template = (s: Spec) =>
  s.template as Mutable<{
    metadata: { labels: Record<string, string> };
    spec: { containers: { image: string }[] };
  }>;
const claimTemplates = (s: Spec) =>
  s.volumeClaimTemplates as Mutable<{ metadata: { name: string }; spec: Spec }[]>;

/** A controller whose selector (and template labels with it) gains a `tier` label. */
function newSelector(kind: 'Deployment' | 'DaemonSet' | 'ReplicaSet', name: string): ImmutableCase {
  return {
    name: `${kind} selector`,
    before: podController(kind, name),
    after: podController(kind, name, (s) => {
      s.selector = { matchLabels: { app: name, tier: 'new' } };
      template(s).metadata.labels.tier = 'new';
    }),
    server: 'rejected',
    field: 'spec.selector',
  };
}

export const IMMUTABLE_CASES: readonly ImmutableCase[] = [
  // StatefulSet: everything but replicas, template, updateStrategy, minReadySeconds, ordinals,
  // revisionHistoryLimit and persistentVolumeClaimRetentionPolicy.
  {
    name: 'StatefulSet selector',
    before: statefulSet('sts-selector'),
    after: statefulSet('sts-selector', (s) => {
      s.selector = { matchLabels: { app: 'sts-selector', tier: 'db' } };
      template(s).metadata.labels.tier = 'db';
    }),
    server: 'rejected',
    field: 'spec.selector',
  },
  {
    name: 'StatefulSet serviceName',
    before: statefulSet('sts-service'),
    after: statefulSet('sts-service', (s) => (s.serviceName = 'sts-service-peers')),
    server: 'rejected',
    field: 'spec.serviceName',
  },
  {
    name: 'StatefulSet podManagementPolicy',
    before: statefulSet('sts-pmp'),
    after: statefulSet('sts-pmp', (s) => (s.podManagementPolicy = 'Parallel')),
    server: 'rejected',
    field: 'spec.podManagementPolicy',
  },
  {
    name: 'StatefulSet volume claim template grows',
    before: statefulSet('sts-grow'),
    after: statefulSet(
      'sts-grow',
      (s) => (claimTemplates(s)[0].spec.resources = { requests: { storage: '2Gi' } }),
    ),
    server: 'rejected',
    field: 'spec.volumeClaimTemplates[data] storage',
  },
  {
    name: 'StatefulSet volume claim template shrinks',
    before: statefulSet(
      'sts-shrink',
      (s) => (claimTemplates(s)[0].spec.resources = { requests: { storage: '2Gi' } }),
    ),
    after: statefulSet('sts-shrink'),
    server: 'rejected',
    field: 'spec.volumeClaimTemplates[data] storage',
  },
  {
    name: 'StatefulSet volume claim template storage class',
    before: statefulSet('sts-class'),
    after: statefulSet('sts-class', (s) => (claimTemplates(s)[0].spec.storageClassName = 'fast')),
    server: 'rejected',
    field: 'spec.volumeClaimTemplates[data] spec.storageClassName',
  },
  {
    name: 'StatefulSet volume claim template added',
    before: statefulSet('sts-added'),
    after: statefulSet('sts-added', (s) =>
      claimTemplates(s).push({
        metadata: { name: 'wal' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    ),
    server: 'rejected',
    field: 'spec.volumeClaimTemplates[wal] added',
  },
  {
    name: 'StatefulSet volume claim template removed',
    before: statefulSet('sts-removed'),
    after: statefulSet('sts-removed', (s) => delete s.volumeClaimTemplates),
    server: 'rejected',
    field: 'spec.volumeClaimTemplates[data] removed',
  },
  {
    name: 'StatefulSet: podManagementPolicy spelled out at its default',
    before: statefulSet('sts-default-pmp'),
    after: statefulSet('sts-default-pmp', (s) => (s.podManagementPolicy = 'OrderedReady')),
    server: 'accepted',
  },
  {
    name: 'StatefulSet: volumeMode spelled out at its default',
    before: statefulSet('sts-default-mode'),
    after: statefulSet('sts-default-mode', (s) => (claimTemplates(s)[0].spec.volumeMode = 'Filesystem')),
    server: 'accepted',
  },
  {
    name: 'StatefulSet: replicas, template, updateStrategy, minReadySeconds, revisionHistoryLimit, PVC retention',
    before: statefulSet('sts-mutable'),
    after: statefulSet('sts-mutable', (s) => {
      s.replicas = 3;
      template(s).spec.containers[0].image = 'registry.example/app:2';
      template(s).metadata.labels.version = '2';
      s.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
      s.minReadySeconds = 10;
      s.revisionHistoryLimit = 3;
      s.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' };
    }),
    server: 'accepted',
  },
  // Deployment, DaemonSet, ReplicaSet: the selector.
  newSelector('Deployment', 'deploy-selector'),
  {
    name: 'Deployment: template labels, strategy, replicas',
    before: podController('Deployment', 'deploy-mutable'),
    after: podController('Deployment', 'deploy-mutable', (s) => {
      template(s).metadata.labels.version = '2';
      s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 2, maxUnavailable: 0 } };
      s.replicas = 4;
    }),
    server: 'accepted',
  },
  newSelector('DaemonSet', 'ds-selector'),
  newSelector('ReplicaSet', 'rs-selector'),
  // PodDisruptionBudget: mutable since Kubernetes 1.15 (policy/v1 strategy validates the new object only).
  {
    name: 'PodDisruptionBudget selector and budget',
    before: obj('policy/v1', 'PodDisruptionBudget', 'pdb', {
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'pdb' } } },
    }),
    after: obj('policy/v1', 'PodDisruptionBudget', 'pdb', {
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'pdb', tier: 'web' } } },
    }),
    server: 'accepted',
  },
  // Service: the cluster IP.
  {
    name: 'Service becomes headless',
    before: service('svc-to-headless', {}),
    after: service('svc-to-headless', { clusterIP: 'None' }),
    server: 'rejected',
    field: 'spec.clusterIP',
  },
  {
    name: 'Service stops being headless',
    before: service('svc-from-headless', { clusterIP: 'None' }),
    after: service('svc-from-headless', {}),
    server: 'ignored',
    field: 'spec.clusterIP',
    unchanged: { jsonPath: '{.spec.clusterIP}', value: 'None' },
  },
  {
    name: 'Service gets a fixed cluster IP',
    before: service('svc-fixed-ip', {}),
    after: service('svc-fixed-ip', { clusterIP: '10.96.200.200' }),
    server: 'rejected',
    field: 'spec.clusterIP',
  },
  {
    name: 'Service: selector, ports, session affinity',
    before: service('svc-mutable', {}),
    after: service('svc-mutable', {
      selector: { app: 'svc-mutable', tier: 'web' },
      ports: [{ name: 'http', port: 8080, targetPort: 80 }],
      sessionAffinity: 'ClientIP',
    }),
    server: 'accepted',
  },
  {
    name: 'Service becomes an ExternalName',
    before: service('svc-external', {}),
    after: obj('v1', 'Service', 'svc-external', {
      spec: { type: 'ExternalName', externalName: 'db.example.com' },
    }),
    server: 'accepted',
  },
  // PersistentVolumeClaim (bound): the request may grow on an expandable class, never shrink; the rest is fixed.
  {
    name: 'PersistentVolumeClaim shrinks',
    before: claim('pvc-shrink', '2Gi'),
    after: claim('pvc-shrink', '1Gi'),
    server: 'rejected',
    field: 'spec.resources.requests.storage',
    boundCapacity: '2Gi',
  },
  {
    name: 'PersistentVolumeClaim access modes',
    before: claim('pvc-modes', '1Gi'),
    after: claim('pvc-modes', '1Gi', (s) => (s.accessModes = ['ReadWriteOncePod'])),
    server: 'rejected',
    field: 'spec.accessModes',
    boundCapacity: '1Gi',
  },
  {
    name: 'PersistentVolumeClaim storage class',
    before: claim('pvc-class', '1Gi'),
    after: claim('pvc-class', '1Gi', (s) => (s.storageClassName = 'fast')),
    server: 'rejected',
    field: 'spec.storageClassName',
    boundCapacity: '1Gi',
  },
  {
    name: 'PersistentVolumeClaim grows (bound, expandable class)',
    before: claim('pvc-grow', '1Gi'),
    after: claim('pvc-grow', '2Gi'),
    server: 'accepted',
    boundCapacity: '1Gi',
  },
  // Job: the pod template, completions, and the rest of ValidateJobSpecUpdate's list.
  {
    name: 'Job template',
    before: job('job-template'),
    after: job('job-template', (s) => (template(s).spec.containers[0].image = 'registry.example/app:2')),
    server: 'rejected',
    field: 'spec.template',
  },
  {
    name: 'Job completions',
    before: job('job-completions'),
    after: job('job-completions', (s) => (s.completions = 3)),
    server: 'rejected',
    field: 'spec.completions',
  },
  {
    name: 'Job completionMode',
    before: job('job-mode'),
    after: job('job-mode', (s) => (s.completionMode = 'Indexed')),
    server: 'rejected',
    field: 'spec.completionMode',
  },
  {
    name: 'Job: parallelism, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished',
    before: job('job-mutable'),
    after: job('job-mutable', (s) => {
      s.parallelism = 2;
      s.backoffLimit = 4;
      s.activeDeadlineSeconds = 600;
      s.ttlSecondsAfterFinished = 3600;
    }),
    server: 'accepted',
  },
  // Bindings: roleRef.
  {
    name: 'RoleBinding roleRef',
    before: binding('RoleBinding', 'rb-role', 'view'),
    after: binding('RoleBinding', 'rb-role', 'edit'),
    server: 'rejected',
    field: 'roleRef',
  },
  {
    name: 'ClusterRoleBinding roleRef',
    before: binding('ClusterRoleBinding', 'tracesynth-proof-crb', 'view'),
    after: binding('ClusterRoleBinding', 'tracesynth-proof-crb', 'edit'),
    server: 'rejected',
    field: 'roleRef',
  },
  {
    name: 'RoleBinding subjects',
    before: binding('RoleBinding', 'rb-subjects', 'view'),
    after: binding('RoleBinding', 'rb-subjects', 'view', 'bob'),
    server: 'accepted',
  },
  // ConfigMaps and Secrets marked immutable.
  {
    name: 'immutable ConfigMap data',
    before: data('ConfigMap', 'cm-immutable', 'a', true),
    after: data('ConfigMap', 'cm-immutable', 'b', true),
    server: 'rejected',
    field: 'data',
  },
  {
    name: 'immutable ConfigMap unmarked',
    before: data('ConfigMap', 'cm-unmark', 'a', true),
    after: data('ConfigMap', 'cm-unmark', 'a', false),
    server: 'rejected',
    field: 'immutable',
  },
  {
    name: 'immutable Secret data',
    before: data('Secret', 'secret-immutable', 'a', true),
    after: data('Secret', 'secret-immutable', 'b', true),
    server: 'rejected',
    field: 'data',
  },
  {
    name: 'ConfigMap data (not immutable)',
    before: data('ConfigMap', 'cm-mutable', 'a'),
    after: data('ConfigMap', 'cm-mutable', 'b'),
    server: 'accepted',
  },
];
