/**
 * Applying synthesized folders to the test API server (test/helpers/apiserver.ts) the way Argo CD
 * and Flux do: the folder rendered by kustomize, then `kubectl apply --server-side` with one field
 * manager, Namespaces first (Flux applies cluster definitions in a first stage; Argo CD gives them
 * sync-wave -10), a server-side dry run of the rest, then the rest for real.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { TestCluster } from './apiserver';

/**
 * Argo CD's server-side apply field manager (`ArgoCDSSAManager`, common/common.go at v2.14.11):
 * every apply of the output uses it, so the upgrade test updates what the previous apply owns, as
 * a sync does.
 */
export const FIELD_MANAGER = 'argocd-controller';

/** The Pod Security labels a platform team puts on a namespace it hands to an application team. */
export const PLATFORM_NAMESPACE_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; finalizers?: string[] } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** What one `kubectl apply` did: objects applied, objects rejected (with the server's words), warnings. */
export interface ApplyResult {
  readonly applied: readonly string[];
  readonly rejected: readonly { readonly id: string; readonly message: string }[];
  readonly warnings: readonly string[];
  /** stderr lines that are neither a warning nor a rejection of a listed object. */
  readonly other: readonly string[];
}

/** `statefulset.apps/tempo`: how kubectl names an object in its output. */
export function resourceId(m: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = m.apiVersion.includes('/') ? m.apiVersion.slice(0, m.apiVersion.lastIndexOf('/')) : '';
  return `${m.kind.toLowerCase()}${group ? `.${group}` : ''}/${m.metadata.name}`;
}

export function toYaml(objects: readonly Manifest[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => !!m && typeof m === 'object' && typeof m.kind === 'string');
}

/** A folder rendered as Argo CD and Flux render it (`kubectl kustomize`, kustomize v5.6.0). */
export async function render(cluster: TestCluster, dir: string): Promise<Manifest[]> {
  const r = await cluster.kubectl(['kustomize', dir]);
  if (r.code !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseManifests(r.stdout);
}

/** The YAML files of a folder that no kustomization lists (dist/<env>/gitops/), parsed. */
export function readManifests(dir: string): Manifest[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => parseManifests(readFileSync(join(dir, f), 'utf8')));
}

/** Every YAML file of a folder and its subfolders (a whole `dist/<env>/`), parsed. */
export function readFolderManifests(dir: string): Manifest[] {
  return [...readTree(dir)].filter(([p]) => /\.ya?ml$/.test(p)).flatMap(([, text]) => parseManifests(text));
}

/** `kubectl apply --server-side` of `objects` with the GitOps field manager; never throws on rejection. */
export async function apply(
  cluster: TestCluster,
  objects: readonly Manifest[],
  options: { dryRun?: boolean; fieldManager?: string; forceConflicts?: boolean } = {},
): Promise<ApplyResult> {
  if (objects.length === 0) return { applied: [], rejected: [], warnings: [], other: [] };
  const r = await cluster.kubectl(
    [
      'apply',
      '--server-side',
      `--field-manager=${options.fieldManager ?? FIELD_MANAGER}`,
      ...(options.forceConflicts ? ['--force-conflicts'] : []),
      ...(options.dryRun ? ['--dry-run=server'] : []),
      '-f',
      '-',
    ],
    toYaml(objects),
  );
  const applied = new Set(
    r.stdout
      .split('\n')
      .map((l) => /^(\S+) serverside-applied/.exec(l)?.[1])
      .filter((x): x is string => !!x),
  );
  const entries = messages(r.stderr);
  const warnings = entries.filter((l) => l.startsWith('Warning: '));
  const errors = entries.filter((l) => !l.startsWith('Warning: '));
  const ids = objects.map(resourceId);
  const rejected = ids
    .filter((id) => !applied.has(id))
    .map((id) => {
      const slash = id.indexOf('/');
      const name = id.slice(slash + 1);
      const kind = id.slice(0, slash).split('.')[0];
      // `The StatefulSet "x" is invalid: …`, `Error from server (Invalid): StatefulSet.apps "x" is
      // invalid: …`, `Error from server: failed to create typed patch object (ns/x; apps/v1, Kind=…`.
      const mine = errors.filter(
        (l) => (l.includes(`"${name}"`) || l.includes(`/${name}; `)) && l.toLowerCase().includes(kind),
      );
      return { id, message: mine.join('\n') || `not applied (kubectl exited ${r.code})` };
    });
  const explained = new Set(rejected.flatMap((x) => errors.filter((l) => x.message.includes(l))));
  const other = errors.filter((l) => !explained.has(l));
  if (r.code !== 0 && rejected.length === 0 && other.length === 0)
    return { applied: [...applied], rejected, warnings, other: [`kubectl exited ${r.code}`] };
  return { applied: [...applied], rejected, warnings, other };
}

/** Everything wrong with an apply, one line each (empty: every object accepted, no warning). */
export function problems(what: string, r: ApplyResult): string[] {
  return [
    ...r.rejected.map((x) => `${what}: ${x.id} rejected: ${x.message}`),
    ...r.warnings.map((w) => `${what}: ${w}`),
    ...r.other.map((l) => `${what}: ${l}`),
  ];
}

/** Namespaces the objects go into that none of them creates: the platform team's. */
export function platformNamespaces(objects: readonly Manifest[]): Manifest[] {
  const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
  const used = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n));
  return [...used]
    .filter((n) => !created.has(n))
    .sort()
    .map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { ...PLATFORM_NAMESPACE_LABELS } },
    }));
}

