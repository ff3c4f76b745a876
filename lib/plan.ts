import { parse } from 'yaml';
import { canonical, ImmutableChange, immutableChange, immutableLine } from './plan-immutable';

/**
 * The review plan: what a change does to the cluster, computed from two `dist/` trees (the base
 * branch's and the freshly synthesized one). Pure: two maps in, plan lines out; reading git and
 * printing live in the CLI.
 */

/** A `dist/` tree: path relative to `dist/` (`<env>/<chart>/<file>.yaml`, `<env>/SUMMARY.md`) -> text. */
export type DistTree = ReadonlyMap<string, string>;

/** Sections of an environment's plan, in the order they are printed. */
export const PLAN_SECTIONS = [
  'downgrade',
  'immutable',
  'images',
  'replicas',
  'resources',
  'sampling',
  'retention',
  'tenants',
  'alerts',
  'capacity',
  'objects',
] as const;
export type PlanSection = (typeof PLAN_SECTIONS)[number];

export interface PlanLine {
  readonly section: PlanSection;
  readonly text: string;
}

export interface EnvironmentPlan {
  readonly env: string;
  /** `added`/`removed`: the whole environment folder is new or gone. */
  readonly status: 'added' | 'removed' | 'changed';
  readonly counts: { readonly added: number; readonly removed: number; readonly changed: number };
  /** Sorted by section (PLAN_SECTIONS order), then as computed. */
  readonly lines: readonly PlanLine[];
  /** Changes the API server cannot apply in place (lib/plan-immutable.ts); also `immutable` lines. */
  readonly immutable: readonly ImmutableChange[];
  /**
   * What the plan refuses (a Tempo downgrade without `allowTempoDowngrade`): `npm run plan` prints
   * each as an `error: <env>.<property>: …` line and exits 3 (EXIT_REFUSED, lib/cli.ts).
   */
  readonly refusals: readonly PlanRefusal[];
}

/** A refused change, in the shape of a synth error: `<env>.<property>: <reason>`. */
export interface PlanRefusal {
  readonly property: string;
  readonly reason: string;
}

export interface PlanOptions {
  /**
   * Environments whose `allowTempoDowngrade` is set: a move to an older Tempo major version is
   * listed (as accepted) instead of refused.
   * @default - none
   */
  readonly allowTempoDowngrade?: (env: string) => boolean;
}

/** At most this many changes are spelled out on one line; the rest are counted. */
const MAX_CHANGES_PER_LINE = 4;

/** Every environment whose files differ between `before` and `after`, by name. */
export function planDist(before: DistTree, after: DistTree, options: PlanOptions = {}): EnvironmentPlan[] {
  const envs = new Set([...before.keys(), ...after.keys()].map((p) => p.split('/')[0]));
  const plans: EnvironmentPlan[] = [];
  for (const env of [...envs].sort()) {
    const allowDowngrade = options.allowTempoDowngrade?.(env) ?? false;
    const plan = planEnvironment(env, subtree(before, env), subtree(after, env), allowDowngrade);
    if (plan) plans.push(plan);
  }
  return plans;
}

function subtree(tree: DistTree, env: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, text] of tree) if (path.startsWith(`${env}/`)) out.set(path.slice(env.length + 1), text);
  return out;
}

/** What the plan reads of a parsed file (anything else is compared leaf by leaf). */
interface ParsedObject {
  readonly kind?: unknown;
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly labels?: Record<string, string>;
  };
  readonly spec?: {
    readonly groups?: readonly {
      readonly name?: string;
      readonly rules?: readonly {
        readonly alert?: unknown;
        readonly labels?: { readonly severity?: string };
      }[];
    }[];
  };
}

/** One Kubernetes object of a tree: its `Kind/name` and its leaves by path. */
interface Obj {
  readonly id: string;
  readonly kind: string;
  readonly component?: string;
  readonly value: ParsedObject | undefined;
  readonly leaves: Map<string, unknown>;
}

