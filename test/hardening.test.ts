import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { renderEnvironment, SYNC_WAVES } from '../lib/synth';
import { buildEnvironment } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import {
  orphanServices,
  portMismatches,
  restrictedViolations,
  selectorViolations,
} from './helpers/invariants';
import { validateAll, validateUpstream } from './helpers/k8s-schema';

const DIST = join(__dirname, '..', 'dist');

/** Every Kubernetes object in dist/<env>, read from the files as Argo CD or Flux would. */
function distObjects(env: string): any[] {
  const dir = join(DIST, env);
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  return kustomization.resources.flatMap((f: string) =>
    parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS()),
  );
}

const envDirs = readdirSync(DIST).filter((d) => statSync(join(DIST, d)).isDirectory());

describe.each(envDirs)('dist/%s', (env) => {
  const objects = distObjects(env);

  test('every pod template meets Pod Security Standards "restricted", with requests, limits and probes', () => {
    expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
    expect(restrictedViolations(objects)).toEqual([]);
  });

  test('Namespace objects enforce "restricted" through Pod Security Admission (a managed namespace only)', () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    // The app's own namespace is created; a named one is presumed shared (manageNamespace).
    const def = ENVIRONMENTS.find((e) => e.name === env);
    if (def) expect(namespaces.length > 0).toBe(def.manageNamespace ?? def.namespace === undefined);
    for (const ns of namespaces)
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('selectors are stable, Services select workloads, ports agree', () => {
    expect(selectorViolations(objects)).toEqual([]);
    expect(orphanServices(objects)).toEqual([]);
    expect(portMismatches(objects)).toEqual([]);
  });

  test('sync waves: Namespace, then RBAC and config, then workloads, Prometheus Operator objects last', () => {
    const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
    for (const o of objects) expect(wave(o)).toBe(SYNC_WAVES[o.kind]);
    const max = (kinds: string[]) => Math.max(...objects.filter((o) => kinds.includes(o.kind)).map(wave));
    const min = (kinds: string[]) => Math.min(...objects.filter((o) => kinds.includes(o.kind)).map(wave));
    expect(max(['Namespace'])).toBeLessThan(min(['ConfigMap', 'ServiceAccount']));
    expect(
      max(
        ['ConfigMap', 'ServiceAccount', 'ClusterRole', 'NetworkPolicy'].filter((k) =>
          objects.some((o) => o.kind === k),
        ),
      ),
    ).toBeLessThan(min(['StatefulSet', 'Deployment', 'DaemonSet']));
    expect(max(['StatefulSet', 'Deployment', 'DaemonSet', 'Service'])).toBeLessThan(
      min(['PodMonitor', 'PrometheusRule']),
    );
  });

  test("a default deny selects this stack's pods (never the whole namespace); every workload is selected by a policy", () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'tracesynth-default-deny').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'tracesynth' } },
      policyTypes: ['Ingress', 'Egress'],
    });
    for (const w of objects.filter((o) => ['StatefulSet', 'Deployment', 'DaemonSet'].includes(o.kind))) {
      expect(
        policies.some(
          (p) =>
            p.metadata.name !== 'tracesynth-default-deny' &&
            Object.entries(p.spec.podSelector.matchLabels ?? {}).length > 0 &&
            Object.entries(p.spec.podSelector.matchLabels).every(
              ([k, v]) => w.spec.template.metadata.labels[k] === v,
            ),
        ),
      ).toBe(true);
    }
  });
});

describe('restricted checker (guards the walk above)', () => {
  const base = {
    kind: 'Deployment',
    metadata: { name: 'x', namespace: 'n' },
    spec: {
      selector: { matchLabels: { a: 'b' } },
      template: {
        metadata: { labels: { a: 'b' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'c',
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              resources: { requests: { cpu: '1', memory: '1' }, limits: { cpu: '1', memory: '1' } },
              readinessProbe: {},
              livenessProbe: {},
              ports: [],
            },
          ],
        },
      },
    },
  };
  test('passes a restricted pod and catches each breach', () => {
    expect(restrictedViolations([base])).toEqual([]);
    const breach = (mutate: (pod: any) => void) => {
      const d = structuredClone(base);
      mutate(d.spec.template.spec);
      return restrictedViolations([d]);
    };
    expect(
      breach((p) => {
        p.hostNetwork = true;
      }),
    ).toEqual(['Deployment/n/x: hostNetwork']);
    expect(
      breach((p) => {
        p.containers[0].ports = [{ containerPort: 4317, hostPort: 4317 }];
      }),
    ).toEqual(['Deployment/n/x/c: hostPort 4317']);
    expect(
      breach((p) => {
        p.volumes = [{ name: 'h', hostPath: { path: '/' } }];
      }),
    ).toEqual(['Deployment/n/x: volume h of type hostPath']);
    expect(
      breach((p) => {
        delete p.containers[0].livenessProbe;
      }),
    ).toEqual(['Deployment/n/x/c: livenessProbe']);
    expect(
      breach((p) => {
        p.containers[0].securityContext.capabilities.add = ['SYS_ADMIN'];
      }),
    ).toEqual(['Deployment/n/x/c: adds capability SYS_ADMIN']);
  });
});

