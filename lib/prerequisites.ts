/**
 * What a cluster must already run before it applies an environment's objects, derived from the
 * objects themselves: every kind (by API group) maps to the operator, CRD or controller it needs,
 * with the release the objects are validated against (lib/versions.ts VALIDATED_AGAINST), and the
 * objects add what they name (the namespace Strimzi must watch, the Gateway routes attach to, the
 * issuer certificates come from, the labels a Prometheus must select). A kind with no entry here
 * is a bug: `prerequisitesOf` throws, so a new kind cannot reach a SUMMARY.md unexplained.
 */
import { parse } from 'yaml';
import type { Manifest } from './k8s';
import { VALIDATED_AGAINST } from './versions';

const V = VALIDATED_AGAINST;

/** Everything a kind can need, in the order SUMMARY.md lists them. */
export const PREREQUISITES = {
  kubernetes: {
    what: 'Kubernetes (built-in APIs: nothing to install)',
    version: `Kubernetes ${V.kubernetes.join(' and ')}`,
  },
  storage: {
    what: 'dynamic volume provisioning for the volume claims',
    version: '—',
  },
  networkPolicies: {
    what: 'a network plugin that enforces NetworkPolicy (Calico, Cilium, …): without one the policies are stored and ignored',
    version: '—',
  },
  metricsServer: {
    what: "metrics-server (the resource metrics API) for the HorizontalPodAutoscalers' CPU targets",
    version: '—',
  },
  ingressController: { what: 'an ingress controller', version: '—' },
  gatewayApi: {
    what: 'the Gateway API CRDs (standard channel) and an implementation',
    version: `Gateway API ${V.gatewayApi}`,
  },
  prometheusOperator: {
    what: 'the Prometheus Operator (CRDs and operator)',
    version: `Prometheus Operator ${V.prometheusOperator}`,
  },
  oidcIssuer: {
    what: "an OpenID Connect issuer with an OAuth client for the query gateway (its tokens carry the client ID in `aud`; browser sign-in's redirect URI allowed)",
    version: '—',
  },
  remoteWriteReceiver: {
    what: "a Prometheus that accepts remote writes (`enableRemoteWriteReceiver: true`) for Tempo's generated metrics",
    version: '—',
  },
  strimzi: {
    what: 'the Strimzi cluster operator (CRDs and operator)',
    version: `Strimzi ${V.strimzi}`,
  },
  certManager: {
    what: 'cert-manager (CRDs and controller)',
    version: `cert-manager ${V.certManager}`,
  },
  otelOperator: {
    what: 'the OpenTelemetry Operator (CRDs and its admission webhook, which injects the SDKs)',
    version: `OpenTelemetry Operator ${V.otelOperator}`,
  },
  rolloutOperatorCrd: {
    what: "the rollout-operator's ZoneAwarePodDisruptionBudget CRD (the operator itself is deployed here)",
    version: `rollout-operator ${V.rolloutOperator}`,
  },
  argoCd: {
    what: 'Argo CD, or Flux (below): only to apply `gitops/` once',
    version: `Argo CD ${V.argoCd}`,
  },
  flux: {
    what: 'Flux source-controller and kustomize-controller, or Argo CD (above): only to apply `gitops/` once',
    version: `Flux controllers ${V.fluxControllers}`,
  },
} as const satisfies Record<string, { readonly what: string; readonly version: string }>;

export type PrerequisiteId = keyof typeof PREREQUISITES;

const BUILT_IN: readonly PrerequisiteId[] = ['kubernetes'];

