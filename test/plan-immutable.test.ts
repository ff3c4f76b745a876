// The plan's immutable-field and downgrade rules (lib/plan-immutable.ts, lib/plan.ts) on synthetic
// before/after manifests. test/apiserver.test.ts applies the same pairs to a real API server and
// proves that each flagged change is refused there and each unflagged one accepted.
import { stringify } from 'yaml';
import type { EnvironmentDefinition } from '../environments';
import { DistTree, formatPlanMarkdown, formatPlanText, planDist } from '../lib/plan';
import { immutableChange } from '../lib/plan-immutable';
import { IMMUTABLE_CASES } from './helpers/immutable-cases';
import { DEV } from './fixtures/stacks';
import { planRepo } from './helpers/plan-repo';

const tree = (objects: Record<string, object>, env = 'prod'): DistTree =>
  new Map(Object.entries(objects).map(([path, o]) => [`${env}/${path}`, stringify(o)]));

describe('immutable fields', () => {
  test.each(IMMUTABLE_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const [plan] = planDist(tree({ 'x.yaml': c.before }), tree({ 'x.yaml': c.after }));
    const lines = plan.lines.filter((l) => l.section === 'immutable');
    if (c.server === 'accepted') {
      expect(plan.immutable).toEqual([]);
      expect(lines).toEqual([]);
    } else {
      expect(plan.immutable).toHaveLength(1);
      expect(plan.immutable[0].fields.join(', ')).toContain(c.field);
      expect(lines).toHaveLength(1);
      expect(lines[0].text).toContain(`${c.after.kind}/${c.after.metadata.name}`);
      expect(plan.immutable[0].breaks).toBe(
        c.server === 'ignored'
          ? 'not applied: an unset clusterIP keeps the one the Service has, so it stays headless while the sync reports success'
          : 'the API server rejects the update, so the Argo CD / Flux sync of this environment fails',
      );
    }
  });

  test('a StatefulSet line names the field, what breaks and the commands, in its namespace', () => {
    const sts = (serviceName: string, storage: string) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'tempo', namespace: 'tracing-dev' },
      spec: {
        serviceName,
        selector: { matchLabels: { app: 'tempo' } },
        template: {},
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { resources: { requests: { storage } } } },
        ],
      },
    });
    const [plan] = planDist(
      tree({ 'sts.yaml': sts('tempo-headless', '10Gi') }, 'dev'),
      tree({ 'sts.yaml': sts('tempo', '20Gi') }, 'dev'),
    );
    expect(plan.lines.filter((l) => l.section === 'immutable').map((l) => l.text)).toEqual([
      `StatefulSet/tempo (tracing-dev): spec.serviceName tempo-headless → tempo, spec.volumeClaimTemplates[data] storage 10Gi → 20Gi cannot change in place; the API server rejects the update, so the Argo CD / Flux sync of this environment fails. Do: first grow every existing claim (the StorageClass must allow expansion): kubectl -n tracing-dev patch pvc data-tempo-<ordinal> -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'; then kubectl -n tracing-dev delete statefulset tempo --cascade=orphan before the sync (its pods and volumes stay; the recreated StatefulSet adopts the pods and rolls them one at a time)`,
    ]);
    expect(formatPlanText([plan], 'main')[2]).toMatch(
      /^ {2}immutable {2}StatefulSet\/tempo \(tracing-dev\): /,
    );
    expect(formatPlanMarkdown([plan], 'main')).toContain(
      '**Immutable fields (the sync fails until you act)**',
    );
  });

  test('what each kind asks the operator to do', () => {
    const action = (before: object, after: object) => immutableChange(before, after)?.action;
    const deploy = (app: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'gw', namespace: 'ns' },
      spec: { selector: { matchLabels: { app } } },
    });
    expect(action(deploy('a'), deploy('b'))).toBe(
      'kubectl -n ns delete deployment gw --cascade=orphan before the sync (its pods keep serving); once the new pods are ready, delete the old ReplicaSets: kubectl -n ns delete replicaset -l app=a',
    );
    const svc = (clusterIP?: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'ns' },
      spec: clusterIP ? { clusterIP } : {},
    });
    expect(action(svc(), svc('None'))).toBe(
      'kubectl -n ns delete service s right before the sync, which recreates it (clients see the new address or headless DNS once it is back: a short gap)',
    );
    // An address set before and unset now keeps that address: no change on the server.
    expect(immutableChange(svc('10.96.0.10'), svc())).toBeUndefined();
    const pvc = (storage: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c', namespace: 'ns' },
      spec: { resources: { requests: { storage } } },
    });
    expect(action(pvc('2Gi'), pvc('1536Mi'))).toBe(
      'keep 2Gi (a claim never shrinks), or create a new claim and copy the data',
    );
    expect(immutableChange(pvc('1Gi'), pvc('1024Mi'))).toBeUndefined();
    // A kind of another API group is not a built-in kind (a CRD named Service, say).
    expect(
      immutableChange(
        { ...svc(), apiVersion: 'example.com/v1' },
        { ...svc('None'), apiVersion: 'example.com/v1' },
      ),
    ).toBeUndefined();
  });
});

