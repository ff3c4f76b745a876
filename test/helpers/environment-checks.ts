/**
 * The checks every environment must pass, whatever it sets: one list, run per environment on the
 * shipped environments (test/environments.test.ts, read back from `dist/<env>/` as Argo CD or
 * Flux reads it), on the README's "Adding an environment" example and on the fixtures and
 * variants of test/fixtures/stacks.ts (test/environment-variants.test.ts).
 *
 * Every expectation comes from the environment's own definition (its namespace and whether the
 * app owns it, its collector, monitoring, Grafana, GitOps and NetworkPolicy settings, its Tempo
 * line) or from its own output, never from an environment's name or a shipped value: adding an
 * environment, or any valid edit of one, needs no change here.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../../charts/environment';
import { validateEnvironment } from '../../charts/environment-validation';
import { summarizeEnvironment } from '../../charts/summary';
import { peerName } from '../../constructs/common/flows';
import { isAlert, renderGroups, RuleGroup } from '../../constructs/monitoring/rule-model';
import { checkPromQL, metricNames } from '../../constructs/monitoring/promql';
import {
  COLLECTOR_METRICS,
  NGINX_EXPORTER_METRICS,
  PLATFORM_METRICS,
  tempoExposedMetrics,
} from '../../constructs/monitoring/metric-catalog';
import { COLLECTOR_SPAN_METRICS } from '../../constructs/otel-collector/span-metric-catalog';
import { SERVICE_GRAPH_METRICS, SPAN_METRICS } from '../../constructs/tempo/generated-metrics';
import type { EnvironmentDefinition } from '../../environments/types';
import { GoDuration } from '../../lib/duration';
import { CLUSTER_SCOPED_KINDS } from '../../lib/k8s';
import type { Manifest } from '../../lib/k8s';
import {
  groupKind,
  KIND_PREREQUISITES,
  prerequisitesOf,
  prerequisitesSection,
} from '../../lib/prerequisites';
import { renderEnvironment, RenderedEnvironment, SYNC_WAVES } from '../../lib/synth';
import { parseManifests, readTree, removeTree, writeTree } from './cluster-apply';
import { networkPolicies, probes, renderedPods } from './flow-probes';
import {
  orphanServices,
  portMismatches,
  restrictedViolations,
  selectorViolations,
  unexposedMetrics,
} from './invariants';
import { validateAll } from './k8s-schema';
import { KUBECTL } from './kubectl';
import { mayReach, PodEndpoint } from './network-evaluator';
import { optionalTool } from './optional-tool';
import { componentNames, hasOtelcol, nonPrimaryComponents, validateConfigs } from './otelcol';
import { hasPromtool, promtool } from './promtool';
import { keyLine, tempoConfigProblems, tenantOverridesProblems } from './tempo-schema';

const ROOT = join(__dirname, '..', '..');

/** One environment under test: its definition, its model, and its folder as written. */
export interface StackUnderTest {
  readonly env: EnvironmentDefinition;
  readonly charts: EnvironmentCharts;
  /** Rendered in memory, SUMMARY.md included (`manifests`: the kustomization's objects). */
  readonly rendered: RenderedEnvironment;
  /** The folder as written, by path: `dist/<env>/` read back when `dir` is given, else the render. */
  readonly files: ReadonlyMap<string, string>;
  /** The objects of the folder's kustomization, in its order, parsed from `files`. */
  readonly objects: readonly any[];
  /** The GitOps bootstrap objects (`gitops/`, outside the kustomization), parsed from `files`. */
  readonly bootstrap: readonly any[];
  /** The folder on disk, when the environment was written (`dist/<env>`). */
  readonly dir?: string;
}

/**
 * Renders `env` (once) and reads its folder: from `dir` when the environment is written there,
 * else from the render itself.
 */
export function stackUnderTest(env: EnvironmentDefinition, dir?: string): StackUnderTest {
  let charts!: EnvironmentCharts;
  const rendered = renderEnvironment(
    env,
    (scope, e) => (charts = buildEnvironment(scope, e)),
    summarizeEnvironment,
  );
  const files = dir ? readTree(dir) : new Map(rendered.files.map((f) => [f.path, f.content]));
  const kustomization = parse(files.get('kustomization.yaml') ?? 'resources: []');
  const objects = (kustomization.resources as string[]).flatMap((f) => parseManifests(files.get(f) ?? ''));
  const bootstrap = [...files]
    .filter(([p]) => p.startsWith('gitops/'))
    .flatMap(([, text]) => parseManifests(text));
  return { env, charts, rendered, files, objects, bootstrap, ...(dir ? { dir } : {}) };
}

