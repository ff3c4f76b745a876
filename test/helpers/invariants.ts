import type { Tempo } from '../../constructs/tempo/tempo';
import { isAlert, RuleGroup } from '../../constructs/monitoring/rule-model';
import {
  COLLECTOR_METRICS,
  PLATFORM_METRICS,
  tempoExposedMetrics,
  MEMCACHED_METRICS,
  NGINX_EXPORTER_METRICS,
  OAUTH2_PROXY_METRICS,
  ROLLOUT_OPERATOR_METRICS,
} from '../../constructs/monitoring/metric-catalog';
import { metricNames } from '../../constructs/monitoring/promql';
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from '../../constructs/tempo/generated-metrics';
import {
  COLLECTOR_SPAN_METRICS,
  SpanMetricCatalog,
} from '../../constructs/otel-collector/span-metric-catalog';
/**
 * Invariants every synthesized environment must hold, shared by the hardening tests and the
 * property-based tests.
 */
const WORKLOADS = ['StatefulSet', 'Deployment', 'DaemonSet'];
const ALLOWED_VOLUMES = [
  'configMap',
  'emptyDir',
  'projected',
  'secret',
  'downwardAPI',
  'persistentVolumeClaim',
  'ephemeral',
  'csi',
];

export function workloads(manifests: readonly any[]): any[] {
  return manifests.filter((m) => WORKLOADS.includes(m.kind));
}

/** Pod Security Standards "restricted" (plus requests/limits and probes), one message per breach. */
export function restrictedViolations(
  manifests: readonly any[],
  privilegedNamespaces: readonly string[] = [],
): string[] {
  const v: string[] = [];
  for (const w of workloads(manifests)) {
    const id = `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`;
    const pod = w.spec.template.spec;
    const podSc = pod.securityContext ?? {};
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[f]) v.push(`${id}: ${f}`);
    for (const vol of pod.volumes ?? []) {
      const type = Object.keys(vol).find((k) => k !== 'name')!;
      if (!ALLOWED_VOLUMES.includes(type)) v.push(`${id}: volume ${vol.name} of type ${type}`);
    }
    if (!['RuntimeDefault', 'Localhost'].includes(podSc.seccompProfile?.type))
      v.push(`${id}: pod seccompProfile`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const sc = c.securityContext ?? {};
      const cid = `${id}/${c.name}`;
      if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) v.push(`${cid}: runAsNonRoot`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) v.push(`${cid}: runAsUser 0`);
      if (sc.allowPrivilegeEscalation !== false) v.push(`${cid}: allowPrivilegeEscalation`);
      if (sc.privileged) v.push(`${cid}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${cid}: capabilities.drop ALL`);
      for (const cap of sc.capabilities?.add ?? [])
        if (cap !== 'NET_BIND_SERVICE') v.push(`${cid}: adds capability ${cap}`);
      if (sc.seccompProfile && !['RuntimeDefault', 'Localhost'].includes(sc.seccompProfile.type))
        v.push(`${cid}: container seccompProfile`);
      if (!privilegedNamespaces.includes(w.metadata.namespace)) {
        for (const p of c.ports ?? []) if (p.hostPort) v.push(`${cid}: hostPort ${p.hostPort}`);
      }
      for (const kind of ['requests', 'limits']) {
        for (const r of ['cpu', 'memory']) if (!c.resources?.[kind]?.[r]) v.push(`${cid}: ${kind}.${r}`);
      }
      if (!c.readinessProbe) v.push(`${cid}: readinessProbe`);
      if (!c.livenessProbe) v.push(`${cid}: livenessProbe`);
    }
  }
  return v;
}

/** Selectors are immutable: they must not contain the version and must select the template. */
export function selectorViolations(manifests: readonly any[]): string[] {
  const v: string[] = [];
  for (const w of workloads(manifests)) {
    const sel = w.spec.selector.matchLabels;
    if ('app.kubernetes.io/version' in sel) v.push(`${w.kind}/${w.metadata.name}: version in selector`);
    for (const [k, val] of Object.entries(sel))
      if (w.spec.template.metadata.labels[k] !== val)
        v.push(`${w.kind}/${w.metadata.name}: selector ${k} not on template`);
  }
  return v;
}

