/**
 * The prerequisites each SUMMARY.md lists (lib/prerequisites.ts): every kind any example emits has
 * an entry, the committed SUMMARY.md lists exactly what its objects need (every environment: the
 * same check in test/helpers/environment-checks.ts), and the versions named are those of the CRDs
 * the objects are validated against.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXAMPLES } from '../examples';
import type { Manifest } from '../lib/k8s';
import { KIND_PREREQUISITES, PREREQUISITES, prerequisitesOf } from '../lib/prerequisites';
import { SYNC_WAVES } from '../lib/synth';
import { VALIDATED_AGAINST } from '../lib/versions';
import { CRD_SOURCES } from './helpers/apiserver-crds';
import { expectPrerequisitesListed, stackUnderTest } from './helpers/environment-checks';
import { KUBERNETES_VERSIONS } from './helpers/k8s-schema';

const ROOT = join(__dirname, '..');
const read = (...p: string[]) => readFileSync(join(ROOT, ...p), 'utf8');

const STACKS = EXAMPLES.map((env) => ({ env, dir: join('examples', 'dist', env.name) }));

describe.each(STACKS.map((s) => [s.env.name, s]))('%s', (_name, { env, dir }) => {
  // Every object of the environment, the bootstrap (gitops/) objects apart.
  const { objects, bootstrap } = stackUnderTest(env);

  test('every kind it emits has a prerequisite entry, and SUMMARY.md lists what its objects need', () => {
    expectPrerequisitesListed(read(dir, 'SUMMARY.md'), objects, bootstrap);
  });
});

describe('the model', () => {
  const obj = (
    apiVersion: string,
    kind: string,
    { metadata, ...rest }: Record<string, unknown> = {},
  ): Manifest => ({
    apiVersion,
    kind,
    metadata: { name: 'x', namespace: 'ns', ...(metadata as object) },
    ...rest,
  });

  test('a kind with no entry is an error naming it', () => {
    expect(() => prerequisitesOf([obj('example.com/v1', 'Widget')])).toThrow(
      'no prerequisite for example.com/Widget (example.com/v1); add it to KIND_PREREQUISITES in lib/prerequisites.ts',
    );
    // The group counts, not only the kind: a Kustomization of kustomize itself is not Flux's.
    expect(() => prerequisitesOf([obj('kustomize.config.k8s.io/v1beta1', 'Kustomization')])).toThrow(
      'no prerequisite for kustomize.config.k8s.io/Kustomization',
    );
  });

  test('every kind the synth can write (it has a sync wave) has an entry', () => {
    const known = new Set(Object.keys(KIND_PREREQUISITES).map((k) => k.split('/').pop()));
    // ServiceMonitor has a wave but is never emitted (PodMonitors only).
    expect(Object.keys(SYNC_WAVES).filter((k) => !known.has(k) && k !== 'ServiceMonitor')).toEqual([]);
  });

  test('what the objects name: classes, Gateways, issuers not emitted here, namespaces, labels', () => {
    const got = prerequisitesOf([
      obj('networking.k8s.io/v1', 'Ingress', { spec: {} }),
      obj('networking.k8s.io/v1', 'Ingress', { spec: { ingressClassName: 'nginx' } }),
      obj('gateway.networking.k8s.io/v1', 'HTTPRoute', { spec: { parentRefs: [{ name: 'external' }] } }),
      obj('cert-manager.io/v1', 'Issuer', { metadata: { name: 'own' } }),
      obj('cert-manager.io/v1', 'Certificate', { spec: { issuerRef: { name: 'own', kind: 'Issuer' } } }),
      obj('cert-manager.io/v1', 'Certificate', {
        spec: { issuerRef: { name: 'corp', kind: 'ClusterIssuer' } },
      }),
      obj('kafka.strimzi.io/v1', 'Kafka', { metadata: { name: 'k', namespace: 'kafka' } }),
      obj('kafka.strimzi.io/v1', 'KafkaNodePool', {
        spec: { storage: { type: 'jbod', volumes: [{ type: 'persistent-claim', class: 'gp3' }] } },
      }),
      obj('apps/v1', 'StatefulSet', { spec: { volumeClaimTemplates: [{ spec: {} }] } }),
      obj('monitoring.coreos.com/v1', 'PodMonitor', {
        metadata: { labels: { 'app.kubernetes.io/part-of': 'tracesynth', release: 'kps' } },
        spec: { scrapeNativeHistograms: true },
      }),
      obj('v1', 'ConfigMap', {
        data: {
          'tempo.yaml':
            'metrics_generator:\n  storage:\n    remote_write:\n      - url: http://prom.monitoring.svc:9090/api/v1/write\n      - url: http://mimir:8080/api/v1/push\n',
        },
      }),
    ]);
    const details = Object.fromEntries(got.map((p) => [p.id, p.details]));
    expect(details).toEqual({
      kubernetes: [],
      storage: ['StorageClass `gp3`', 'the default StorageClass'],
      ingressController: ['IngressClass `nginx`', 'the default IngressClass'],
      gatewayApi: ['serving Gateway `ns/external`'],
      prometheusOperator: [
        'Prometheus 3.8 or newer (native histograms are scraped)',
        'a Prometheus selecting PodMonitors and PrometheusRules by `release=kps`',
      ],
      remoteWriteReceiver: ['at prom.monitoring.svc:9090'],
      strimzi: ['watching namespace `kafka`'],
      certManager: ['ClusterIssuer `corp`'],
    });
    // Built-in kinds that need a controller are listed under both.
    expect(got.find((p) => p.id === 'kubernetes')!.kinds).toEqual(['ConfigMap', 'Ingress', 'StatefulSet']);
  });
});

describe('the versions named are those the objects are validated against', () => {
  const crd = (file: string) => parse(read('schemas', 'crds', file));
  const crdTable = read('schemas', 'crds', 'README.md');

  test('Kubernetes: the OpenAPI definitions of the strict validation', () => {
    expect(VALIDATED_AGAINST.kubernetes).toEqual(KUBERNETES_VERSIONS);
  });

  test('CRDs in schemas/crds/ (their own version annotations, or the README that says where they come from)', () => {
    for (const f of ['monitoring.coreos.com_podmonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml'])
      expect(crd(f).metadata.annotations['operator.prometheus.io/version']).toBe(
        VALIDATED_AGAINST.prometheusOperator,
      );
    for (const f of [
      'gateway.networking.k8s.io_httproutes.yaml',
      'gateway.networking.k8s.io_grpcroutes.yaml',
    ])
      expect(crd(f).metadata.annotations['gateway.networking.k8s.io/bundle-version']).toBe(
        VALIDATED_AGAINST.gatewayApi,
      );
    expect(crdTable).toContain(
      `Strimzi ${VALIDATED_AGAINST.strimzi} (\`../shared/crds/strimzi-${VALIDATED_AGAINST.strimzi}/\`)`,
    );
    expect(crdTable).toContain(
      `cert-manager ${VALIDATED_AGAINST.certManager} (\`../shared/crds/cert-manager-${VALIDATED_AGAINST.certManager}/\`)`,
    );
    expect(crdTable).toContain(
      `OpenTelemetry Operator ${VALIDATED_AGAINST.otelOperator} (\`../shared/crds/opentelemetry-operator-${VALIDATED_AGAINST.otelOperator}/\`)`,
    );
    expect(crdTable).toContain(
      `| \`rollout-operator.grafana.com_zoneawarepoddisruptionbudgets.yaml\` | grafana/rollout-operator ${VALIDATED_AGAINST.rolloutOperator} (`,
    );
  });

  test("Argo CD and Flux: the API server test's CRD modules", () => {
    const version = (path: string) => CRD_SOURCES.find((s) => s.module?.path === path)!.module!.version;
    expect(version('github.com/argoproj/argo-cd/v2')).toBe(VALIDATED_AGAINST.argoCd);
    expect(version('github.com/fluxcd/source-controller')).toBe(VALIDATED_AGAINST.fluxControllers);
    expect(version('github.com/fluxcd/kustomize-controller')).toBe(VALIDATED_AGAINST.fluxControllers);
  });

  test('every custom kind with a prerequisite has its CRD in schemas/crds/ or the CRD modules', () => {
    const crdKinds = new Set(
      readdirSync(join(ROOT, 'schemas', 'crds'))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => crd(f))
        .map((c) => `${c.spec.group}/${c.spec.names.kind}`),
    );
    const modules = [
      'argoproj.io/Application',
      'source.toolkit.fluxcd.io/GitRepository',
      'kustomize.toolkit.fluxcd.io/Kustomization',
    ];
    const custom = Object.keys(KIND_PREREQUISITES).filter(
      (k) => k.split('/')[0]!.includes('.') && !k.includes('k8s.io/'),
    );
    expect(custom.filter((k) => !crdKinds.has(k) && !modules.includes(k))).toEqual([]);
  });

  test('docs/prerequisites.md names every prerequisite with its version', () => {
    const doc = read('docs', 'prerequisites.md');
    for (const p of Object.values(PREREQUISITES))
      if (p.version !== '—')
        expect(doc).toContain(
          p.version.replace(
            /^(Argo CD|Flux controllers|Gateway API|Prometheus Operator|Strimzi|cert-manager|OpenTelemetry Operator|rollout-operator|Kubernetes) /,
            '',
          ),
        );
  });
});