/** The namespace the environment's objects go to, and whether the app creates it. */
function namespaceOf(env: EnvironmentDefinition): { name: string; managed: boolean } {
  return {
    name: env.namespace ?? `tracing-${env.name}`,
    managed: env.manageNamespace ?? env.namespace === undefined,
  };
}

/** NetworkPolicy settings as the environment states them. */
function policiesOf(env: EnvironmentDefinition): { enabled: boolean; defaultDeny: boolean } {
  const enabled = env.networkPolicies?.enabled !== false;
  return { enabled, defaultDeny: enabled && env.networkPolicies?.defaultDeny !== false };
}

/** Values that look like credentials: key=value pairs with a secret-ish key, AWS key ids, PEM keys. */
export const CREDENTIAL =
  /(password|passwd|secret_key|secretkey|access_key|accesskey|client_secret|storage_account_key|api[_-]?key|token)["' ]*[:=] *["']?(?!\$\{)[A-Za-z0-9/+_.-]{6,}|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"/i;

const WORKLOAD_KINDS = ['StatefulSet', 'Deployment', 'DaemonSet'];

const hasKubectl = optionalTool(
  spawnSync(KUBECTL, ['version', '--client'], { encoding: 'utf8' }).status === 0,
  'REQUIRE_KUBECTL',
  'kubectl',
  'scripts/build-kube-apiserver.sh builds build/bin/kubectl, or apt-get install kubernetes-client, as .ci/run does',
);

/** Registers every environment-level check of `stack` (call inside a `describe`). */
export function describeEnvironmentChecks(stack: StackUnderTest): void {
  describeDefinitionAndOutput(stack);
  describeHardening(stack);
  describeGitOps(stack);
  describeFlows(stack.charts, stack.rendered.manifests, stack.env);
  describeMonitoring(stack);
  describeGrafana(stack);
  describeComponents(stack);
}

function describeDefinitionAndOutput(s: StackUnderTest): void {
  const { env } = s;
  const ns = namespaceOf(env);
  const kustomization = () => parse(s.files.get('kustomization.yaml')!);

  describe('definition and output', () => {
    test('the definition passes the environment schema', () => {
      expect(validateEnvironment(env)).toBe(env);
    });

    test('rendering is deterministic (byte-identical on a second run)', () => {
      expect(renderEnvironment(env, buildEnvironment, summarizeEnvironment)).toEqual(s.rendered);
    });

    // Only a written folder can differ from the render: without `dir`, `files` is the render.
    if (s.dir)
      test('the folder holds exactly the rendered files', () => {
        expect(Object.fromEntries(s.files)).toEqual(
          Object.fromEntries(s.rendered.files.map((f) => [f.path, f.content])),
        );
      });

    test('kustomization.yaml lists every object file exactly once, the Namespace first when the app owns it', () => {
      const k = kustomization();
      expect(k.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect([...k.resources].sort()).toEqual(
        [...s.files.keys()]
          .filter((p) => p.endsWith('.yaml') && p !== 'kustomization.yaml' && !p.startsWith('gitops/'))
          .sort(),
      );
      if (ns.managed) expect(k.resources[0]).toMatch(/^namespace\//);
      else expect(k.resources.filter((f: string) => f.startsWith('namespace/'))).toEqual([]);
    });

    test("every object is in the environment's namespace, Grafana's, its subfolder's, or none when cluster-scoped", () => {
      const grafana = (env.grafana && env.grafana.namespace) ?? 'monitoring';
      const paths = kustomization().resources as string[];
      expect(paths).toHaveLength(s.objects.length);
      for (const [i, m] of s.objects.entries()) {
        const [folder, ...rest] = paths[i]!.split('/');
        if (CLUSTER_SCOPED_KINDS.includes(m.kind)) expect(m.metadata.namespace).toBeUndefined();
        // An object outside its chart's namespace is written to a <namespace>/ subfolder.
        else if (rest.length > 1) expect([paths[i], m.metadata.namespace]).toEqual([paths[i], rest[0]]);
        else
          expect([paths[i], m.metadata.namespace]).toEqual([
            paths[i],
            folder === 'grafana' ? grafana : ns.name,
          ]);
      }
      const namespaces = s.objects.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name);
      expect(namespaces).toEqual(ns.managed ? [ns.name] : []);
    });

    test('no object name carries a generated hash suffix', () => {
      for (const m of [...s.objects, ...s.bootstrap])
        expect(m.metadata.name).not.toMatch(/-[0-9a-f]{8}$|c8[0-9a-f]{6}/);
    });

    test('Tempo keeps traces as long as the environment says, with the replicas it says', () => {
      const configs = s.objects.filter((m) => m.kind === 'ConfigMap' && m.data?.['tempo.yaml']);
      expect(configs).toHaveLength(1);
      const config = parse(configs[0].data['tempo.yaml']);
      // 3.0: the backend worker compacts and retains; 2.10: the compactor (tempo-props.ts).
      const retention =
        env.tempo?.version === '2.10'
          ? config.compactor.compaction.block_retention
          : config.backend_worker.compaction.block_retention;
      const promised = env.tempo?.retention ?? '336h';
      expect(retention).toBe(
        (promised instanceof GoDuration ? promised : GoDuration.parse(promised, 'retention')).toString(),
      );
      if (env.tempo?.replicas !== undefined && !env.tempo.microservices && !env.tempo.distributed)
        expect(
          s.objects.find(
            (m) =>
              m.kind === 'StatefulSet' &&
              m.spec.template.metadata.labels['app.kubernetes.io/name'] === 'tempo',
          ).spec.replicas,
        ).toBe(env.tempo.replicas);
    });

    test('SUMMARY.md is built from the models: its object count agrees with what was rendered', () => {
      expect(s.files.get('SUMMARY.md')).toContain(`- **Objects**: ${s.objects.length} (`);
    });

    test('SUMMARY.md lists exactly the prerequisites its objects need, every kind under one', () => {
      expectPrerequisitesListed(s.files.get('SUMMARY.md')!, s.objects, s.bootstrap);
    });

    test('every object is valid for Kubernetes 1.28 and 1.33 and the CRDs (unknown fields rejected)', () => {
      expect(s.objects.length).toBeGreaterThan(0);
      expect(validateAll(s.objects)).toEqual([]);
    });

    (hasKubectl ? test : test.skip)('`kubectl kustomize` of the folder renders every object', () => {
      const dir = s.dir ?? writeTree(s.files);
      try {
        const run = spawnSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8' });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const kinds = parseAllDocuments(run.stdout).map(
          (d) => `${d.get('kind')}/${(d.toJS() as any).metadata.name}`,
        );
        expect(kinds).toHaveLength(kustomization().resources.length);
        expect(kinds.some((k) => /^StatefulSet\/tempo(-live-store-zone-a|-ingester)?$/.test(k))).toBe(true);
      } finally {
        if (!s.dir) removeTree(dir);
      }
    });

    test('no credential-looking value in any file; no Secret object (credentials are referenced by name)', () => {
      for (const [path, text] of s.files)
        expect([
          path,
          text.split('\n').filter((l) => CREDENTIAL.test(l) && !l.includes('secretKeyRef')),
        ]).toEqual([path, []]);
      expect([...s.objects, ...s.bootstrap].filter((o) => o.kind === 'Secret')).toEqual([]);
    });

    test("Tempo's configs pass the key checks of its line", () => {
      expectTempoConfigsAccepted(s.charts, s.objects);
    });
  });
}

/**
 * Every kind of the objects has a prerequisite entry, and the summary's Prerequisites section
 * lists exactly what they need (lib/prerequisites.ts). Also run on every example
 * (test/prerequisites.test.ts).
 */
export function expectPrerequisitesListed(
  summary: string,
  objects: readonly Manifest[],
  bootstrap: readonly Manifest[],
): void {
  const needed = [...prerequisitesOf(objects), ...prerequisitesOf(bootstrap)];
  const section = summary.slice(summary.indexOf('## Prerequisites'), summary.indexOf('## Flows'));
  const rows = (lines: readonly string[]) =>
    lines.filter((l) => l.startsWith('| ') && !l.startsWith('| needs') && !l.startsWith('| ---'));
  expect(rows(section.split('\n'))).toEqual(rows(prerequisitesSection(objects, bootstrap)));
  for (const p of needed) {
    expect(section).toContain(p.what);
    expect(section).toContain(p.version);
  }
  // Every kind of the folder is named in the rows of the prerequisite it needs.
  for (const o of [...objects, ...bootstrap])
    for (const id of KIND_PREREQUISITES[groupKind(o)]!)
      expect(needed.find((p) => p.id === id)?.kinds).toContain(o.kind);
}

/**
 * The one tempo.yaml and overrides.yaml of a stack pass the key model of its Tempo line (a typo is
 * reported as Tempo's strict parser would). Also run on every example (test/microservices.test.ts).
 */
export function expectTempoConfigsAccepted(charts: EnvironmentCharts, objects: readonly any[]): void {
  const line = keyLine(charts.tempo.tempo.settings.line);
  const configs = objects.filter((m) => m.data?.['tempo.yaml']);
  const overrides = objects.filter((m) => m.data?.['overrides.yaml']);
  expect([configs.length, overrides.length]).toEqual([1, 1]);
  expect(tempoConfigProblems(parse(configs[0].data['tempo.yaml']), line)).toEqual([]);
  expect(tenantOverridesProblems(parse(overrides[0].data['overrides.yaml']), line)).toEqual([]);
}

function describeHardening(s: StackUnderTest): void {
  const { objects, env } = s;
  const ns = namespaceOf(env);
  const policies = policiesOf(env);

  describe('hardening', () => {
    test('every pod template meets Pod Security Standards "restricted", with requests, limits and probes', () => {
      expect(objects.some((o) => o.kind === 'StatefulSet')).toBe(true);
      expect(restrictedViolations(objects)).toEqual([]);
    });

    test('a Namespace object only when the app owns the namespace, enforcing "restricted"', () => {
      const namespaces = objects.filter((o) => o.kind === 'Namespace');
      expect(namespaces.map((n) => n.metadata.name)).toEqual(ns.managed ? [ns.name] : []);
      for (const n of namespaces)
        expect(n.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    test('selectors are stable, Services select workloads, ports agree', () => {
      expect(selectorViolations(objects)).toEqual([]);
      expect(orphanServices(objects)).toEqual([]);
      expect(portMismatches(objects)).toEqual([]);
    });

    test('sync waves: Namespace, then RBAC and config, then workloads, Prometheus Operator objects last', () => {
      const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
      for (const o of objects) expect([o.kind, wave(o)]).toEqual([o.kind, SYNC_WAVES[o.kind]]);
      const present = (kinds: string[]) => objects.filter((o) => kinds.includes(o.kind)).map(wave);
      const max = (kinds: string[]) => Math.max(...present(kinds));
      const min = (kinds: string[]) => Math.min(...present(kinds));
      expect(max(['Namespace'])).toBeLessThan(min(['ConfigMap', 'ServiceAccount']));
      expect(max(['ConfigMap', 'ServiceAccount', 'ClusterRole', 'NetworkPolicy'])).toBeLessThan(
        min(['StatefulSet', 'Deployment', 'DaemonSet']),
      );
      expect(max(['StatefulSet', 'Deployment', 'DaemonSet', 'Service'])).toBeLessThan(
        min(['PodMonitor', 'PrometheusRule']),
      );
    });

    test("NetworkPolicies as the environment asks: a default deny of this stack's pods (never the whole namespace), a policy for every workload", () => {
      const found = objects.filter((o) => o.kind === 'NetworkPolicy');
      if (!policies.enabled) {
        expect(found).toEqual([]);
        return;
      }
      const deny = found.filter((p) => p.metadata.name === 'tracesynth-default-deny');
      expect(deny.map((p) => p.spec)).toEqual(
        policies.defaultDeny
          ? [
              {
                podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'tracesynth' } },
                policyTypes: ['Ingress', 'Egress'],
              },
            ]
          : [],
      );
      for (const w of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)))
        expect([
          `${w.kind}/${w.metadata.name}`,
          found.some(
            (p) =>
              p.metadata.name !== 'tracesynth-default-deny' &&
              Object.entries(p.spec.podSelector.matchLabels ?? {}).length > 0 &&
              Object.entries(p.spec.podSelector.matchLabels).every(
                ([k, v]) => w.spec.template.metadata.labels[k] === v,
              ),
          ),
        ]).toEqual([`${w.kind}/${w.metadata.name}`, true]);
    });
  });
}