function planEnvironment(
  env: string,
  before: Map<string, string>,
  after: Map<string, string>,
  allowDowngrade: boolean,
): EnvironmentPlan | undefined {
  const status = before.size === 0 ? 'added' : after.size === 0 ? 'removed' : 'changed';
  const was = objects(before);
  const now = objects(after);
  const lines: PlanLine[] = [];
  const push = (section: PlanSection, text: string) => lines.push({ section, text });

  const added = [...now.keys()].filter((id) => !was.has(id));
  const removed = [...was.keys()].filter((id) => !now.has(id));
  const changed = [...now.keys()].filter(
    (id) => was.has(id) && !sameLeaves(was.get(id)!.leaves, now.get(id)!.leaves),
  );
  if (
    added.length + removed.length + changed.length === 0 &&
    before.get('SUMMARY.md') === after.get('SUMMARY.md')
  )
    return undefined;

  // Tempo moved to an older major version: refused unless the environment allows it.
  const refusals: PlanRefusal[] = [];
  const downgrade = tempoDowngrade(was, now);
  if (downgrade) {
    const what = `Tempo ${downgrade.from} → ${downgrade.to} is a downgrade to an older major version, and Tempo has no downgrade path (docs/tempo.md)`;
    if (allowDowngrade)
      push(
        'downgrade',
        `${what}: accepted (allowTempoDowngrade); traces not yet in the backend are lost, the new version starts from the bucket alone`,
      );
    else {
      refusals.push({
        property: 'tempo.version',
        reason: `${what}: traces not yet in the backend are lost; keep the newer version, migrate back with a parallel deployment (examples/migration.ts), or set allowTempoDowngrade: true in the environment to accept it`,
      });
      push('downgrade', `refused: ${what} (set allowTempoDowngrade: true in the environment to accept it)`);
    }
  }

  // Fields the API server refuses to change in place: the sync fails on them.
  const immutable = changed
    .map((id) => immutableChange(was.get(id)!.value, now.get(id)!.value))
    .filter((c): c is ImmutableChange => c !== undefined);
  for (const c of immutable) push('immutable', immutableLine(c));

  const capacityBefore = capacityPlan(before.get('SUMMARY.md'));
  const capacityAfter = capacityPlan(after.get('SUMMARY.md'));
  const usedCapacity = new Set<string>();
  /** The capacity-plan line behind an object's change, when that line changed too. */
  const cause = (obj: Obj): string => {
    if (!obj.component) return '';
    for (const [label, line] of capacityAfter) {
      if (
        (label === obj.component ||
          label.endsWith(` ${obj.component}`) ||
          // Read-path lines: `querier memory`, `cache pool 0 (…)`.
          label.startsWith(`${obj.component} `)) &&
        capacityBefore.get(label) !== line
      ) {
        usedCapacity.add(label);
        return ` (capacity plan: ${line})`;
      }
    }
    return '';
  };

  // Images: changed in place (same object and path), or new to / gone from the environment.
  const imageChanges = new Map<string, string[]>();
  for (const id of changed) {
    for (const [path, from, to] of differences(was.get(id)!.leaves, now.get(id)!.leaves)) {
      if (!isImagePath(path) || typeof from !== 'string' || typeof to !== 'string') continue;
      const [repo, oldTag] = splitImage(from);
      const [newRepo, newTag] = splitImage(to);
      const key = repo === newRepo ? `${repo} ${oldTag} → ${newTag}` : `${from} → ${to}`;
      addTo(imageChanges, key, id);
    }
  }
  const changedRefs = new Set([...imageChanges.keys()].flatMap((k) => imageRefsOfChange(k)));
  for (const [key, ids] of imageChanges) push('images', `${key} (${list(ids)})`);
  const refsBefore = imageRefs(was);
  const refsAfter = imageRefs(now);
  for (const [ref, ids] of refsAfter)
    if (!refsBefore.has(ref) && !changedRefs.has(ref)) push('images', `+ ${ref} (${list(ids)})`);
  for (const [ref, ids] of refsBefore)
    if (!refsAfter.has(ref) && !changedRefs.has(ref)) push('images', `- ${ref} (${list(ids)})`);

  // Per-object sections of objects that exist on both sides.
  for (const id of changed) {
    const diff = differences(was.get(id)!.leaves, now.get(id)!.leaves);
    const obj = now.get(id)!;
    for (const section of ['replicas', 'resources', 'sampling', 'retention', 'tenants'] as const) {
      const mine = diff.filter(([path]) => sectionOf(path) === section);
      if (mine.length === 0) continue;
      const causedBy = section === 'replicas' || section === 'resources' ? cause(obj) : '';
      push(
        section,
        `${id} ${summarize(mine.map(([path, from, to]) => `${displayPath(path)} ${show(from)} → ${show(to)}`))}${causedBy}`,
      );
    }
  }

  // Alerts, across every PrometheusRule of the environment.
  const alertsBefore = alerts(was);
  const alertsAfter = alerts(now);
  for (const [name, rule] of alertsAfter) {
    const old = alertsBefore.get(name);
    if (old === undefined) push('alerts', `+ ${name}`);
    else if (old !== rule) push('alerts', `~ ${name}`);
  }
  for (const name of alertsBefore.keys()) if (!alertsAfter.has(name)) push('alerts', `- ${name}`);

  // Capacity-plan lines that changed and did not already explain a replica or resource change.
  for (const [label, line] of capacityAfter) {
    const old = capacityBefore.get(label);
    if (old === line || usedCapacity.has(label)) continue;
    push('capacity', old === undefined ? `+ ${line}` : `${line} (was: ${old})`);
  }
  for (const [label, line] of capacityBefore) if (!capacityAfter.has(label)) push('capacity', `- ${line}`);

  for (const id of added) push('objects', `+ ${id}`);
  for (const id of removed) push('objects', `- ${id}`);
  for (const line of kindSwaps(added, removed)) push('objects', line);
  for (const id of changed)
    push(
      'objects',
      `~ ${id} (${summarize(unique(differences(was.get(id)!.leaves, now.get(id)!.leaves).map(([path]) => categoryOf(path))))})`,
    );

  lines.sort((a, b) => PLAN_SECTIONS.indexOf(a.section) - PLAN_SECTIONS.indexOf(b.section));
  return {
    env,
    status,
    counts: { added: added.length, removed: removed.length, changed: changed.length },
    lines,
    immutable,
    refusals,
  };
}