describe('GitOps bootstrap objects', () => {
  const files = (env: string) =>
    readdirSync(join(DIST, env, 'gitops')).map((f) =>
      parse(readFileSync(join(DIST, env, 'gitops', f), 'utf8')),
    );
  // GitOps is opt-in: only environments with `gitops` have the folder.
  const withGitOps = envDirs.filter((d) => existsSync(join(DIST, d, 'gitops')));
  // A fixture of its own for the schema checks, whatever the shipped environments set.
  const fixture = renderEnvironment(
    { name: 'gitops-fixture', gitops: { repoURL: 'https://git.example.com/platform/tracing.git' } },
    buildEnvironment,
  )
    .files.filter((f) => f.path.startsWith('gitops/'))
    .map((f) => parse(f.content));

  test('an environment without gitops gets no GitOps objects', () => {
    for (const d of envDirs) {
      const def = ENVIRONMENTS.find((e) => e.name === d);
      if (def) expect(existsSync(join(DIST, d, 'gitops'))).toBe(Boolean(def.gitops));
    }
  });

  test.each(withGitOps)(
    '%s: an Argo CD Application and a Flux Kustomization point at dist/<env>, outside the synced kustomization',
    (env) => {
      const objects = files(env);
      expect(validateAll(objects)).toEqual([]);
      const def = ENVIRONMENTS.find((e) => e.name === env);
      const revision = (def?.gitops && def.gitops.revision) ?? 'main';
      const app = objects.find((o) => o.kind === 'Application');
      if (app) expect(app.spec.source).toMatchObject({ path: `dist/${env}`, targetRevision: revision });
      const ks = objects.find((o) => o.kind === 'Kustomization');
      if (ks) {
        expect(ks.spec).toMatchObject({
          path: `./dist/${env}`,
          prune: true,
          sourceRef: { kind: 'GitRepository', name: `tracing-${env}` },
        });
        expect(objects.find((o) => o.kind === 'GitRepository').metadata.name).toBe(`tracing-${env}`);
      }
      const listed = parse(readFileSync(join(DIST, env, 'kustomization.yaml'), 'utf8')).resources as string[];
      expect(listed.filter((f) => f.startsWith('gitops/'))).toEqual([]);
    },
  );

  test('the subset schemas reject unknown fields', () => {
    const app = fixture.find((o) => o.kind === 'Application');
    expect(validateAll([app])).toEqual([]);
    expect(validateAll([{ ...app, spec: { ...app.spec, sourcee: {} } }])).not.toEqual([]);
  });

  test('the upstream Argo CD and Flux CRD schemas check types, enums and patterns', () => {
    const objects = fixture;
    for (const o of objects) expect(validateUpstream(o)).toEqual([]);
    const ks = objects.find((o) => o.kind === 'Kustomization');
    expect(
      validateUpstream({
        ...ks,
        spec: { ...ks.spec, interval: '10 minutes', sourceRef: { ...ks.spec.sourceRef, kind: 'GitRepo' } },
      }),
    ).toEqual([
      'data/spec/interval must match pattern "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", data/spec/sourceRef/kind must be equal to one of the allowed values',
    ]);
    const app = objects.find((o) => o.kind === 'Application');
    expect(
      validateUpstream({ ...app, spec: { ...app.spec, syncPolicy: { automated: { prune: 'true' } } } }),
    ).toEqual(['data/spec/syncPolicy/automated/prune must be boolean']);
  });
});

// No secrets in dist.
describe('no secrets in dist', () => {
  const DIST = join(__dirname, '..', 'dist');

  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((f) =>
      statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
    );
  }

  /** Values that look like credentials: key=value pairs with a secret-ish key, AWS key ids, PEM keys. */
  const CREDENTIAL =
    /(password|passwd|secret_key|secretkey|access_key|accesskey|client_secret|storage_account_key|api[_-]?key|token)["' ]*[:=] *["']?(?!\$\{)[A-Za-z0-9/+_.-]{6,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"/i;

  describe('dist/ holds no credentials (it is committed to git)', () => {
    const all = files(DIST);

    test('the scan covers every synthesized file', () => {
      expect(all.length).toBeGreaterThan(10);
    });

    test.each(all.map((f) => [f.slice(DIST.length + 1), f]))(
      '%s has no credential-looking value',
      (_rel, file) => {
        const hits = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => CREDENTIAL.test(line) && !line.includes('secretKeyRef'));
        expect(hits).toEqual([]);
      },
    );

    test('no Secret objects are written; credentials are referenced by name only', () => {
      for (const file of all) {
        for (const doc of parseAllDocuments(readFileSync(file, 'utf8')))
          expect(doc.get('kind')).not.toBe('Secret');
      }
    });

    test('the scanner itself catches what it should', () => {
      for (const bad of [
        'access_key: minio123456',
        'secret_key: "wJalrXUtnFEMI/K7MDENG"',
        'AKIAIOSFODNN7EXAMPLE',
        'storage_account_key: abcdefgh==',
        '-----BEGIN RSA PRIVATE KEY-----',
      ]) {
        expect(CREDENTIAL.test(bad)).toBe(true);
      }
      for (const good of [
        'access_key: ${TEMPO_S3_ACCESS_KEY_ID}',
        'secret_key: ${TEMPO_S3_SECRET_ACCESS_KEY}',
        'key: AWS_SECRET_ACCESS_KEY',
      ]) {
        expect(CREDENTIAL.test(good)).toBe(false);
      }
    });
  });
});