function describeGitOps(s: StackUnderTest): void {
  const { env } = s;
  describe('GitOps bootstrap objects', () => {
    test('in gitops/ exactly when the environment names its repository', () => {
      const gitops = [...s.files.keys()].filter((p) => p.startsWith('gitops/'));
      if (env.gitops) expect(gitops.length).toBeGreaterThan(0);
      else expect(gitops).toEqual([]);
    });

    if (!env.gitops) return;
    const gitops = env.gitops;
    test('an Argo CD Application and a Flux Kustomization point at dist/<env>, outside the synced kustomization', () => {
      const objects = s.bootstrap;
      expect(validateAll(objects)).toEqual([]);
      const revision = gitops.revision ?? 'main';
      const app = objects.find((o) => o.kind === 'Application');
      expect(app !== undefined).toBe(gitops.argocd !== false);
      if (app) expect(app.spec.source).toMatchObject({ path: `dist/${env.name}`, targetRevision: revision });
      const ks = objects.find((o) => o.kind === 'Kustomization');
      expect(ks !== undefined).toBe(gitops.flux !== false);
      if (ks) {
        expect(ks.spec).toMatchObject({
          path: `./dist/${env.name}`,
          prune: true,
          sourceRef: { kind: 'GitRepository', name: `tracing-${env.name}` },
        });
        expect(objects.find((o) => o.kind === 'GitRepository').metadata.name).toBe(`tracing-${env.name}`);
      }
      const listed = parse(s.files.get('kustomization.yaml')!).resources as string[];
      expect(listed.filter((f) => f.startsWith('gitops/'))).toEqual([]);
    });
  });
}