/**
 * The Tempo versions of a tree's workloads (objects labelled `app.kubernetes.io/name: tempo` with
 * a pod template), from their `app.kubernetes.io/version` label, newest first.
 */
function tempoVersions(objs: Map<string, Obj>): number[][] {
  const out = new Map<string, number[]>();
  for (const obj of objs.values()) {
    const labels = obj.value?.metadata?.labels;
    const version = labels?.['app.kubernetes.io/version'];
    if (labels?.['app.kubernetes.io/name'] !== 'tempo' || typeof version !== 'string') continue;
    if (![...obj.leaves.keys()].some((p) => p.startsWith('spec.template.'))) continue;
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
    if (m) out.set(version, [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]);
  }
  return [...out.values()].sort((a, b) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2]);
}

/** `{ from, to }` when the newest Tempo of `after` is of an older major version than that of `before`. */
function tempoDowngrade(
  before: Map<string, Obj>,
  after: Map<string, Obj>,
): { from: string; to: string } | undefined {
  const [was] = tempoVersions(before);
  const [now] = tempoVersions(after);
  if (!was || !now || now[0] >= was[0]) return undefined;
  return { from: was.join('.'), to: now.join('.') };
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/**
 * A workload that changes kind under the same name (the collector gateway's Deployment becoming a
 * StatefulSet): the sync creates the new one and prunes the old, both running meanwhile; without
 * pruning both keep running.
 */
function kindSwaps(added: string[], removed: string[]): string[] {
  const workload = (id: string) => {
    const [kind, name] = id.split('/');
    return WORKLOAD_KINDS.includes(kind) ? { kind, name } : undefined;
  };
  return removed.flatMap((id) => {
    const old = workload(id);
    const now = old && added.map(workload).find((w) => w?.name === old.name);
    return now
      ? [
          `${id} → ${now.kind}/${now.name}: the sync creates the ${now.kind} and prunes the ${old.kind} (Argo CD and Flux prune by default); without pruning, delete the ${old.kind} by hand, or both keep running`,
        ]
      : [];
  });
}

/** The objects of one environment's files by `Kind/name`, sorted; the kustomization and SUMMARY.md are not objects. */
function objects(files: Map<string, string>): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const path of [...files.keys()].sort()) {
    if (!/\.ya?ml$/.test(path) || path === 'kustomization.yaml') continue;
    let value: ParsedObject | undefined;
    try {
      value = parse(files.get(path)!);
    } catch {
      value = undefined;
    }
    const kind = typeof value?.kind === 'string' ? value.kind : '';
    const name = typeof value?.metadata?.name === 'string' ? value.metadata.name : '';
    const id = kind && name ? `${kind}/${name}` : path;
    const leaves = new Map<string, unknown>();
    if (kind && name) flatten(value, '', leaves, kind === 'ConfigMap');
    else leaves.set('', files.get(path));
    out.set(id, {
      id,
      kind,
      value,
      leaves,
      component: value?.metadata?.labels?.['app.kubernetes.io/component'],
    });
  }
  return out;
}