describe('Tempo downgrades', () => {
  const tempo = (version: string) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'tempo',
      labels: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/version': version },
    },
    spec: { template: { spec: { containers: [{ name: 'tempo', image: `grafana/tempo:${version}` }] } } },
  });
  const plan = (from: string, to: string, allow = false) =>
    planDist(tree({ 'tempo.yaml': tempo(from) }), tree({ 'tempo.yaml': tempo(to) }), {
      allowTempoDowngrade: () => allow,
    })[0];

  test('3.0 → 2.10 is refused, with one line that says why and what to do', () => {
    const p = plan('3.0.3', '2.10.8');
    expect(p.refusals).toEqual([
      {
        property: 'tempo.version',
        reason:
          'Tempo 3.0.3 → 2.10.8 is a downgrade to an older major version, and Tempo has no downgrade path (docs/tempo.md): traces not yet in the backend are lost; keep the newer version, migrate back with a parallel deployment (examples/migration.ts), or set allowTempoDowngrade: true in the environment to accept it',
      },
    ]);
    expect(p.lines[0]).toEqual({
      section: 'downgrade',
      text: 'refused: Tempo 3.0.3 → 2.10.8 is a downgrade to an older major version, and Tempo has no downgrade path (docs/tempo.md) (set allowTempoDowngrade: true in the environment to accept it)',
    });
  });

  test('allowed by the environment: listed, not refused', () => {
    const p = plan('3.0.3', '2.10.8', true);
    expect(p.refusals).toEqual([]);
    expect(p.lines[0].text).toMatch(/^Tempo 3\.0\.3 → 2\.10\.8 .*: accepted \(allowTempoDowngrade\)/);
  });

  test('upgrades and patch or minor steps back are not downgrades of the line', () => {
    for (const [from, to] of [
      ['2.10.8', '3.0.3'],
      ['3.0.3', '3.0.2'],
      ['3.1.0', '3.0.3'],
    ])
      expect(plan(from, to).lines.filter((l) => l.section === 'downgrade')).toEqual([]);
  });

  test('npm run plan exits 3 on a refused downgrade, 0 once the environment allows it', () => {
    // Against a base commit of the frozen dev-like stack, whatever this repository's history holds.
    const repo = planRepo([DEV]);
    try {
      const run = (env: EnvironmentDefinition) =>
        repo.run(['--plan', '--base', 'HEAD', 'dev'], [env], (e) => e.allowTempoDowngrade === true);
      const downgraded = { ...DEV, tempo: { ...DEV.tempo, version: '2.10' as const } };
      const refused = run(downgraded);
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(
        /^error: dev\.tempo\.version: Tempo 3\.0\.3 → 2\.10\.8 is a downgrade to an older major version, .* or set allowTempoDowngrade: true in the environment to accept it$/,
      );
      expect(refused.out).toContain('  downgrade  refused: Tempo 3.0.3 → 2.10.8');
      const allowed = run({ ...downgraded, allowTempoDowngrade: true });
      expect(allowed.code).toBe(0);
      expect(allowed.err).toBe('');
      expect(allowed.out).toContain('accepted (allowTempoDowngrade)');
    } finally {
      repo.remove();
    }
  });
});