/**
 * The NetworkPolicies against the flow model, through the evaluator: every declared flow allowed,
 * everything else of this stack denied, nobody else's pods touched. Also run on every example
 * (test/network.test.ts).
 */
export function describeFlows(
  charts: EnvironmentCharts,
  manifests: readonly any[],
  env: EnvironmentDefinition,
): void {
  const policies = networkPolicies(manifests);
  const pods = renderedPods(manifests);
  const ns = charts.ownership.name;
  const podsOf = (component: string) =>
    pods.filter((p) => p.labels['app.kubernetes.io/component'] === component);
  const tempoPods = pods.filter((p) => p.labels['app.kubernetes.io/name'] === 'tempo');
  const app: PodEndpoint = {
    namespace: charts.flows.options.ingestNamespaces?.[0] ?? 'shop',
    labels: { app: 'checkout' },
  };
  const grafana: PodEndpoint = {
    namespace: charts.flows.options.grafana.namespace,
    labels: charts.flows.options.grafana.labels,
  };
  const prometheus: PodEndpoint = {
    namespace: charts.flows.options.prometheus.namespace,
    labels: charts.flows.options.prometheus.labels,
  };
  const foreign: PodEndpoint = { namespace: ns, labels: { app: 'loki' } };
  // Without NetworkPolicies (`networkPolicies.enabled: false`) there is nothing to isolate with.
  const enforced = policiesOf(env).enabled;

  describe('flows', () => {
    test('every declared flow is allowed by the synthesized policies, both ways', () => {
      const denied: string[] = [];
      for (const f of charts.flows.flows)
        for (const from of probes(f.from, charts.flows, manifests))
          for (const to of probes(f.to, charts.flows, manifests))
            for (const p of f.ports)
              if (!mayReach(policies, from, to, p.port, p.protocol))
                denied.push(`${peerName(f.from)} → ${peerName(f.to)} ${p.port}/${p.protocol} (${f.purpose})`);
      expect(charts.flows.flows.length).toBeGreaterThan(3);
      expect(denied).toEqual([]);
    });

    test('policies only when enabled; then every pod of the stack is isolated both ways by a policy of its own', () => {
      if (!enforced) {
        expect(policies).toEqual([]);
        return;
      }
      for (const pod of pods) {
        expect(mayReach(policies, pod, { ip: '203.0.113.9' }, 8443)).toBe(false);
        expect(mayReach(policies, { namespace: 'elsewhere', labels: {} }, pod, 3200)).toBe(false);
      }
    });

    test('undeclared flows are denied: metrics and gossip ports, receivers behind the collector, query API', () => {
      if (!enforced) return; // no policies (checked above): nothing is denied
      for (const pod of podsOf('gateway').concat(podsOf('agent'))) {
        expect(mayReach(policies, app, pod, 8888)).toBe(false);
        expect(mayReach(policies, prometheus, pod, 8888)).toBe(true);
      }
      // Behind the agents, the gateway takes traces from them only.
      if (charts.collector?.agent)
        for (const pod of podsOf('gateway')) {
          expect(mayReach(policies, app, pod, 4317)).toBe(false);
          expect(mayReach(policies, grafana, pod, 4317)).toBe(false);
        }
      for (const pod of podsOf('distributor')) expect(mayReach(policies, grafana, pod, 3200)).toBe(false);
      for (const pod of tempoPods) {
        for (const outsider of [
          app,
          grafana,
          prometheus,
          foreign,
          ...pods.filter((p) => !tempoPods.includes(p)),
        ])
          expect(mayReach(policies, outsider, pod, 7946)).toBe(false);
        expect(mayReach(policies, foreign, pod, 3200)).toBe(false);
        // Behind a collector, Tempo takes traces from the collector only.
        if (charts.collector) {
          expect(mayReach(policies, app, pod, 4317)).toBe(false);
          expect(mayReach(policies, prometheus, pod, 4317)).toBe(false);
        }
        expect(mayReach(policies, pod, { ip: '203.0.113.9' }, 80)).toBe(false);
      }
      const agent = podsOf('agent');
      if (charts.collector?.gateway)
        for (const a of agent) for (const t of tempoPods) expect(mayReach(policies, a, t, 4317)).toBe(false);
    });

    test('pods this app does not own, even in its namespace, are not touched by its policies', () => {
      expect(mayReach(policies, app, foreign, 3100)).toBe(true);
      expect(mayReach(policies, foreign, { ip: '203.0.113.9' }, 443)).toBe(true);
      expect(mayReach(policies, foreign, { namespace: ns, labels: { app: 'promtail' } }, 9080)).toBe(true);
      for (const p of policies) expect(Object.keys(p.spec.podSelector.matchLabels ?? {})).not.toEqual([]);
    });

    test('nothing namespace-wide in a namespace the app does not own; every object carries the stack labels', () => {
      if (!charts.ownership.managed)
        expect(manifests.filter((m) => m.kind === 'Namespace' && m.metadata.name === ns)).toEqual([]);
      for (const m of manifests) expect(m.metadata.labels?.['app.kubernetes.io/part-of']).toBe('tracesynth');
    });
  });
}

