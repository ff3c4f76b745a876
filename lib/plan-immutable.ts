import { groupKind } from './prerequisites';
import { parseQuantity } from './validate';

/**
 * Changes a Kubernetes API server refuses to apply in place (fields that are immutable after
 * creation), found by comparing an object's manifest before and after a change. A GitOps sync that
 * carries one fails: Argo CD and Flux dry-run every object of the sync first, so nothing of the
 * change reaches the cluster until the object is deleted and recreated as the action says.
 *
 * The rules are those of Kubernetes 1.33 (k8s.io/kubernetes v1.33.13; test/apiserver.test.ts proves
 * each against the real API server, and that what is not listed here is accepted):
 * - StatefulSet: every spec field except replicas, template, updateStrategy, minReadySeconds,
 *   ordinals, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy
 *   (`ValidateStatefulSetUpdate`, pkg/apis/apps/validation/validation.go): so selector,
 *   serviceName, podManagementPolicy and volumeClaimTemplates, their sizes included.
 * - Deployment, DaemonSet, ReplicaSet: spec.selector (pkg/registry/apps/*\/strategy.go). A
 *   PodDisruptionBudget's selector is mutable (its strategy validates the new object only).
 * - Job: selector, template, completions, completionMode, podFailurePolicy,
 *   backoffLimitPerIndex, managedBy, successPolicy (`ValidateJobSpecUpdate`).
 * - Service: spec.clusterIP(s) (`ValidateServiceUpdate`); an unset clusterIP keeps the allocated
 *   one, so headless → not headless is silently not applied.
 * - PersistentVolumeClaim: spec except resources.requests and volumeAttributesClassName; the
 *   storage request may grow (a bound claim on an expandable StorageClass) but never shrink
 *   (`ValidatePersistentVolumeClaimUpdate`, pkg/apis/core/validation/validation.go).
 * - RoleBinding, ClusterRoleBinding: roleRef (pkg/apis/rbac/validation).
 * - ConfigMap, Secret marked `immutable: true`: data, binaryData and the mark itself.
 */
export interface ImmutableChange {
  /** `Kind/name`, as the plan names objects. */
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** What changed that cannot change in place: `path from → to` each. */
  readonly fields: readonly string[];
  /** What the sync does with it. */
  readonly breaks: string;
  /** What the operator must do before the sync (or after it, where it says so). */
  readonly action: string;
}

type Obj = Record<string, unknown>;

const REJECTED = 'the API server rejects the update, so the Argo CD / Flux sync of this environment fails';

/** The immutable changes between two manifests of the same object, or undefined. */
export function immutableChange(before: unknown, after: unknown): ImmutableChange | undefined {
  if (!isObj(before) || !isObj(after)) return undefined;
  const kind = str(after.kind);
  if (kind !== str(before.kind)) return undefined;
  const key = groupKind({ apiVersion: str(after.apiVersion), kind });
  if (key !== groupKind({ apiVersion: str(before.apiVersion), kind })) return undefined;
  const rule = RULES[key];
  if (!rule) return undefined;
  const meta = isObj(after.metadata) ? after.metadata : {};
  const name = str(meta.name);
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const found = rule(before, after, { kind, name, namespace });
  if (!found) return undefined;
  return { id: `${kind}/${name}`, kind, name, ...(namespace ? { namespace } : {}), ...found };
}

interface Target {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}
type Found = Pick<ImmutableChange, 'fields' | 'breaks' | 'action'>;
type Rule = (before: Obj, after: Obj, target: Target) => Found | undefined;

/** `kubectl [-n ns] <args>` in the target's namespace, for the action texts. */
function kubectlIn(t: Target, args: string): string {
  return `kubectl ${t.namespace ? `-n ${t.namespace} ` : ''}${args}`;
}

/** `kubectl [-n ns] <verb> <resource> <name> …` for the action texts. */
function kubectl(t: Target, verb: string, rest = ''): string {
  return kubectlIn(t, `${verb} ${t.kind.toLowerCase()} ${t.name}${rest}`);
}