/**
 * Leaves of a parsed object by path (`spec.template.spec.containers[tempo].image`): list items
 * that all have distinct names are keyed by name, so reordering is not a change. ConfigMap data
 * that parses as a YAML/JSON mapping is flattened too, as `data["tempo.yaml"] compactor.…`.
 */
function flatten(value: unknown, path: string, out: Map<string, unknown>, configMap = false): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, '[]');
    const names = value.map((v) => (isRecord(v) && typeof v.name === 'string' ? v.name : undefined));
    const byName = names.every((n) => n !== undefined) && new Set(names).size === names.length;
    value.forEach((v, i) => flatten(v, `${path}[${byName ? names[i] : i}]`, out));
  } else if (isRecord(value)) {
    if (Object.keys(value).length === 0) out.set(path, '{}');
    for (const [key, v] of Object.entries(value)) {
      const child =
        path === '' || path.endsWith(' ')
          ? `${path}${quoteKey(key, true)}`
          : `${path}${quoteKey(key, false)}`;
      if (configMap && path === '' && key === 'data' && isRecord(v)) {
        for (const [file, text] of Object.entries(v)) {
          const doc = typeof text === 'string' ? tryParse(text) : undefined;
          if (isRecord(doc)) flatten(doc, `data[${JSON.stringify(file)}] `, out);
          else out.set(`data[${JSON.stringify(file)}]`, text);
        }
      } else flatten(v, child, out);
    }
  } else out.set(path, value);
}

