// Every synthesized folder on a real Kubernetes API server (test/helpers/apiserver.ts): applied as
// Argo CD and Flux apply it, the upgrade from the base commit, and the proof that the plan's
// immutable-field rules are the API server's. One API server for the whole file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { EXAMPLES } from '../examples';
import { DEV, renderStack } from './fixtures/stacks';
import { readmeExample } from './helpers/readme-example';
import { defaultBase, describeRef, readTreeAt } from '../lib/git';
import { DistTree, planDist } from '../lib/plan';
import { hasApiServer, TestCluster } from './helpers/apiserver';
import { crdFiles } from './helpers/apiserver-crds';
import {
  apply,
  Manifest,
  objectKeys,
  parseManifests,
  problems,
  readManifests,
  readTree,
  remove,
  removeTree,
  render,
  resourceId,
  runExclusive,
  sync,
  upgrade,
  writeTree,
} from './helpers/cluster-apply';
import { EXPANDABLE_CLASS, IMMUTABLE_CASES, PROOF_NAMESPACE } from './helpers/immutable-cases';
import { pool } from './helpers/pool';

const ROOT = join(__dirname, '..');

/** The synthesized folders: `dist/<env>` and `examples/dist/<name>`, whatever they are today. */
const TREES = [
  { dir: 'dist', definitions: ENVIRONMENTS },
  { dir: 'examples/dist', definitions: EXAMPLES },
] as const;
const FOLDERS = TREES.flatMap(({ dir }) =>
  readdirSync(join(ROOT, dir))
    .filter((name) => existsSync(join(ROOT, dir, name, 'kustomization.yaml')))
    .sort()
    .map((name) => `${dir}/${name}`),
);

/** A folder's objects: its kustomization rendered, plus the GitOps bootstrap objects beside it. */
async function folderObjects(cluster: TestCluster, folder: string): Promise<Manifest[]> {
  return [...(await render(cluster, folder)), ...readManifests(join(folder, 'gitops'))];
}

/**
 * The commit the upgrade test starts from: TRACESYNTH_UPGRADE_BASE when set; else the merge base
 * with origin/main or main (a branch: what it will be merged into); when that is HEAD itself (CI
 * on main, or a branch with no commit of its own), the previous commit, HEAD~1 (on main: what main
 * was before this change). Undefined without git history (a shallow clone with one commit).
 */
function upgradeBase(): string | undefined {
  if (process.env.TRACESYNTH_UPGRADE_BASE) return process.env.TRACESYNTH_UPGRADE_BASE;
  const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', 'HEAD').stdout.trim();
  let base: string | undefined;
  try {
    base = defaultBase(ROOT);
  } catch {
    base = undefined;
  }
  if (base && base !== head) return base;
  const previous = git('rev-parse', '--verify', '--quiet', 'HEAD~1^{commit}');
  return previous.status === 0 ? previous.stdout.trim() : undefined;
}

const describeCluster = hasApiServer ? describe : describe.skip;

