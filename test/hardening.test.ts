import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';
import { SYNC_WAVES } from '../lib/synth';
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

  test('Namespace objects enforce "restricted" through Pod Security Admission', () => {
    const namespaces = objects.filter((o) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
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

  test('a default-deny NetworkPolicy covers the namespace and every workload has its own policy', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'default-deny').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    for (const w of objects.filter((o) => ['StatefulSet', 'Deployment', 'DaemonSet'].includes(o.kind))) {
      expect(
        policies.some(
          (p) =>
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

describe('NetworkPolicies', () => {
  const objects = (env: EnvironmentDefinition) =>
    Object.values(buildEnvironment(Testing.app(), env))
      .filter((c) => c !== undefined)
      .flatMap((c) => Testing.synth(c as any));
  const prod = objects(ENVIRONMENTS.find((e) => e.name === 'prod')!);
  const policy = (name: string) => prod.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name);

  test('Tempo accepts traces only from the gateway, queries and scrapes only from the monitoring namespace', () => {
    const [traces, queries] = policy('tempo').spec.ingress;
    expect(traces.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing-prod' } },
        podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'gateway' }) },
      },
    ]);
    expect(traces.ports.map((p: any) => p.port)).toContain(4317);
    expect(queries).toEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 3200, protocol: 'TCP' }],
    });
  });

  test('Tempo egress: DNS, its own components, object storage, remote write to Prometheus; nothing else', () => {
    const egress = policy('tempo').spec.egress;
    expect(egress.map((e: any) => e.ports.map((p: any) => p.port))).toEqual([
      [53, 53],
      [3200, 9095, 7946],
      [443, 9000],
      [9090],
    ]);
  });

  test('gateway accepts from agents, agents from any pod; both may reach the API server', () => {
    expect(
      policy('otel-gateway').spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'],
    ).toBe('agent');
    expect(policy('otel-agent').spec.ingress[0].from).toEqual([{ namespaceSelector: {} }]);
    for (const name of ['otel-gateway', 'otel-agent'])
      expect(
        policy(name)
          .spec.egress.at(-1)
          .ports.map((p: any) => p.port),
      ).toEqual([443, 6443]);
  });

  test('listed namespaces may ingest; policies can be turned off', () => {
    const withIngest = objects({ name: 'x', networkPolicies: { ingestNamespaces: ['apps'] } });
    const gw = withIngest.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'otel-gateway');
    expect(gw.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } },
    });
    expect(
      objects({ name: 'x', networkPolicies: { enabled: false } }).filter((o) => o.kind === 'NetworkPolicy'),
    ).toEqual([]);
  });
});

describe('GitOps bootstrap objects', () => {
  const files = (env: string) =>
    readdirSync(join(DIST, env, 'gitops')).map((f) =>
      parse(readFileSync(join(DIST, env, 'gitops', f), 'utf8')),
    );

  test.each(envDirs)(
    '%s: an Argo CD Application and a Flux Kustomization point at dist/<env>, outside the synced kustomization',
    (env) => {
      const objects = files(env);
      expect(validateAll(objects)).toEqual([]);
      const app = objects.find((o) => o.kind === 'Application');
      expect(app.spec.source).toMatchObject({ path: `dist/${env}`, targetRevision: 'main' });
      const ks = objects.find((o) => o.kind === 'Kustomization');
      expect(ks.spec).toMatchObject({
        path: `./dist/${env}`,
        prune: true,
        sourceRef: { kind: 'GitRepository', name: `tracing-${env}` },
      });
      expect(objects.find((o) => o.kind === 'GitRepository').metadata.name).toBe(`tracing-${env}`);
      const listed = parse(readFileSync(join(DIST, env, 'kustomization.yaml'), 'utf8')).resources as string[];
      expect(listed.filter((f) => f.startsWith('gitops/'))).toEqual([]);
    },
  );

  test('the subset schemas reject unknown fields', () => {
    const app = files('prod').find((o) => o.kind === 'Application');
    expect(validateAll([{ ...app, spec: { ...app.spec, sourcee: {} } }])).not.toEqual([]);
  });

  test('the upstream Argo CD and Flux CRD schemas check types, enums and patterns', () => {
    const objects = files('prod');
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

describe('NetworkPolicies in distributed mode', () => {
  test('Tempo components may reach each other on gRPC, HTTP and gossip, and only each other', () => {
    const prod = Object.values(
      buildEnvironment(
        Testing.app(),
        ENVIRONMENTS.find((e) => e.name === 'prod')!,
      ),
    )
      .filter((c) => c !== undefined)
      .flatMap((c) => Testing.synth(c as any));
    const tempo = prod.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'tempo');
    const self = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing-prod' } },
      podSelector: {
        matchLabels: { 'app.kubernetes.io/instance': 'tempo', 'app.kubernetes.io/name': 'tempo' },
      },
    };
    const internal = [3200, 9095, 7946];
    expect(tempo.spec.ingress).toContainEqual({
      from: [self],
      ports: internal.map((p) => ({ port: p, protocol: 'TCP' })),
    });
    expect(tempo.spec.egress).toContainEqual({
      to: [self],
      ports: internal.map((p) => ({ port: p, protocol: 'TCP' })),
    });
  });
});