/** Every Service with a selector selects the pods of a workload in its namespace. */
export function orphanServices(manifests: readonly any[]): string[] {
  return manifests
    .filter((m) => m.kind === 'Service' && m.spec.selector)
    .filter(
      (svc) =>
        !workloads(manifests).some(
          (w) =>
            w.metadata.namespace === svc.metadata.namespace &&
            Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
        ),
    )
    .map((s) => `Service/${s.metadata.namespace}/${s.metadata.name}`);
}

/** Each Service port targets a named container port with the same protocol, and vice versa for receivers. */
export function portMismatches(manifests: readonly any[]): string[] {
  const v: string[] = [];
  for (const svc of manifests.filter((m) => m.kind === 'Service' && m.spec.selector)) {
    const w = workloads(manifests).find(
      (x) =>
        x.metadata.namespace === svc.metadata.namespace &&
        Object.entries(svc.spec.selector).every(([k, val]) => x.spec.template.metadata.labels[k] === val),
    );
    if (!w) continue;
    const ports = w.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []);
    for (const p of svc.spec.ports) {
      const cp = ports.find((x: any) => x.name === p.targetPort);
      if (!cp) v.push(`Service/${svc.metadata.name}: targetPort ${p.targetPort} missing`);
      else if (cp.containerPort !== p.port || (cp.protocol ?? 'TCP') !== (p.protocol ?? 'TCP'))
        v.push(`Service/${svc.metadata.name}: port ${p.name} disagrees with container`);
    }
  }
  return v;
}

/** Metrics that rules read but no scraped target (or recording rule) provides. */
export function unexposedMetrics(
  groups: readonly RuleGroup[],
  scraped: {
    collector: boolean;
    /** The stack's span-metric catalog (its producer's names), if any. */
    spanMetrics?: SpanMetricCatalog;
    serviceGraphs: boolean;
    tempo: Tempo;
    /** The query gateway, scraped through its exporter sidecar. @default - none */
    queryGateway?: { readonly oidc?: unknown };
    nativeHistograms?: boolean;
  },
): string[] {
  const recorded = groups
    .flatMap((g) => g.rules)
    .filter((r) => !isAlert(r))
    .map((r) => (r as { record: string }).record);
  const exposed = new Set<unknown>([
    ...tempoExposedMetrics(
      scraped.tempo.settings.line,
      scraped.tempo.settings.kafka !== undefined,
      scraped.nativeHistograms,
      scraped.tempo.caches.length > 0,
    ),
    ...(scraped.tempo.caches.some((c) => c.pool) ? Object.values(MEMCACHED_METRICS) : []),
    ...(scraped.tempo.rolloutOperator ? Object.values(ROLLOUT_OPERATOR_METRICS) : []),
    ...(scraped.queryGateway ? Object.values(NGINX_EXPORTER_METRICS) : []),
    ...(scraped.queryGateway?.oidc ? Object.values(OAUTH2_PROXY_METRICS) : []),
    ...Object.values(PLATFORM_METRICS),
    ...(scraped.collector ? Object.values(COLLECTOR_METRICS) : []),
    ...(scraped.spanMetrics?.producer === 'tempo-metrics-generator' ? Object.values(SPAN_METRICS) : []),
    ...(scraped.spanMetrics?.producer === 'collector-span-metrics-connector'
      ? Object.values(COLLECTOR_SPAN_METRICS)
      : []),
    ...(scraped.serviceGraphs ? Object.values(SERVICE_GRAPH_METRICS) : []),
    ...recorded,
  ]);
  return groups
    .flatMap((g) => g.rules)
    .flatMap((r) => metricNames(r.expr))
    .filter((m) => !exposed.has(m));
}
