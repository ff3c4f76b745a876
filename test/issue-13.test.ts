/**
 * The five bugs of issue 13, each reproduced through the public pipeline only (environment →
 * rendered objects → network evaluator, or → SUMMARY.md), so every test here failed on the code
 * before the flow model.
 */
import { Size } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import type { EnvironmentDefinition } from '../environments/types';
import { EXAMPLES } from '../examples';
import { renderEnvironment } from '../lib/synth';
import { mayReach, NetworkPolicyObject, PodEndpoint } from './helpers/network-evaluator';

const example = (n: string) => EXAMPLES.find((e) => e.name === n)!;
const render = (env: EnvironmentDefinition) => renderEnvironment(env, buildEnvironment, summarizeEnvironment);
const policiesOf = (m: readonly any[]): NetworkPolicyObject[] => m.filter((o) => o.kind === 'NetworkPolicy');
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
      for (const pod of receiving)
        for (const [port, protocol] of [
          [4317, 'TCP'],
          [4318, 'TCP'],
          [14250, 'TCP'],
          [14268, 'TCP'],
          [6831, 'UDP'],
          [6832, 'UDP'],
          [9411, 'TCP'],
        ] as const)
          expect(mayReach(policiesOf(m), shop, pod, port, protocol)).toBe(true);
    },
  );
});

describe('issue 13, bug 2: remote write goes to the host and port of its URL', () => {
  test('tempo-values: the metrics generator reaches mimir-gateway in observability on 8080', () => {
    const m = render(example('tempo-values')).manifests as readonly any[];
    const generator = podsOf(m).find((p) => p.labels['app.kubernetes.io/component'] === 'metrics-generator')!;
    const mimir = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'mimir' } };
    expect(mayReach(policiesOf(m), generator, mimir, 8080)).toBe(true);
  });
});

describe('issue 13, bug 3: a shared namespace is neither relabelled nor locked down', () => {
  test.each(['tempo-values', 'ybuilt'])('%s: foreign workloads in observability keep their traffic', (n) => {
    const m = render(example(n)).manifests as readonly any[];
    expect(m.filter((o) => o.kind === 'Namespace')).toEqual([]);
    const policies = policiesOf(m);
    const loki = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'loki' } };
    const promtail = { namespace: 'observability', labels: { 'app.kubernetes.io/name': 'promtail' } };
    expect(mayReach(policies, promtail, loki, 3100)).toBe(true);
    expect(mayReach(policies, shop, loki, 3100)).toBe(true);
    expect(mayReach(policies, loki, { ip: '52.95.110.1' }, 443)).toBe(true);
  });
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
    const s = summaryOf({ name: 'x', tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20) }) } });
    const storage = s.split('\n').find((l) => l.startsWith('- **Storage**'))!;
    expect(storage.match(/20Gi/g)).toHaveLength(1);
  });
});
