import { renderEnvironment } from '../lib/synth';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import { EXAMPLES } from '../examples';
import type { EnvironmentDefinition } from '../environments/types';
import { peerName } from '../constructs/common/flows';
import { mayReach, PodEndpoint } from './helpers/network-evaluator';
import { networkPolicies, probes, renderedPods } from './helpers/flow-probes';

function render(env: EnvironmentDefinition) {
  let charts!: EnvironmentCharts;
  const r = renderEnvironment(env, (scope, e) => (charts = buildEnvironment(scope, e)));
  return { charts, manifests: r.manifests as readonly any[], files: r.files };
}

const ALL = [...ENVIRONMENTS, ...EXAMPLES];

describe.each(ALL.map((e) => [e.name, e] as const))('flows of %s', (_name, env) => {
  const { charts, manifests } = render(env);
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

  test('every pod of the stack is isolated both ways by a policy of its own', () => {
    for (const pod of pods) {
      expect(mayReach(policies, pod, { ip: '203.0.113.9' }, 8443)).toBe(false);
      expect(mayReach(policies, { namespace: 'elsewhere', labels: {} }, pod, 3200)).toBe(false);
    }
  });

  test('undeclared flows are denied: metrics and gossip ports, receivers behind the collector, query API', () => {
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

describe('flow options', () => {
  const policiesOf = (env: EnvironmentDefinition) => {
    const { charts, manifests } = render(env);
    return { charts, policies: networkPolicies(manifests), pods: renderedPods(manifests) };
  };

  test('ingestNamespaces limits who may send; directIngest also opens the gateway and Tempo', () => {
    const limited = policiesOf({ name: 'x', networkPolicies: { ingestNamespaces: ['apps'] } });
    const agent = limited.pods.find((p) => p.labels['app.kubernetes.io/component'] === 'agent')!;
    expect(mayReach(limited.policies, { namespace: 'apps', labels: {} }, agent, 4317)).toBe(true);
    expect(mayReach(limited.policies, { namespace: 'shop', labels: {} }, agent, 4317)).toBe(false);
    const direct = policiesOf({ name: 'x', networkPolicies: { directIngest: true } });
    for (const component of ['gateway', 'single-binary']) {
      const pod = direct.pods.find((p) => p.labels['app.kubernetes.io/component'] === component)!;
      expect(mayReach(direct.policies, { namespace: 'shop', labels: {} }, pod, 4317)).toBe(true);
    }
  });

  test('without agents the gateway is the entry point; moved receivers are what is opened', () => {
    const { policies, pods } = policiesOf({
      name: 'x',
      collector: {
        agent: false,
        gateway: { receivers: { otlpGrpc: { port: 14317 }, otlpHttp: { port: 14318 } } },
      },
    });
    const gw = pods.find((p) => p.labels['app.kubernetes.io/component'] === 'gateway')!;
    const shop = { namespace: 'shop', labels: {} };
    expect(mayReach(policies, shop, gw, 14317)).toBe(true);
    expect(mayReach(policies, shop, gw, 14318)).toBe(true);
    expect(mayReach(policies, shop, gw, 4317)).toBe(false);
  });

  test('in-cluster object storage (MinIO) is reached in its namespace on the endpoint port only', () => {
    const { policies, pods } = policiesOf(ENVIRONMENTS.find((e) => e.name === 'staging')!);
    const tempo = pods.find((p) => p.labels['app.kubernetes.io/name'] === 'tempo')!;
    expect(mayReach(policies, tempo, { namespace: 'minio', labels: { app: 'minio' } }, 9000)).toBe(true);
    expect(mayReach(policies, tempo, { namespace: 'minio', labels: { app: 'minio' } }, 9001)).toBe(false);
    expect(mayReach(policies, tempo, { ip: '52.95.110.1' }, 9000)).toBe(false);
  });

  test('enabled: false writes no NetworkPolicy (the flows are still planned for SUMMARY.md)', () => {
    const { charts, policies } = policiesOf({ name: 'x', networkPolicies: { enabled: false } });
    expect(policies).toEqual([]);
    expect(charts.network).toBeUndefined();
    expect(charts.flows.flows.length).toBeGreaterThan(0);
  });

  test('defaultDeny: false drops only the stack-scoped default deny', () => {
    const { policies } = policiesOf({ name: 'x', networkPolicies: { defaultDeny: false } });
    expect(policies.map((p) => p.metadata.name)).not.toContain('tracesynth-default-deny');
    expect(policies.map((p) => p.metadata.name)).toContain('tempo');
  });
});