function describeMonitoring(s: StackUnderTest): void {
  const { env, charts, objects } = s;
  describe('monitoring', () => {
    if (env.monitoring === false) {
      test('monitoring: false writes no PodMonitor or PrometheusRule', () => {
        expect(charts.monitoring).toBeUndefined();
        expect(objects.filter((o) => ['PodMonitor', 'PrometheusRule'].includes(o.kind))).toEqual([]);
      });
      return;
    }
    const groups: readonly RuleGroup[] = charts.monitoring!.monitoring.ruleGroups;
    const monitoring = objects.filter((o) => ['PodMonitor', 'PrometheusRule'].includes(o.kind));
    const rules = objects.filter((o) => o.kind === 'PrometheusRule');

    test('every alert has for, severity, summary, description, runbook_url and a conventional name', () => {
      for (const g of renderGroups(groups)) {
        for (const r of g.rules.filter((x) => 'alert' in x)) {
          expect(r.alert).toMatch(/^(Tempo|OtelCollector)[A-Z][A-Za-z]+$/);
          expect(r.for).toMatch(/^\d+[mh]$/);
          expect(['warning', 'critical']).toContain((r.labels as any).severity);
          expect(Object.keys(r.annotations as object).sort()).toEqual([
            'description',
            'runbook_url',
            'summary',
          ]);
          expect((r.annotations as any).runbook_url).toMatch(/^https:\/\/.+#[a-z0-9-]+$/i);
        }
      }
    });

    test("every runbook link of this project's runbooks points at a section of docs/runbooks.md", () => {
      const doc = readFileSync(join(ROOT, 'docs', 'runbooks.md'), 'utf8');
      const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));
      const links = groups
        .flatMap((g) => g.rules)
        .filter(isAlert)
        .map((r) => r.runbookUrl)
        .filter((u) => u.includes('/docs/runbooks.md#'));
      expect([...new Set(links.map((u) => u.split('#')[1]))].filter((a) => !anchors.has(a!))).toEqual([]);
    });

    test('every metric an expression reads is exposed by a scraped target or recorded here', () => {
      const tempo = charts.tempo.tempo;
      const read = groups.flatMap((g) => g.rules).flatMap((r) => metricNames(r.expr));
      expect(read.length).toBeGreaterThan(20);
      expect(
        unexposedMetrics(groups, {
          tempo,
          collector: charts.collector !== undefined,
          spanMetrics: charts.monitoring!.monitoring.config.spanMetrics,
          serviceGraphs: tempo.generates('service-graphs'),
          queryGateway: charts.gateway?.gateway,
          nativeHistograms: objects.some((o) => o.kind === 'PodMonitor' && o.spec.scrapeNativeHistograms),
        }),
      ).toEqual([]);
    });

    test('PodMonitors select the workloads by their selector labels and a port they expose, labelled for the Prometheus', () => {
      const podMonitors = objects.filter((m) => m.kind === 'PodMonitor');
      expect(podMonitors.map((p) => p.metadata.name).sort()).toEqual(
        charts.monitoring!.monitoring.scrapes.map((x) => x.name).sort(),
      );
      const selectedBy = (env.monitoring && env.monitoring.prometheusLabels) ?? {
        release: 'kube-prometheus-stack',
      };
      for (const pm of podMonitors) {
        const workload = objects.find(
          (w) =>
            w.metadata.namespace === pm.metadata.namespace &&
            WORKLOAD_KINDS.includes(w.kind) &&
            Object.entries(pm.spec.selector.matchLabels).every(
              ([k, v]) => w.spec.template.metadata.labels[k] === v,
            ),
        );
        expect([pm.metadata.name, workload !== undefined]).toEqual([pm.metadata.name, true]);
        const ports = workload.spec.template.spec.containers.flatMap((c: any) =>
          (c.ports ?? []).map((p: any) => p.name),
        );
        expect(ports).toContain(pm.spec.podMetricsEndpoints[0].port);
        expect(pm.metadata.labels).toMatchObject(selectedBy);
        expect(pm.spec.podMetricsEndpoints[0].relabelings).toEqual([
          { action: 'replace', targetLabel: 'job', replacement: pm.metadata.name },
          {
            action: 'replace',
            sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
            targetLabel: 'component',
          },
        ]);
      }
      for (const r of rules) expect(r.metadata.labels).toMatchObject(selectedBy);
    });

    test('PrometheusRules and PodMonitors are valid against the CRDs', () => {
      expect(monitoring.length).toBeGreaterThan(0);
      expect(validateAll(monitoring)).toEqual([]);
    });

    (hasPromtool ? test : test.skip)(
      'promtool check rules accepts the PrometheusRule groups as written',
      () => {
        const files: Record<string, unknown> = {};
        for (const m of rules) files[`${m.metadata.name}.yaml`] = { groups: m.spec.groups };
        const run = promtool(() => ['check', 'rules', ...Object.keys(files)], files);
        expect(run.output).not.toMatch(/FAILED/);
        expect(run.status).toBe(0);
      },
    );

    test("an alert on the generator's span metrics is evaluated by a Prometheus that receives them", () => {
      expectSpanMetricAlertsWhereSeriesAre(objects, env);
    });
  });
}