/** What each kind needs, by `<API group>/<kind>` (`core` for the core group). */
export const KIND_PREREQUISITES: Readonly<Record<string, readonly PrerequisiteId[]>> = {
  'core/ConfigMap': BUILT_IN,
  'core/Namespace': BUILT_IN,
  'core/Service': BUILT_IN,
  'core/ServiceAccount': BUILT_IN,
  'apps/Deployment': BUILT_IN,
  'apps/DaemonSet': BUILT_IN,
  // The volume claims' provisioner is added per object (volumeClaimTemplates).
  'apps/StatefulSet': BUILT_IN,
  'policy/PodDisruptionBudget': BUILT_IN,
  'rbac.authorization.k8s.io/ClusterRole': BUILT_IN,
  'rbac.authorization.k8s.io/ClusterRoleBinding': BUILT_IN,
  'rbac.authorization.k8s.io/Role': BUILT_IN,
  'rbac.authorization.k8s.io/RoleBinding': BUILT_IN,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': BUILT_IN,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': BUILT_IN,
  'networking.k8s.io/NetworkPolicy': ['kubernetes', 'networkPolicies'],
  'networking.k8s.io/Ingress': ['kubernetes', 'ingressController'],
  'autoscaling/HorizontalPodAutoscaler': ['kubernetes', 'metricsServer'],
  'gateway.networking.k8s.io/HTTPRoute': ['gatewayApi'],
  'gateway.networking.k8s.io/GRPCRoute': ['gatewayApi'],
  'monitoring.coreos.com/PodMonitor': ['prometheusOperator'],
  'monitoring.coreos.com/PrometheusRule': ['prometheusOperator'],
  'kafka.strimzi.io/Kafka': ['strimzi'],
  'kafka.strimzi.io/KafkaNodePool': ['strimzi'],
  'kafka.strimzi.io/KafkaTopic': ['strimzi'],
  'cert-manager.io/Certificate': ['certManager'],
  'cert-manager.io/Issuer': ['certManager'],
  'opentelemetry.io/Instrumentation': ['otelOperator'],
  'rollout-operator.grafana.com/ZoneAwarePodDisruptionBudget': ['rolloutOperatorCrd'],
  'argoproj.io/Application': ['argoCd'],
  'source.toolkit.fluxcd.io/GitRepository': ['flux'],
  'kustomize.toolkit.fluxcd.io/Kustomization': ['flux'],
};

/** `<API group>/<kind>` of an object. */
export function groupKind(m: Pick<Manifest, 'apiVersion' | 'kind'>): string {
  const slash = m.apiVersion.indexOf('/');
  return `${slash < 0 ? 'core' : m.apiVersion.slice(0, slash)}/${m.kind}`;
}

const ns = (m: Manifest) => m.metadata.namespace ?? '(cluster)';

/** What one object says of a prerequisite it needs (names, namespaces, classes, labels). */
function detailsOf(m: Manifest, all: readonly Manifest[]): [PrerequisiteId, string][] {
  const spec = m.spec ?? {};
  switch (groupKind(m)) {
    case 'apps/StatefulSet':
      return (spec.volumeClaimTemplates ?? []).map((t: Manifest) => [
        'storage',
        t.spec?.storageClassName ? `StorageClass \`${t.spec.storageClassName}\`` : 'the default StorageClass',
      ]);
    case 'networking.k8s.io/Ingress':
      return [
        [
          'ingressController',
          spec.ingressClassName ? `IngressClass \`${spec.ingressClassName}\`` : 'the default IngressClass',
        ],
      ];
    case 'gateway.networking.k8s.io/HTTPRoute':
    case 'gateway.networking.k8s.io/GRPCRoute':
      return (spec.parentRefs ?? []).map((p: { namespace?: string; name: string }) => [
        'gatewayApi',
        `serving Gateway \`${p.namespace ?? ns(m)}/${p.name}\``,
      ]);
    case 'monitoring.coreos.com/PodMonitor':
    case 'monitoring.coreos.com/PrometheusRule': {
      // The app's own labels select nothing; the rest is what the Prometheus must select by.
      const labels = Object.entries(m.metadata.labels ?? {})
        .filter(([k]) => !k.startsWith('app.kubernetes.io/'))
        .map(([k, v]) => `${k}=${v}`)
        .sort();
      const out: [PrerequisiteId, string][] = [
        [
          'prometheusOperator',
          `a Prometheus selecting PodMonitors and PrometheusRules by \`${labels.join(', ')}\``,
        ],
      ];
      if (spec.scrapeNativeHistograms)
        out.push(['prometheusOperator', 'Prometheus 3.8 or newer (native histograms are scraped)']);
      return out;
    }
    case 'kafka.strimzi.io/Kafka':
      return [['strimzi', `watching namespace \`${ns(m)}\``]];
    case 'kafka.strimzi.io/KafkaNodePool':
      return (spec.storage?.volumes ?? [spec.storage ?? {}])
        .filter((v: { type?: string }) => v.type === 'persistent-claim')
        .map((v: { class?: string }) => [
          'storage',
          v.class ? `StorageClass \`${v.class}\`` : 'the default StorageClass',
        ]);
    case 'cert-manager.io/Certificate': {
      const ref = spec.issuerRef ?? {};
      const kind = ref.kind ?? 'Issuer';
      const emitted = all.some(
        (o) =>
          o.kind === kind && o.metadata.name === ref.name && (kind === 'ClusterIssuer' || ns(o) === ns(m)),
      );
      return emitted
        ? []
        : [['certManager', `${kind} \`${kind === 'ClusterIssuer' ? ref.name : `${ns(m)}/${ref.name}`}\``]];
    }
    case 'apps/Deployment': {
      // The query gateway's oauth2-proxy (GatewayAuth.oidc): the issuer and client it names.
      const flag = (args: readonly string[], name: string) =>
        args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
      return (spec.template?.spec?.containers ?? [])
        .filter((c: { name: string }) => c.name === 'oauth2-proxy')
        .map((c: { args?: string[] }) => {
          const args = c.args ?? [];
          const redirect = flag(args, 'redirect-url');
          return [
            'oidcIssuer',
            `${flag(args, 'oidc-issuer-url')}, client \`${flag(args, 'client-id')}\`${redirect ? `, redirect URI ${redirect}` : ''}`,
          ];
        });
    }
    case 'core/ConfigMap': {
      // Tempo's generator writing to a Prometheus: its remote-write receiver must be on.
      const tempo = m.data?.['tempo.yaml'];
      if (typeof tempo !== 'string') return [];
      const urls: string[] = (parse(tempo)?.metrics_generator?.storage?.remote_write ?? []).map(
        (r: { url: string }) => r.url,
      );
      return urls
        .filter((u) => new URL(u).pathname.replace(/\/+$/, '') === '/api/v1/write')
        .map((u) => ['remoteWriteReceiver', `at ${new URL(u).host}`]);
    }
    default:
      return [];
  }
}