function quoteKey(key: string, first: boolean): string {
  if (/^[A-Za-z_][\w-]*$/.test(key)) return first ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

function tryParse(text: string): unknown {
  try {
    // Dashboards are JSON: JSON.parse is much faster than the YAML parser on them.
    return /^\s*[[{]/.test(text) && /[\]}]\s*$/.test(text) ? JSON.parse(text) : parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameLeaves(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  return differences(a, b).length === 0;
}

/** `[path, before, after]` for every leaf that differs, in `after`'s order then removed leaves. */
function differences(a: Map<string, unknown>, b: Map<string, unknown>): [string, unknown, unknown][] {
  const out: [string, unknown, unknown][] = [];
  for (const [path, v] of b) if (!a.has(path) || a.get(path) !== v) out.push([path, a.get(path), v]);
  for (const [path, v] of a) if (!b.has(path)) out.push([path, v, undefined]);
  // An empty `{}`/`[]` that gained (or lost) children is not a change of its own.
  const emptied = (path: string, v: unknown) =>
    (v === '{}' || v === '[]') &&
    out.some(([p]) => p !== path && (p.startsWith(`${path}.`) || p.startsWith(`${path}[`)));
  return out.filter(
    ([path, from, to]) =>
      !((from === undefined && emptied(path, to)) || (to === undefined && emptied(path, from))),
  );
}

/** `path` without the `data["file"] ` prefix shown as `file:` */
function displayPath(path: string): string {
  const m = /^data\[("(?:[^"\\]|\\.)*")\] (.*)$/.exec(path);
  if (m) return `${JSON.parse(m[1])}: ${m[2]}`;
  const c = /containers\[([^\]]+)\]\.(.*)$/.exec(path);
  if (c) return `${c[1]} ${c[2].replace(/^resources\./, '')}`;
  const v = /volumeClaimTemplates\[([^\]]+)\]\.spec\.resources\.(.*)$/.exec(path);
  if (v) return `volume ${v[1]} ${v[2]}`;
  return path.replace(/^spec\./, '');
}

/**
 * The plan section of a changed leaf, from its keys (not from list-item names: a rule group named
 * `sampling` is not a sampling setting).
 */
function sectionOf(path: string): PlanSection | undefined {
  if (/(^|\.)spec\.(replicas|minReplicas|maxReplicas)$/.test(path)) return 'replicas';
  if (/\.resources\.(requests|limits)\./.test(path)) return 'resources';
  if (/^data\["overrides\.yaml"\] overrides(\.|\[|$)/.test(path)) return 'tenants';
  const keys = path.replace(/^data\[("(?:[^"\\]|\\.)*")\] /, '').replace(/\[[^\]]*\]/g, '');
  if (/sampl/i.test(keys)) return 'sampling';
  if (/retention/i.test(keys)) return 'retention';
  if (/tenan|X-Scope-OrgID/i.test(keys)) return 'tenants';
  return undefined;
}

/** A short name for what changed in an object, for the `~ Kind/name (…)` line. */
function categoryOf(path: string): string {
  if (isImagePath(path)) return 'image';
  const section = sectionOf(path);
  if (section) return section;
  if (/checksum/.test(path)) return 'config checksum';
  if (/(^|\.)metadata\.labels\b/.test(path)) return 'labels';
  if (/(^|\.)metadata\.annotations\b/.test(path)) return 'annotations';
  const data = /^data\[("(?:[^"\\]|\\.)*")\](?: (.*))?$/.exec(path);
  if (data)
    return [JSON.parse(data[1]), ...(data[2] ? [segments(data[2]).slice(0, 2).join('.')] : [])].join(' ');
  const container = /containers\[([^\]]+)\]\.([A-Za-z_]+)/.exec(path);
  if (container) return `${container[1]} ${container[2]}`;
  const [first, second] = segments(path);
  if (second === undefined) return first;
  return /^\d+$/.test(second) ? `${first}[${second}]` : `${first}.${second}`;
}

/** The keys of a leaf path: `a.b["c/d"][0]` -> `a`, `b`, `c/d`, `0`. */
function segments(path: string): string[] {
  return [...path.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[([^\]]*)\]|([^.[\]]+)/g)].map((m) =>
    m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3]),
  );
}

function isImagePath(path: string): boolean {
  return /(^|\.)image$/.test(path);
}

/** `[repository, tag or digest]` of an image reference. */
function splitImage(ref: string): [string, string] {
  const at = ref.indexOf('@');
  if (at >= 0) return [ref.slice(0, at), ref.slice(at + 1)];
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

function imageRefsOfChange(key: string): string[] {
  const m = /^(\S+) (\S+) → (\S+)$/.exec(key);
  if (m) return [`${m[1]}:${m[2]}`, `${m[1]}:${m[3]}`, `${m[1]}@${m[2]}`, `${m[1]}@${m[3]}`];
  return key.split(' → ');
}

/** Image reference -> objects using it. */
function imageRefs(objs: Map<string, Obj>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const obj of objs.values()) {
    for (const [path, v] of obj.leaves)
      if (isImagePath(path) && typeof v === 'string' && !(out.get(v) ?? []).includes(obj.id))
        addTo(out, v, obj.id);
  }
  return out;
}

/** Alerting rules by `name (severity)` -> their canonical JSON, so an edited rule shows as changed. */
function alerts(objs: Map<string, Obj>): Map<string, string> {
  const out = new Map<string, string>();
  for (const obj of objs.values()) {
    if (obj.kind !== 'PrometheusRule') continue;
    for (const group of obj.value?.spec?.groups ?? []) {
      for (const rule of group?.rules ?? []) {
        if (typeof rule?.alert !== 'string') continue;
        const severity = rule.labels?.severity;
        let name = severity ? `${rule.alert} (${severity})` : rule.alert;
        if (out.has(name)) name = `${name} in ${group.name}`;
        out.set(name, canonical(rule));
      }
    }
  }
  return out;
}