const STATEFULSET_MUTABLE = new Set([
  'replicas',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'ordinals',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
]);

/** What the API server fills in when a manifest leaves it out (so leaving it out is no change). */
const STATEFULSET_DEFAULTS: Obj = { podManagementPolicy: 'OrderedReady' };

const statefulSet: Rule = (before, after, t) => {
  const was = spec(before);
  const now = spec(after);
  const fields: string[] = [];
  const notes: string[] = [];
  let selectorChanged = false;
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter(
    (k) => !STATEFULSET_MUTABLE.has(k),
  );
  for (const key of keys.sort()) {
    if (key === 'volumeClaimTemplates') {
      claimTemplates(was[key], now[key], t, fields, notes);
      continue;
    }
    const from = was[key] ?? STATEFULSET_DEFAULTS[key];
    const to = now[key] ?? STATEFULSET_DEFAULTS[key];
    if (canonical(from) === canonical(to)) continue;
    if (key === 'selector') selectorChanged = true;
    fields.push(`spec.${key} ${display(from)} → ${display(to)}`);
  }
  if (fields.length === 0) return undefined;
  const orphan = `${kubectl(t, 'delete', ' --cascade=orphan')} before the sync (its pods and volumes stay; the recreated StatefulSet adopts the pods and rolls them one at a time)`;
  const selector = selectorChanged
    ? `; its old pods no longer match the new selector: after the sync delete them one at a time (${kubectlIn(t, `delete pod ${t.name}-<ordinal>`)}) so the new StatefulSet recreates each on its volume`
    : '';
  return {
    fields,
    breaks: REJECTED,
    action: `${notes.length ? `${notes.join('; ')}; then ` : ''}${orphan}${selector}`,
  };
};

/** Volume claim templates by name, without what the API server adds or defaults. */
function templatesByName(v: unknown): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const t of Array.isArray(v) ? v : []) {
    if (!isObj(t)) continue;
    const meta = isObj(t.metadata) ? t.metadata : {};
    const s = spec(t);
    const normalized: Obj = {
      metadata: Object.fromEntries(Object.entries(meta).filter(([k]) => k !== 'creationTimestamp')),
      spec: { volumeMode: 'Filesystem', ...s },
    };
    out.set(str(meta.name), normalized);
  }
  return out;
}

function claimTemplates(was: unknown, now: unknown, t: Target, fields: string[], notes: string[]): void {
  const before = templatesByName(was);
  const after = templatesByName(now);
  for (const [name, tmpl] of after) {
    const old = before.get(name);
    if (!old) {
      fields.push(`spec.volumeClaimTemplates[${name}] added`);
      notes.push(`existing replicas get no ${name} volume until they are recreated`);
      continue;
    }
    if (canonical(old) === canonical(tmpl)) continue;
    const oldSize = storage(old);
    const newSize = storage(tmpl);
    if (oldSize !== newSize) {
      fields.push(
        `spec.volumeClaimTemplates[${name}] storage ${oldSize ?? '(unset)'} → ${newSize ?? '(unset)'}`,
      );
      const grows = compareQuantities(oldSize, newSize);
      const claims = `${name}-${t.name}-<ordinal>`;
      if (grows === -1)
        notes.push(
          `first grow every existing claim (the StorageClass must allow expansion): ${kubectlIn(t, `patch pvc ${claims} -p '{"spec":{"resources":{"requests":{"storage":"${newSize}"}}}}'`)}`,
        );
      else if (grows === 1)
        notes.push(
          `claims never shrink: the existing ${claims} claims keep ${oldSize} (only new replicas get ${newSize}); a real shrink is new claims and a copy of the data`,
        );
      else notes.push(`the existing ${claims} claims keep their size (only new replicas get the new one)`);
    }
    // Everything else that changed: existing claims keep it.
    const what = changedKeys(old, tmpl).filter((k) => k !== 'spec.resources.requests.storage');
    if (what.length) {
      fields.push(`spec.volumeClaimTemplates[${name}] ${what.join(', ')}`);
      notes.push(
        `existing claims keep their old ${what.join(', ')}: only claims of new replicas get the new template`,
      );
    }
  }
  for (const name of before.keys())
    if (!after.has(name)) {
      fields.push(`spec.volumeClaimTemplates[${name}] removed`);
      notes.push(`the ${name} claims stay (delete them by hand once unused)`);
    }
}

