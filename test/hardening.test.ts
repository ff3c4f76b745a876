/**
 * The guards of the hardening checks, and the GitOps objects' schemas on a fixture of their own.
 * The checks themselves (restricted pods, Namespace labels, selectors, sync waves, NetworkPolicies,
 * GitOps objects, no credentials) run on every environment: test/helpers/environment-checks.ts.
 */
import { parse } from 'yaml';
import { renderEnvironment } from '../lib/synth';
import { buildEnvironment } from '../charts/environment';
import { restrictedViolations } from './helpers/invariants';
import { validateAll, validateUpstream } from './helpers/k8s-schema';
import { CREDENTIAL } from './helpers/environment-checks';

describe('restricted checker (guards the walk of every environment)', () => {
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
  // A fixture of its own for the schema checks, whatever the shipped environments set.
  const fixture = renderEnvironment(
    { name: 'gitops-fixture', gitops: { repoURL: 'https://git.example.com/platform/tracing.git' } },
    buildEnvironment,
  )
    .files.filter((f) => f.path.startsWith('gitops/'))
    .map((f) => parse(f.content));

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

// The credential scanner every environment's files go through (environment-checks.ts).
describe('credentials', () => {
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