/** Whether an alert of the objects reads the span metrics of Tempo's generator. */
export function readsGeneratedSpanMetrics(objects: readonly any[]): boolean {
  return objects
    .filter((o) => o?.kind === 'PrometheusRule')
    .flatMap((o) => o.spec.groups.flatMap((g: any) => g.rules))
    .filter((r: any) => r.alert)
    .some((r: any) =>
      [SPAN_METRICS.calls, SPAN_METRICS.latencyBucket].some((n) => String(r.expr).includes(n)),
    );
}

/**
 * An alert on the span metrics Tempo's generator remote-writes is evaluated by a Prometheus that
 * receives them: one of Tempo's remote-write URLs is the remote-write receiver of a Service in the
 * namespace of the Prometheus that loads the rules (`networkPolicies.prometheusNamespace`). Written
 * by hand here, apart from the model's `generatedSeriesReachRules`. Also run on every example
 * (test/span-metric-alerts.test.ts).
 */
export function expectSpanMetricAlertsWhereSeriesAre(
  objects: readonly any[],
  env: EnvironmentDefinition,
): void {
  if (!readsGeneratedSpanMetrics(objects)) return;
  const tempoConfigs = objects.filter((o) => o?.kind === 'ConfigMap' && o.data?.['tempo.yaml']);
  const urls: string[] = tempoConfigs.flatMap(
    (cm) =>
      parse(cm.data['tempo.yaml']).metrics_generator?.storage?.remote_write?.map((r: any) => r.url) ?? [],
  );
  const tempoNamespace = tempoConfigs[0].metadata.namespace;
  const promNs = env.networkPolicies?.prometheusNamespace ?? 'monitoring';
  const reaches = urls.some((u) => {
    const url = new URL(u);
    const labels = url.hostname.split('.');
    const ns =
      labels.length === 1 ? tempoNamespace : /\.svc(\.cluster\.local)?$/.test(url.hostname) ? labels[1] : '';
    return ns === promNs && url.pathname.replace(/\/+$/, '') === '/api/v1/write';
  });
  expect({ urls, promNs, reaches }).toEqual({ urls, promNs, reaches: true });
}