function storage(o: Obj): string | undefined {
  const r = spec(o).resources;
  const requests = isObj(r) && isObj(r.requests) ? r.requests : {};
  const s = requests.storage;
  return s === undefined ? undefined : String(s);
}

/** -1 when `a < b`, 0 when equal, 1 when larger; undefined when either is not a quantity. */
function compareQuantities(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  try {
    return Math.sign(parseQuantity(a, 'a') - parseQuantity(b, 'b'));
  } catch {
    return undefined;
  }
}

/** The leaf paths (dotted, list indices dropped) whose values differ between two objects. */
function changedKeys(a: unknown, b: unknown, path = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedKeys(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [path];
}

/** A workload whose only immutable field is its selector. */
function selectorRule(cleanup: (t: Target, oldSelector: string) => string): Rule {
  return (before, after, t) => {
    const from = spec(before).selector;
    const to = spec(after).selector;
    if (canonical(from) === canonical(to)) return undefined;
    return {
      fields: [`spec.selector ${display(from)} → ${display(to)}`],
      breaks: REJECTED,
      action: `${kubectl(t, 'delete', ' --cascade=orphan')} before the sync (its pods keep serving); ${cleanup(t, selectorString(from))}`,
    };
  };
}

const JOB_IMMUTABLE = [
  'selector',
  'template',
  'completions',
  'completionMode',
  'podFailurePolicy',
  'backoffLimitPerIndex',
  'managedBy',
  'successPolicy',
];

const job: Rule = (before, after, t) => {
  const was = spec(before);
  const now = spec(after);
  const fields = JOB_IMMUTABLE.filter((k) => canonical(was[k]) !== canonical(now[k])).map((k) =>
    k === 'template'
      ? `spec.template (${changedKeys(was[k], now[k]).slice(0, 3).join(', ')})`
      : `spec.${k} ${display(was[k])} → ${display(now[k])}`,
  );
  if (fields.length === 0) return undefined;
  return {
    fields,
    breaks: REJECTED,
    action: `${kubectl(t, 'delete')} before the sync (the sync creates it again, so it runs again)`,
  };
};

/** `None`, an address, or `auto` (unset: the API server allocates one and keeps it). */
function clusterIP(s: Obj): string {
  const ip = s.clusterIP ?? (Array.isArray(s.clusterIPs) ? s.clusterIPs[0] : undefined);
  return ip === undefined || ip === '' ? 'auto' : String(ip);
}

const service: Rule = (before, after, t) => {
  const was = spec(before);
  const now = spec(after);
  if (was.type === 'ExternalName' || now.type === 'ExternalName') return undefined;
  const from = clusterIP(was);
  const to = clusterIP(now);
  if (from === to || (to === 'auto' && from !== 'None')) return undefined;
  const breaks =
    to === 'auto'
      ? 'not applied: an unset clusterIP keeps the one the Service has, so it stays headless while the sync reports success'
      : REJECTED;
  return {
    fields: [
      `spec.clusterIP ${from === 'auto' ? '(allocated)' : from} → ${to === 'auto' ? '(allocated)' : to}`,
    ],
    breaks,
    action: `${kubectl(t, 'delete')} right before the sync, which recreates it (clients see the new address or headless DNS once it is back: a short gap)`,
  };
};

const PVC_MUTABLE = new Set(['resources', 'volumeAttributesClassName', 'volumeName']);

const claim: Rule = (before, after, t) => {
  const was = spec(before);
  const now = spec(after);
  const fields: string[] = [];
  let action = `${kubectl(t, 'delete')} and let the sync recreate it: its data goes with it unless the volume's reclaim policy is Retain (copy it first)`;
  const oldSize = storage(before);
  const newSize = storage(after);
  if (compareQuantities(oldSize, newSize) === 1) {
    fields.push(`spec.resources.requests.storage ${oldSize} → ${newSize}`);
    action = `keep ${oldSize} (a claim never shrinks), or create a new claim and copy the data`;
  }
  const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter((k) => !PVC_MUTABLE.has(k));
  for (const key of keys.sort()) {
    const from = key === 'volumeMode' ? (was[key] ?? 'Filesystem') : was[key];
    const to = key === 'volumeMode' ? (now[key] ?? 'Filesystem') : now[key];
    if (canonical(from) !== canonical(to)) fields.push(`spec.${key} ${display(from)} → ${display(to)}`);
  }
  if (fields.length === 0) return undefined;
  return { fields, breaks: REJECTED, action };
};

const binding: Rule = (before, after, t) => {
  if (canonical(before.roleRef) === canonical(after.roleRef)) return undefined;
  return {
    fields: [`roleRef ${display(before.roleRef)} → ${display(after.roleRef)}`],
    breaks: REJECTED,
    action: `${kubectl(t, 'delete')} right before the sync, which recreates it (its subjects lack the role in between)`,
  };
};

const immutableData: Rule = (before, after, t) => {
  if (before.immutable !== true) return undefined;
  const fields = ['data', 'binaryData', 'stringData', 'immutable']
    .filter((k) => canonical(before[k]) !== canonical(after[k]))
    .map((k) =>
      k === 'immutable'
        ? `immutable true → ${display(after[k])}`
        : `${k} (${changedKeys(before[k], after[k]).join(', ')})`,
    );
  if (fields.length === 0) return undefined;
  return {
    fields,
    breaks: REJECTED,
    action: `give the changed content a new name (the usual way for immutable ${t.kind}s), or ${kubectl(t, 'delete')} right before the sync`,
  };
};

const RULES: Record<string, Rule> = {
  'apps/StatefulSet': statefulSet,
  'apps/Deployment': selectorRule(
    (t, old) =>
      `once the new pods are ready, delete the old ReplicaSets: ${kubectlIn(t, `delete replicaset -l ${old}`)}`,
  ),
  'apps/ReplicaSet': selectorRule(
    (t, old) => `once the new pods are ready, delete the old ones: ${kubectlIn(t, `delete pod -l ${old}`)}`,
  ),
  'apps/DaemonSet': selectorRule(
    (t, old) =>
      `old and new pods run side by side until you delete the old ones, node by node: ${kubectlIn(t, `delete pod -l ${old} --field-selector spec.nodeName=<node>`)}`,
  ),
  'batch/Job': job,
  'core/Service': service,
  'core/PersistentVolumeClaim': claim,
  'rbac.authorization.k8s.io/RoleBinding': binding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': binding,
  'core/ConfigMap': immutableData,
  'core/Secret': immutableData,
};

/** The plan's one line for an immutable change. */
export function immutableLine(c: ImmutableChange): string {
  return `${c.id}${c.namespace ? ` (${c.namespace})` : ''}: ${c.fields.join(', ')} cannot change in place; ${c.breaks}. Do: ${c.action}`;
}

function spec(o: Obj): Obj {
  return isObj(o.spec) ? o.spec : {};
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** `app=x,component=y` from a label selector's matchLabels (matchExpressions as JSON). */
function selectorString(selector: unknown): string {
  const s = isObj(selector) ? selector : {};
  const labels = isObj(s.matchLabels) ? s.matchLabels : {};
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${String(labels[k])}`);
  return pairs.length ? pairs.join(',') : display(selector);
}

function display(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') return v;
  if (isObj(v) && isObj(v.matchLabels) && Object.keys(v).length === 1) return `{${selectorString(v)}}`;
  return canonical(v);
}

/** JSON with sorted keys and no undefined members, so key order is never a change. */
export function canonical(v: unknown): string {
  return (
    JSON.stringify(v, (_, x) =>
      isObj(x)
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([, y]) => y !== undefined)
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
          )
        : x,
    ) ?? 'undefined'
  );
}