/**
 * The `## Capacity plan` bullets of a SUMMARY.md by label (the text before the first `: `, or the
 * first two words): `querier` -> `querier: 9 (1 per 1.5 MB/s, at least 2)`.
 */
function capacityPlan(summary: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const section = summary?.split(/^## Capacity plan$/m)[1]?.split(/^## /m)[0] ?? '';
  for (const m of section.matchAll(/^- (.+)$/gm)) {
    const line = m[1].trim();
    const colon = line.indexOf(': ');
    out.set(colon > 0 ? line.slice(0, colon) : line.split(' ').slice(0, 2).join(' '), line);
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

function summarize(items: string[]): string {
  if (items.length <= MAX_CHANGES_PER_LINE) return items.join(', ');
  return `${items.slice(0, MAX_CHANGES_PER_LINE).join(', ')} and ${items.length - MAX_CHANGES_PER_LINE} more`;
}

function list(ids: string[]): string {
  return summarize([...ids].sort());
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

function addTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const SECTION_TITLES: Record<PlanSection, string> = {
  downgrade: 'Downgrade',
  immutable: 'Immutable fields (the sync fails until you act)',
  images: 'Images',
  replicas: 'Replicas',
  resources: 'Resources',
  sampling: 'Sampling',
  retention: 'Retention',
  tenants: 'Tenants',
  alerts: 'Alerts',
  capacity: 'Capacity plan',
  objects: 'Objects',
};

function heading(plan: EnvironmentPlan): string {
  const { added, removed, changed } = plan.counts;
  const what = plan.status === 'changed' ? 'changed' : `${plan.status} environment`;
  return `${plan.env} (${what}: ${added} added, ${removed} removed, ${changed} changed)`;
}

/** The plan as plain text, one line per change, indented under its environment. */
export function formatPlanText(plans: readonly EnvironmentPlan[], base: string): string[] {
  if (plans.length === 0) return [`No changes against ${base}.`];
  const out = [`Plan against ${base}:`];
  const width = Math.max(...PLAN_SECTIONS.map((s) => s.length));
  for (const plan of plans) {
    out.push(heading(plan));
    for (const line of plan.lines) out.push(`  ${line.section.padEnd(width)}  ${line.text}`);
  }
  return out;
}

/** Sections with more lines than this are folded in a `<details>` block in the markdown plan. */
const MARKDOWN_FOLD = 12;

/** The plan as GitHub/GitLab markdown, for the pull-request comment and the job summary. */
export function formatPlanMarkdown(plans: readonly EnvironmentPlan[], base: string): string {
  const out = [`## tracesynth plan`, '', `Against \`${base}\`.`, ''];
  if (plans.length === 0)
    out.push('No changes: every environment synthesizes to the same YAML as the base.', '');
  for (const plan of plans) {
    out.push(`### ${heading(plan).replace(/^(\S+)/, '`$1`')}`, '');
    for (const section of PLAN_SECTIONS) {
      const lines = plan.lines.filter((l) => l.section === section).map((l) => markdownLine(l.text));
      if (lines.length === 0) continue;
      if (lines.length > MARKDOWN_FOLD)
        out.push(
          `<details><summary>${SECTION_TITLES[section]} (${lines.length})</summary>`,
          '',
          ...lines,
          '',
          '</details>',
          '',
        );
      else out.push(`**${SECTION_TITLES[section]}**`, '', ...lines, '');
    }
  }
  return out.join('\n');
}

/** `+ x`/`- x`/`~ x` would start a nested list in markdown: spelled out instead. */
const MARKDOWN_MARKERS: Record<string, string> = { '+': 'added', '-': 'removed', '~': 'changed' };

function markdownLine(text: string): string {
  const marker = /^([+~-]) /.exec(text);
  return marker
    ? `- **${MARKDOWN_MARKERS[marker[1]]}** ${escapeMarkdown(text.slice(2))}`
    : `- ${escapeMarkdown(text)}`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[<>&|*`[\]\\]/g, (c) => `\\${c}`);
}