/**
 * One folder's objects applied as a sync applies them: the platform's namespaces (as the platform
 * team, who owns them), the folder's Namespaces, a server-side dry run of the rest, then the rest.
 * Returns every problem (rejections, warnings), each prefixed with `label`.
 */
export async function sync(
  cluster: TestCluster,
  label: string,
  objects: readonly Manifest[],
): Promise<string[]> {
  const platform = await apply(cluster, platformNamespaces(objects), {
    fieldManager: 'platform-team',
    forceConflicts: true,
  });
  const out = problems(`${label} (platform namespaces)`, platform);
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const rest = objects.filter((o) => o.kind !== 'Namespace');
  out.push(...problems(`${label} (Namespaces)`, await apply(cluster, namespaces)));
  out.push(...problems(`${label} (dry run)`, await apply(cluster, rest, { dryRun: true })));
  out.push(...problems(label, await apply(cluster, rest)));
  return out;
}

/**
 * Deletes the objects again (not the Namespaces: without the namespace controller a deleted
 * namespace stays Terminating for good), finalizers removed (no controller will run them).
 */
export async function remove(cluster: TestCluster, objects: readonly Manifest[]): Promise<void> {
  const doomed = objects.filter((o) => o.kind !== 'Namespace');
  if (doomed.length === 0) return;
  const r = await cluster.kubectl(
    ['delete', '--ignore-not-found', '--wait=false', '-f', '-'],
    toYaml(doomed),
  );
  // A kind the server does not serve (an old base commit's) was never created: nothing to delete.
  const failures = messages(r.stderr).filter(
    (l) => !/no matches for kind|resource mapping not found/.test(l),
  );
  if (r.code !== 0 && failures.length > 0) throw new Error(`kubectl delete failed: ${failures.join('\n')}`);
  for (const o of doomed.filter((x) => x.metadata.finalizers?.length)) {
    const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
    await cluster.kubectl([
      'patch',
      resourceId(o),
      ...ns,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
  }
}

/** Every file under `dir`, by path relative to it (a `DistTree` of the work tree). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** Writes a tree (relative path -> text) into a new temporary folder; returns it. */
export function writeTree(tree: ReadonlyMap<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-base-'));
  for (const [path, text] of tree) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What an upgrade did on the server, against what the plan said. */
export interface UpgradeOutcome {
  /** Rejections, warnings and plan disagreements: empty when the upgrade is as planned. */
  readonly problems: string[];
  /** Objects the plan flagged and the server rejected, recreated as the plan says (delete, apply). */
  readonly recreated: string[];
}

/**
 * Applies `before` then `after` (each as `sync` does) and holds the server's verdict against the
 * plan's immutable changes (`planned`: `Kind/name` of each, with whether the plan expects a
 * rejection): an unplanned rejection, a planned rejection the server accepts, a warning or any
 * other error is a problem. Each planned rejection is then done as the plan says (the object
 * deleted, orphaning what it owns, and applied again), which must succeed. `before`'s own
 * rejections and warnings are not this change's problems and are ignored.
 */
export async function upgrade(
  cluster: TestCluster,
  label: string,
  before: readonly Manifest[],
  after: readonly Manifest[],
  planned: ReadonlyMap<string, 'rejected' | 'ignored'>,
): Promise<UpgradeOutcome> {
  await sync(cluster, `${label} (base)`, before);
  const out: string[] = [];
  const byPlanId = new Map(after.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  const expected = new Map(
    [...planned]
      .filter(([, v]) => v === 'rejected')
      .flatMap(([id]) => (byPlanId.has(id) ? [[resourceId(byPlanId.get(id)!), id]] : [])),
  );
  out.push(
    ...problems(
      `${label} (platform namespaces)`,
      await apply(cluster, platformNamespaces(after), {
        fieldManager: 'platform-team',
        forceConflicts: true,
      }),
    ),
  );
  const namespaces = after.filter((o) => o.kind === 'Namespace');
  const rest = after.filter((o) => o.kind !== 'Namespace');
  out.push(...problems(`${label} (Namespaces)`, await apply(cluster, namespaces)));
  const rejectedIds = new Set<string>();
  for (const [what, r] of [
    [`${label} (dry run)`, await apply(cluster, rest, { dryRun: true })],
    [label, await apply(cluster, rest)],
  ] as const) {
    for (const x of r.rejected) {
      rejectedIds.add(x.id);
      if (!expected.has(x.id))
        out.push(`${what}: ${x.id} rejected, and the plan did not flag it: ${x.message}`);
    }
    out.push(...r.warnings.map((w) => `${what}: ${w}`), ...r.other.map((l) => `${what}: ${l}`));
  }
  for (const [id, planId] of expected)
    if (!rejectedIds.has(id))
      out.push(`${label}: the plan flags ${planId} as immutable, but the API server accepted the change`);
  const recreated: string[] = [];
  for (const id of expected.keys()) {
    if (!rejectedIds.has(id)) continue;
    const o = rest.find((x) => resourceId(x) === id)!;
    const ns = o.metadata.namespace ? ['-n', o.metadata.namespace] : [];
    // --cascade=orphan puts the `orphan` finalizer on it, which the garbage collector removes once
    // it has released the dependents; no controller runs here (and nothing depends on it), so the
    // test removes the finalizer as the collector would.
    const del = await cluster.kubectl(['delete', id, ...ns, '--cascade=orphan', '--wait=false']);
    if (del.code !== 0) out.push(`${label}: kubectl delete ${id} --cascade=orphan failed: ${del.stderr}`);
    await cluster.kubectl(['patch', id, ...ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    out.push(...problems(`${label} (recreated ${id})`, await apply(cluster, [o])));
    recreated.push(id);
  }
  return { problems: out, recreated };
}

/** kubectl's stderr as messages: a warning or an error with its continuation lines (diffs). */
function messages(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line.trim() === '') continue;
    if (out.length === 0 || /^(Warning: |Error from server|The [A-Za-z.]+ "|error: )/.test(line))
      out.push(line);
    else out[out.length - 1] += `\n${line}`;
  }
  return out;
}

/** The objects' identities on the server (`ns/Kind/name`, `Kind/name` when cluster-scoped), Namespaces aside. */
export function objectKeys(objects: readonly Manifest[]): string[] {
  return objects
    .filter((o) => o.kind !== 'Namespace')
    .map((o) => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.kind}/${o.metadata.name}`);
}

/**
 * Runs tasks at most `width` at a time, never two whose keys overlap at once (two folders that
 * write the same object are applied one after the other): on two cores, kubectl, the API server
 * and etcd wait on each other, and three folders in flight keep both cores busy.
 */
export async function runExclusive<T>(
  tasks: readonly { keys: readonly string[]; run: () => Promise<T> }[],
  width = 3,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const held = new Set<string>();
  const waiting = [...tasks.keys()];
  let running = 0;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (waiting.length === 0 && running === 0) return resolve(results);
      for (let i = 0; i < waiting.length && running < width;) {
        const index = waiting[i];
        const { keys, run } = tasks[index];
        if (keys.some((k) => held.has(k))) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        running++;
        keys.forEach((k) => held.add(k));
        run().then((r) => {
          results[index] = r;
          keys.forEach((k) => held.delete(k));
          running--;
          next();
        }, reject);
      }
    };
    next();
  });
}