describeCluster('a real API server (kube-apiserver + etcd)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await TestCluster.start();
    const files = crdFiles();
    const crds = await cluster.kubectl(['apply', '--server-side', ...files.flatMap((f) => ['-f', f])]);
    if (crds.code !== 0 || crds.stderr.trim()) throw new Error(`installing the CRDs failed: ${crds.stderr}`);
    const established = await cluster.kubectl([
      'wait',
      '--for=condition=Established',
      'crd',
      '--all',
      '--timeout=120s',
    ]);
    if (established.code !== 0) throw new Error(`the CRDs were not established: ${established.stderr}`);
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  describe('every synthesized folder is accepted, without a warning', () => {
    const found = new Map<string, string[]>();
    // The committed folders, and the README's "Adding an environment" example as a synth would
    // write it once added (its other environment-level checks: test/environment-variants.test.ts).
    const written: string[] = [];
    const folders: { label: string; dir: () => string }[] = [
      ...FOLDERS.map((f) => ({ label: f, dir: () => join(ROOT, f) })),
      ...[readmeExample()].map((env) => ({
        label: `${env.name} (the README's example)`,
        dir: () => {
          const dir = writeTree(new Map(renderStack(env).files.map((f) => [f.path, f.content])));
          written.push(dir);
          return dir;
        },
      })),
    ];
    afterAll(() => written.forEach(removeTree));

    beforeAll(async () => {
      // Rendered three at a time, applied three at a time (folders that share an object in turn).
      const rendered = await pool(
        folders.map(
          ({ dir }) =>
            () =>
              folderObjects(cluster, dir()),
        ),
      );
      await runExclusive(
        folders.map(({ label }, i) => ({
          keys: objectKeys(rendered[i]),
          run: async () => {
            const objects = rendered[i];
            try {
              found.set(label, objects.length ? await sync(cluster, label, objects) : ['no objects']);
            } finally {
              await remove(cluster, objects);
            }
          },
        })),
      );
    }, 600_000);

    test.each(folders.map((f) => f.label))('%s', (label) => {
      expect(found.get(label)).toEqual([]);
    });
  });

  describe('the checks can fail', () => {
    const ns = 'negative-controls';
    const deployment = (extra: Record<string, unknown>): Manifest => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'control', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'control' } },
        template: {
          metadata: { labels: { app: 'control' } },
          spec: { containers: [{ name: 'app', image: 'registry.example/app:1', ...extra }] },
        },
      },
    });

    test('a pod template that breaks the restricted Pod Security profile is a warning, reported', async () => {
      const objects = [deployment({ securityContext: { privileged: true } })];
      // (In a restricted namespace: warned for the template, and a Pod of it would be refused.)
      const found = await sync(cluster, 'control', objects);
      await remove(cluster, objects);
      expect(found.join('\n')).toMatch(/Warning: would violate PodSecurity "restricted:latest": privileged/);
    });

    test("an unqualified finalizer name is a warning, reported (today's fix: resources-finalizer.argocd.argoproj.io/foreground)", async () => {
      // The dev-like fixture's Application (test/fixtures/stacks.ts), whatever the shipped environments set.
      const [app] = parseManifests(renderStack(DEV).file('gitops/application-tracing-dev.yaml'));
      const old = {
        ...app,
        metadata: { ...app.metadata, finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      };
      const found = await sync(cluster, 'control', [old]);
      await remove(cluster, [old]);
      expect(found.join('\n')).toMatch(/prefer a domain-qualified finalizer name including a path/);
    });

    test('an unknown field is a rejection, reported', async () => {
      const objects = [deployment({ imagePullPolicyy: 'Always' })];
      const found = await sync(cluster, 'control', objects);
      await remove(cluster, objects);
      expect(found.join('\n')).toMatch(
        /deployment\.apps\/control rejected: .*imagePullPolicyy: field not declared in schema/,
      );
    });
  });

  describe('the plan knows what the API server refuses to change in place', () => {
    const befores = IMMUTABLE_CASES.map((c) => c.before);
    const outcome = new Map<string, { rejected?: string; live?: string }>();

    beforeAll(async () => {
      // The platform's namespace and an expandable StorageClass, then every "before" object.
      const setup = await sync(cluster, 'proof', [
        ...befores,
        {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: EXPANDABLE_CLASS },
          provisioner: 'example.com/none',
          allowVolumeExpansion: true,
        },
      ]);
      if (setup.length) throw new Error(setup.join('\n'));
      for (const c of IMMUTABLE_CASES.filter((x) => x.boundCapacity)) {
        const bound = await cluster.kubectl([
          'patch',
          'pvc',
          c.before.metadata.name,
          '-n',
          PROOF_NAMESPACE,
          '--subresource=status',
          '--type=merge',
          '-p',
          JSON.stringify({ status: { phase: 'Bound', capacity: { storage: c.boundCapacity } } }),
        ]);
        if (bound.code !== 0) throw new Error(bound.stderr);
      }
      // Every "after" in one apply: kubectl applies each object on its own and reports each.
      const r = await apply(
        cluster,
        IMMUTABLE_CASES.map((c) => c.after),
      );
      if (r.warnings.length || r.other.length) throw new Error([...r.warnings, ...r.other].join('\n'));
      for (const c of IMMUTABLE_CASES) {
        const id = resourceId(c.after);
        const rejected = r.rejected.find((x) => x.id === id)?.message;
        let live: string | undefined;
        if (c.unchanged) {
          const ns = c.after.metadata.namespace ? ['-n', c.after.metadata.namespace] : [];
          live = (await cluster.kubectl(['get', id, ...ns, '-o', `jsonpath=${c.unchanged.jsonPath}`])).stdout;
        }
        outcome.set(c.name, { rejected, live });
      }
    }, 120_000);

    test.each(IMMUTABLE_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const tree = (o: Manifest): DistTree => new Map([['proof/object.yaml', JSON.stringify(o)]]);
      const [plan] = planDist(tree(c.before), tree(c.after));
      const { rejected, live } = outcome.get(c.name)!;
      if (c.server === 'accepted') {
        expect(plan.immutable).toEqual([]);
        expect(rejected).toBeUndefined();
      } else {
        expect(plan.immutable).toHaveLength(1);
        if (c.server === 'rejected') expect(rejected).toMatch(/invalid|forbidden|immutable|may not change/i);
        else {
          expect(rejected).toBeUndefined();
          expect(live).toBe(c.unchanged!.value);
        }
      }
    });
  });

  describe('a change the plan flags is rejected by the server and fixed as the plan says', () => {
    test('the dev-like stack with a renamed headless Service and a larger volume in the base', async () => {
      // The dev-like fixture (test/fixtures/stacks.ts) as a synth writes it, whatever the shipped
      // environments are.
      const now = new Map(renderStack(DEV).files.map((f) => [f.path, f.content]));
      const label = 'the dev-like stack (synthetic base)';
      const sts = [...now.keys()].find((p) => /statefulset-tempo\.yaml$/.test(p))!;
      expect(sts).toBeDefined();
      // The "base": the same folder with another serviceName and a smaller volume claim template.
      const was = new Map(now);
      was.set(
        sts,
        now
          .get(sts)!
          .replace(/serviceName: (\S+)/, 'serviceName: $1-old')
          .replace(/storage: (\d+)Gi/, (_, n) => `storage: ${Math.max(1, Number(n) - 1)}Gi`),
      );
      const [plan] = planDist(
        new Map([...was].map(([p, t]) => [`dev/${p}`, t])),
        new Map([...now].map(([p, t]) => [`dev/${p}`, t])),
      );
      expect(plan.immutable.map((c) => c.kind)).toEqual(['StatefulSet']);
      expect(plan.immutable[0].fields.join(', ')).toMatch(
        /spec\.serviceName .*-old → .*volumeClaimTemplates/,
      );
      const baseDir = writeTree(was);
      const folder = writeTree(now);
      try {
        const before = [...(await render(cluster, baseDir)), ...readManifests(join(baseDir, 'gitops'))];
        const after = await folderObjects(cluster, folder);
        const outcome = await upgrade(
          cluster,
          label,
          before,
          after,
          new Map(
            plan.immutable.map((c) => [c.id, c.breaks.startsWith('not applied') ? 'ignored' : 'rejected']),
          ),
        );
        await remove(cluster, [...before, ...after]);
        expect(outcome.problems).toEqual([]);
        expect(outcome.recreated).toEqual([resourceId(after.find((o) => o.kind === 'StatefulSet')!)]);
        // The same upgrade with a plan that announced nothing fails, naming the object.
        const unplanned = await upgrade(cluster, label, before, after, new Map());
        await remove(cluster, [...before, ...after]);
        expect(unplanned.problems.join('\n')).toMatch(
          /statefulset\.apps\/tempo rejected, and the plan did not flag it: .*updates to statefulset spec for fields other than/,
        );
      } finally {
        removeTree(baseDir);
        removeTree(folder);
      }
    });
  });

  describe('the upgrade from the base commit', () => {
    const base = upgradeBase();
    if (!base) {
      test('needs git history (a base commit)', () => {
        if (process.env.REQUIRE_APISERVER)
          throw new Error('no base commit for the upgrade test: clone with history');
        console.log('no base commit (no git history): the upgrade test is skipped');
      });
      return;
    }
    const cases = TREES.flatMap(({ dir, definitions }) => {
      const was = readTreeAt(base, dir, ROOT);
      const now = readTree(join(ROOT, dir));
      const envs = [...new Set([...now.keys()].map((p) => p.split('/')[0]))].filter((env) =>
        now.has(`${env}/kustomization.yaml`),
      );
      const sub = (tree: ReadonlyMap<string, string>, env: string) =>
        new Map([...tree].filter(([p]) => p.startsWith(`${env}/`)));
      return envs.map((env) => ({
        folder: `${dir}/${env}`,
        env,
        was: sub(was, env),
        now: sub(now, env),
        allow: (definitions as readonly { name: string; allowTempoDowngrade?: boolean }[]).find(
          (d) => d.name === env,
        )?.allowTempoDowngrade,
      }));
    });
    const label = describeRef(base, ROOT);
    const changed = cases.filter(
      // A new folder is a fresh install (tested above); an unchanged one is no upgrade.
      (c) =>
        c.was.size > 0 && !(c.was.size === c.now.size && [...c.now].every(([p, t]) => c.was.get(p) === t)),
    );
    const found = new Map<string, string[]>();

    beforeAll(async () => {
      const prepared = await pool(
        changed.map((c) => async () => {
          const [plan] = planDist(c.was, c.now, { allowTempoDowngrade: () => c.allow === true });
          const baseDir = writeTree(new Map([...c.was].map(([p, t]) => [p.slice(c.env.length + 1), t])));
          try {
            const before = [...(await render(cluster, baseDir)), ...readManifests(join(baseDir, 'gitops'))];
            const after = await folderObjects(cluster, join(ROOT, c.folder));
            return { plan, before, after };
          } finally {
            removeTree(baseDir);
          }
        }),
      );
      await runExclusive(
        changed.map((c, i) => ({
          keys: objectKeys([...prepared[i].before, ...prepared[i].after]),
          run: async () => {
            const { plan, before, after } = prepared[i];
            const refusals = (plan?.refusals ?? []).map(
              (r) => `the plan refuses: ${c.env}.${r.property}: ${r.reason}`,
            );
            try {
              const outcome = await upgrade(
                cluster,
                c.folder,
                before,
                after,
                new Map(
                  (plan?.immutable ?? []).map((x) => [
                    x.id,
                    x.breaks.startsWith('not applied') ? 'ignored' : 'rejected',
                  ]),
                ),
              );
              found.set(c.folder, [...refusals, ...outcome.problems]);
            } finally {
              await remove(cluster, [...before, ...after]);
            }
          },
        })),
      );
    }, 600_000);

    if (changed.length > 0)
      test.each(changed.map((c) => c.folder))(`%s from ${label}`, (folder) => {
        expect(found.get(folder)).toEqual([]);
      });
    // jest refuses an empty table: with nothing changed, one test says so (and the plan agrees).
    else
      test(`no synthesized folder changed since ${label}: nothing to upgrade`, () => {
        expect(cases.filter((c) => c.was.size > 0).flatMap((c) => planDist(c.was, c.now))).toEqual([]);
      });
  });

  test('the API server is 1.33 and kubectl is the same release', async () => {
    const v = await cluster.kubectl(['version', '-o', 'json']);
    const parsed = JSON.parse(v.stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(parsed.serverVersion.gitVersion).toMatch(/^v1\.33\./);
    expect(parsed.clientVersion.gitVersion).toBe(parsed.serverVersion.gitVersion);
    expect(problems('x', { applied: [], rejected: [], warnings: [], other: [] })).toEqual([]);
  });
});