/** One prerequisite of an environment: what, for which kinds, and what its objects say of it. */
export interface EnvironmentPrerequisite {
  readonly id: PrerequisiteId;
  readonly what: string;
  readonly version: string;
  /** The kinds that need it, sorted. */
  readonly kinds: readonly string[];
  /** What the objects name (deduplicated, sorted). */
  readonly details: readonly string[];
}

/**
 * The prerequisites of a set of objects, in catalog order. Throws for a kind with no entry in
 * KIND_PREREQUISITES (a bug: add the kind there).
 */
export function prerequisitesOf(objects: readonly Manifest[]): EnvironmentPrerequisite[] {
  const kinds = new Map<PrerequisiteId, Set<string>>();
  const details = new Map<PrerequisiteId, Set<string>>();
  const add = (map: Map<PrerequisiteId, Set<string>>, id: PrerequisiteId, value: string) =>
    map.set(id, (map.get(id) ?? new Set()).add(value));
  for (const m of objects) {
    const needs = KIND_PREREQUISITES[groupKind(m)];
    if (!needs)
      throw new Error(
        `no prerequisite for ${groupKind(m)} (${m.apiVersion}); add it to KIND_PREREQUISITES in lib/prerequisites.ts`,
      );
    for (const id of needs) add(kinds, id, m.kind);
    for (const [id, detail] of detailsOf(m, objects)) {
      add(kinds, id, m.kind);
      add(details, id, detail);
    }
  }
  return (Object.keys(PREREQUISITES) as PrerequisiteId[])
    .filter((id) => kinds.has(id))
    .map((id) => ({
      id,
      ...PREREQUISITES[id],
      kinds: [...kinds.get(id)!].sort(),
      details: [...(details.get(id) ?? [])].sort(),
    }));
}

/** The SUMMARY.md section: one row per prerequisite. */
export function prerequisitesSection(objects: readonly Manifest[], bootstrap: readonly Manifest[]): string[] {
  const row = (p: EnvironmentPrerequisite) =>
    `| ${p.what}${p.details.length ? `: ${p.details.join('; ')}` : ''} | ${p.kinds.join(', ')} | ${p.version} |`;
  const own = prerequisitesOf(objects);
  const gitops = prerequisitesOf(bootstrap);
  return [
    '',
    '## Prerequisites',
    '',
    'What the cluster must run before these objects are applied, derived from their kinds (docs/prerequisites.md), with the release they are validated against:',
    '',
    '| needs | for | validated against |',
    '| --- | --- | --- |',
    ...own.map(row),
    ...gitops.map(row),
  ];
}