/** Walks every query of a dashboard, rows included. */
export function dashboardTargets(dashboard: any): any[] {
  return (dashboard.panels ?? []).flatMap((p: any) => [
    ...(p.targets ?? []).map((t: any) => ({ ...t, panel: p })),
    ...dashboardTargets({ panels: p.panels }),
  ]);
}

function describeGrafana(s: StackUnderTest): void {
  const { env, charts, objects } = s;
  describe('Grafana', () => {
    if (env.grafana === false) {
      test('grafana: false writes no datasource or dashboard', () => {
        expect(charts.grafana).toBeUndefined();
        expect([...s.files.keys()].filter((p) => p.startsWith('grafana/'))).toEqual([]);
      });
      return;
    }
    const settings = env.grafana ?? {};
    const g = charts.grafana!.provisioning;
    const paths = parse(s.files.get('kustomization.yaml')!).resources as string[];
    const grafanaObjects = objects.filter((_, i) => paths[i]!.startsWith('grafana/'));
    const configMaps = grafanaObjects.filter((m) => m.metadata.name.includes('-dashboard-'));
    const known = new Set([g.tempoDatasource.uid, g.prometheus.uid, ...(g.loki ? [g.loki.uid] : [])]);
    const custom = new Set((settings.dashboards ?? []).map((d) => d.slug));

    test('the datasources ConfigMap carries the sidecar label', () => {
      const cm = grafanaObjects.filter((m) => m.metadata.name.endsWith('-datasources'));
      expect(cm).toHaveLength(1);
      expect(cm[0].metadata.labels).toMatchObject(settings.datasourceLabel ?? { grafana_datasource: '1' });
    });

    test('dashboard ConfigMaps carry the sidecar label and the folder annotation', () => {
      expect(configMaps.length).toBe(g.dashboards.length);
      const stackId = env.namespace ?? `tracing-${env.name}`;
      for (const cm of configMaps) {
        expect(cm.metadata.labels).toMatchObject(settings.dashboardLabel ?? { grafana_dashboard: '1' });
        // The folder annotation, and the sync wave every object of the folder gets.
        const { 'argocd.argoproj.io/sync-wave': wave, ...annotations } = cm.metadata.annotations;
        expect(annotations).toEqual(settings.folderAnnotation ?? { grafana_folder: 'Tracing' });
        expect(Number(wave)).toBe(SYNC_WAVES.ConfigMap);
        expect(JSON.parse(Object.values<string>(cm.data)[0]!).uid).toBe(
          `${stackId}-${cm.metadata.name.split('-dashboard-')[1]}`.slice(0, 40),
        );
      }
    });

    test('every panel and query uses a datasource UID this environment provisions or references', () => {
      for (const d of g.dashboards) {
        const ts = dashboardTargets(d.json);
        if (!custom.has(d.slug)) expect(ts.length).toBeGreaterThan(3);
        for (const t of ts) {
          expect(known).toContain(t.datasource.uid);
          expect(known).toContain(t.panel.datasource.uid);
        }
      }
    });

    test('panels fit the 24-column grid and never overlap', () => {
      const problems: string[] = [];
      for (const d of g.dashboards) {
        const cells = new Set<string>();
        for (const p of (d.json as any).panels) {
          const { x, y, w, h } = p.gridPos;
          if (x + w > 24) problems.push(`${d.slug}/${p.title}: beyond column 24`);
          for (let i = x; i < x + w; i++)
            for (let j = y; j < y + h; j++) {
              if (cells.has(`${i},${j}`)) problems.push(`${d.slug}/${p.title}: overlaps at ${i},${j}`);
              cells.add(`${i},${j}`);
            }
        }
      }
      expect(problems).toEqual([]);
    });

    test('every PromQL parses and reads only metrics the stack exposes', () => {
      const tempo = charts.tempo.tempo;
      const exposed = new Set<string>([
        ...tempoExposedMetrics(
          tempo.settings.line,
          tempo.settings.kafka !== undefined,
          false,
          tempo.caches.length > 0,
        ),
        ...Object.values(COLLECTOR_METRICS),
        ...Object.values(PLATFORM_METRICS),
        ...(tempo.generates('span-metrics') ? [SPAN_METRICS.calls, SPAN_METRICS.latencyBucket] : []),
        ...(charts.collector?.gateway?.spanMetrics
          ? [COLLECTOR_SPAN_METRICS.calls, COLLECTOR_SPAN_METRICS.latencyBucket]
          : []),
        ...(tempo.generates('service-graphs') ? [SERVICE_GRAPH_METRICS.requests] : []),
        ...(charts.gateway ? Object.values(NGINX_EXPORTER_METRICS) : []),
      ]);
      for (const t of g.dashboards.flatMap((d) => dashboardTargets(d.json)).filter((x) => x.expr)) {
        const expr = t.expr.replace(/\$__(rate_interval|range)/g, '5m');
        checkPromQL(expr, 'test');
        for (const m of metricNames(expr)) expect(exposed).toContain(m);
      }
    });
  });
}

function describeComponents(s: StackUnderTest): void {
  const configs = s.objects
    .filter((m) => m.kind === 'ConfigMap' && m.data?.['collector.yaml'])
    .map((m) => ({ name: `${s.env.name}/${m.metadata.name}`, config: m.data['collector.yaml'] as string }));

  describe('collector', () => {
    test('collector configs exactly when the environment has a collector', () => {
      if (s.env.collector === false) expect(configs).toEqual([]);
      else expect(configs.length).toBeGreaterThan(0);
    });

    (hasOtelcol ? test : test.skip)(
      'otelcol validate accepts every collector config without a word',
      async () => {
        expect(await validateConfigs(configs)).toEqual([]);
      },
    );

    (hasOtelcol ? test : test.skip)('every component is named by its primary name in this release', () => {
      const names = componentNames();
      expect(
        configs.flatMap((c) => nonPrimaryComponents(parse(c.config), names).map((id) => `${c.name}: ${id}`)),
      ).toEqual([]);
    });
  });
}
