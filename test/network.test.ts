import { renderEnvironment } from '../lib/synth';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { EXAMPLES } from '../examples';
import type { EnvironmentDefinition } from '../environments/types';
import { mayReach, PodEndpoint, NetworkPolicyObject } from './helpers/network-evaluator';
import { networkPolicies, renderedPods } from './helpers/flow-probes';
import { describeFlows } from './helpers/environment-checks';
import { STAGING } from './fixtures/stacks';
import { Size } from 'cdk8s';
import { summarizeEnvironment } from '../charts/summary';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoStorage } from '../constructs/tempo/tempo-storage';

function render(env: EnvironmentDefinition) {
  let charts!: EnvironmentCharts;
  const r = renderEnvironment(env, (scope, e) => (charts = buildEnvironment(scope, e)));
  return { charts, manifests: r.manifests as readonly any[], files: r.files };
}

// The environments' flows are checked with every environment-level check
// (test/helpers/environment-checks.ts); the examples' here, by the same checks.
describe.each(EXAMPLES.map((e) => [e.name, e] as const))('flows of %s', (_name, env) => {
  const { charts, manifests } = render(env);
  describeFlows(charts, manifests, env);
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
    const { policies, pods } = policiesOf(STAGING);
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

// The five flow bugs of issue 13.
describe('the five flow bugs of issue 13', () => {
  /**
   * The five bugs of issue 13, each reproduced through the public pipeline only (environment →
   * rendered objects → network evaluator, or → SUMMARY.md), so every test here failed on the code
   * before the flow model.
   */
  const example = (n: string) => EXAMPLES.find((e) => e.name === n)!;
  const render = (env: EnvironmentDefinition) =>
    renderEnvironment(env, buildEnvironment, summarizeEnvironment);
  const policiesOf = (m: readonly any[]): NetworkPolicyObject[] =>
    m.filter((o) => o.kind === 'NetworkPolicy');
  const podsOf = (m: readonly any[]): PodEndpoint[] =>
    m
      .filter((o) => ['StatefulSet', 'Deployment', 'DaemonSet'].includes(o.kind))
      .map((w) => ({
        namespace: w.metadata.namespace,
        labels: w.spec.template.metadata.labels,
        ports: w.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []),
      }));
  const summaryOf = (env: EnvironmentDefinition) =>
    render(env).files.find((f) => f.path === 'SUMMARY.md')!.content;
  const shop = { namespace: 'shop', labels: { app: 'checkout' } };

  describe('issue 13, bug 1: without a collector, applications reach Tempo', () => {
    test.each(['yc-dev', 'tempo-values'])(
      '%s: every receiver (OTLP, Jaeger, Zipkin) of the receiving pods',
      (n) => {
        const m = render(example(n)).manifests as readonly any[];
        const receiving = podsOf(m).filter((p) => p.ports!.some((c) => c.name === 'otlp-grpc'));
        expect(receiving.length).toBeGreaterThan(0);
        for (const pod of receiving) {
          // Every receiver the pod serves (Jaeger Thrift over UDP only where it is asked for).
          const receivers = pod.ports!.filter((c: any) => !['http', 'grpc', 'gossip'].includes(c.name));
          expect(receivers.map((c: any) => c.containerPort)).toEqual(
            expect.arrayContaining([4317, 4318, 14250, 14268, 9411]),
          );
          for (const c of receivers)
            expect(mayReach(policiesOf(m), shop, pod, c.containerPort, c.protocol as 'TCP' | 'UDP')).toBe(
              true,
            );
        }
      },
    );
  });

  describe('issue 13, bug 2: remote write goes to the host and port of its URL', () => {
    test('tempo-values: the metrics generator reaches mimir-gateway in observability on 8080', () => {
      const m = render(example('tempo-values')).manifests as readonly any[];
      const generator = podsOf(m).find(
        (p) => p.labels['app.kubernetes.io/component'] === 'metrics-generator',
      )!;
      const mimir = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'mimir' } };
      expect(mayReach(policiesOf(m), generator, mimir, 8080)).toBe(true);
    });
  });

  describe('issue 13, bug 3: a shared namespace is neither relabelled nor locked down', () => {
    test.each(['tempo-values', 'ybuilt'])(
      '%s: foreign workloads in observability keep their traffic',
      (n) => {
        const m = render(example(n)).manifests as readonly any[];
        expect(m.filter((o) => o.kind === 'Namespace')).toEqual([]);
        const policies = policiesOf(m);
        const loki = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'loki' } };
        const promtail = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'promtail' } };
        expect(mayReach(policies, promtail, loki, 3100)).toBe(true);
        expect(mayReach(policies, shop, loki, 3100)).toBe(true);
        expect(mayReach(policies, loki, { ip: '52.95.110.1' }, 443)).toBe(true);
      },
    );
  });

  describe('issue 13, bug 4: an agent on hostPort with the default NetworkPolicies', () => {
    test('synthesizes, every file path distinct, and the agent receives and forwards', () => {
      const r = render({ name: 'x', collector: { agent: { hostPort: { namespace: 'otel-host' } } } });
      expect(new Set(r.files.map((f) => f.path)).size).toBe(r.files.length);
      const m = r.manifests as readonly any[];
      const pods = podsOf(m);
      const agent = pods.find((p) => p.namespace === 'otel-host')!;
      const gateway = pods.find((p) => p.labels['app.kubernetes.io/component'] === 'gateway')!;
      expect(mayReach(policiesOf(m), shop, agent, 4317)).toBe(true);
      expect(mayReach(policiesOf(m), agent, gateway, 4317)).toBe(true);
    });
  });

  describe('issue 13, bug 5: SUMMARY.md tells the truth', () => {
    test('head sampling with a renamed agent is reported', () => {
      const s = summaryOf({
        name: 'x',
        collector: { sampling: CollectorSampling.head({ percentage: 25 }), agent: { name: 'edge' } },
      });
      expect(s).toContain('**Sampling**: head at the agents: 25 % of traces');
    });

    test('hostPort receivers moved to 14317/14318 are reported where they are', () => {
      const s = summaryOf({
        name: 'x',
        // Policies off: the old code crashed on hostPort with them (bug 4) before writing the summary.
        networkPolicies: { enabled: false },
        collector: {
          agent: {
            hostPort: { namespace: 'otel-host' },
            receivers: { otlpGrpc: { port: 14317 }, otlpHttp: { port: 14318 } },
          },
        },
      });
      expect(s).toContain('hostPort 14317/14318');
      expect(s).not.toContain('4317/4318 in');
    });

    test('an unmanaged namespace is not said to enforce restricted', () => {
      const s = summaryOf({ name: 'x', namespace: 'monitoring', manageNamespace: false });
      expect(s).not.toContain('enforces `restricted`');
      expect(s).toContain('`monitoring`, shared, not managed by this app');
    });

    test('a local PVC is listed once', () => {
      const s = summaryOf({
        name: 'x',
        tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20) }) },
      });
      const storage = s.split('\n').find((l) => l.startsWith('- **Storage**'))!;
      expect(storage.match(/20Gi/g)).toHaveLength(1);
    });
  });
});
