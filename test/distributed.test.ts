import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { TempoChart } from '../charts/tempo-chart';
import { planCapacity2 as planCapacity } from '../constructs/tempo/capacity';
import { TempoProps } from '../constructs/tempo/tempo';
import { validateAll } from './helpers/k8s-schema';
import { restrictedViolations, selectorViolations } from './helpers/invariants';
import { synthTempo } from './helpers/tempo-chart';
import { tempoConfigProblems } from './helpers/tempo-schema';

describe('Tempo 2.10 capacity model (hand-computed)', () => {
  test('100K spans/s × 1 KB × 10 % = 10 MB/s, no headroom', () => {
    const p = planCapacity({ spansPerSecond: 100_000, avgSpanBytes: 1000, samplingPercent: 10, headroom: 0 });
    expect(p.tempoMBps).toBeCloseTo(10);
    // distributor: 10/10 = 1 → 2 for HA; ingester: 10 × RF 3 = 30 MB/s / 4 = 7.5 → 8;
    // querier: 10 / 1.5 = 6.7 → 7; query-frontend: 2; compactor: 10 / 4 = 2.5 → 3.
    expect(
      [p.distributor, p.ingester, p.querier, p.queryFrontend, p.compactor].map((c) => c.replicas),
    ).toEqual([2, 8, 7, 2, 3]);
    expect(p.distributor.requests).toEqual({ cpu: '2', memory: '2Gi' });
    expect(p.ingester.requests).toEqual({ cpu: '2500m', memory: '8Gi' });
    // gateway: 100,000 spans/s / 15,000 = 6.7 → 7 replicas; 10,000 traces/s / 7 = 1,429 per replica;
    // num_traces = 2 × 1,429 × 10 s = 28,571 → 29,000.
    expect(p.gateway).toMatchObject({ replicas: 7, numTraces: 29_000, expectedNewTracesPerSec: 1429 });
  });

  test('30 % headroom (the default) and replication factor', () => {
    const p = planCapacity({ spansPerSecond: 100_000, samplingPercent: 10 });
    expect(p.tempoMBps).toBeCloseTo(13);
    expect([p.distributor, p.ingester, p.querier, p.compactor].map((c) => c.replicas)).toEqual([2, 10, 9, 4]);
    expect(
      planCapacity({ spansPerSecond: 100_000, samplingPercent: 10, headroom: 0, replicationFactor: 1 })
        .ingester.replicas,
    ).toBe(3);
    expect(planCapacity({ spansPerSecond: 1000, headroom: 0, replicationFactor: 5 }).ingester.replicas).toBe(
      5,
    );
  });

  test('small traffic still gets HA minimums; large traffic scales linearly', () => {
    const small = planCapacity({ spansPerSecond: 10 });
    expect(
      [small.distributor, small.ingester, small.querier, small.queryFrontend, small.compactor].map(
        (c) => c.replicas,
      ),
    ).toEqual([2, 3, 2, 2, 1]);
    const big = planCapacity({ spansPerSecond: 1_000_000, samplingPercent: 10, headroom: 0 });
    expect(big.distributor.replicas).toBe(10);
    expect(big.ingester.replicas).toBe(75);
  });

  test('the reasons explain every number', () => {
    const p = planCapacity({ spansPerSecond: 100_000, samplingPercent: 10, headroom: 0 });
    expect(p.reasons[0]).toBe(
      'Tempo receives 100,000 spans/s × 1000 B × 10 % = 10 MB/s; with 0 % headroom 10 MB/s',
    );
    expect(p.reasons).toContain(
      'ingester: 8 (replication factor 3 makes 30 MB/s of ingester traffic, 1 per 4 MB/s, at least 3)',
    );
  });
});

/** Tempo 2.10 on `s3()`, with `tempo` on top. */
const synth = (tempo: TempoProps) => synthTempo({ version: '2.10', ...tempo });

describe('Tempo 2.10 distributed', () => {
  const d = synth({
    distributed: { capacity: { spansPerSecond: 100_000, samplingPercent: 10, headroom: 0 } },
    metricsGenerator: { remoteWrite: [{ url: 'http://p:9090/api/v1/write' }] },
  });
  const workloads = d.manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind));
  const byComponent = (c: string) =>
    workloads.find((w) => w.spec.template.metadata.labels['app.kubernetes.io/component'] === c);

  test('one workload per component, each started with -target=<component>, sized by the capacity plan', () => {
    expect(workloads.map((w) => `${w.kind}/${w.metadata.name}=${w.spec.replicas}`).sort()).toEqual([
      'Deployment/tempo-compactor=3',
      'Deployment/tempo-distributor=2',
      'Deployment/tempo-querier=7',
      'Deployment/tempo-query-frontend=2',
      'StatefulSet/tempo-ingester=8',
      'StatefulSet/tempo-metrics-generator=1',
    ]);
    for (const w of workloads) {
      const c = w.spec.template.metadata.labels['app.kubernetes.io/component'];
      expect(w.spec.template.spec.containers[0].args).toContain(`-target=${c}`);
    }
    expect(d.config.target).toBeUndefined();
  });

  test('ports: receivers only on distributors, HTTP/gRPC/gossip everywhere; probes on /ready', () => {
    for (const w of workloads) {
      const c = w.spec.template.spec.containers[0];
      const names = c.ports.map((p: any) => p.name);
      expect(names).toEqual(expect.arrayContaining(['http', 'grpc', 'gossip']));
      expect(names.includes('otlp-grpc')).toBe(w.metadata.name === 'tempo-distributor');
      expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    }
  });

  test('PDBs allow one pod down at a time; pods spread over nodes and zones', () => {
    expect(d.find('PodDisruptionBudget', 'tempo-ingester').spec).toEqual({
      maxUnavailable: 1,
      selector: byComponent('ingester').spec.selector,
    });
    for (const w of workloads) {
      expect(w.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
    }
    expect(byComponent('ingester').spec.volumeClaimTemplates[0].metadata.name).toBe('storage');
  });

  test('the ring: join_members resolves the gossip Service, which selects every component on 7946', () => {
    expect(d.config.memberlist).toEqual({
      cluster_label: 'tempo.tracing',
      // dskit's StringSliceCSVMulti (both lines) reads a comma-separated string or a list.
      join_members: 'dns+tempo-gossip-ring.tracing.svc.cluster.local:7946',
      bind_port: 7946,
    });
    const gossip = d.find('Service', 'tempo-gossip-ring');
    expect(gossip.spec).toMatchObject({
      clusterIP: 'None',
      ports: [{ name: 'gossip', port: 7946, targetPort: 'gossip' }],
    });
    for (const w of workloads) {
      expect(
        Object.entries(gossip.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v),
      ).toBe(true);
    }
    for (const ring of [
      d.config.distributor.ring,
      d.config.ingester.lifecycler.ring,
      d.config.compactor.ring,
      d.config.metrics_generator.ring,
    ]) {
      expect(ring.kvstore).toEqual({ store: 'memberlist' });
    }
    expect(d.config.ingester.lifecycler.ring.replication_factor).toBe(3);
  });

  test('queriers reach the query-frontend through its headless gRPC Service', () => {
    const [host, port] = d.config.querier.frontend_worker.frontend_address.split(':');
    expect(host).toBe('tempo-query-frontend-discovery.tracing.svc.cluster.local');
    const svc = d.find('Service', 'tempo-query-frontend-discovery');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ name: 'grpc', port: Number(port) })]);
    expect(svc.spec.selector).toEqual(byComponent('query-frontend').spec.selector.matchLabels);
  });

  test('Services: receivers point at the distributors, the query API at the query-frontend; attributes unchanged', () => {
    expect(d.find('Service', 'tempo').spec.selector['app.kubernetes.io/component']).toBe('distributor');
    expect(d.find('Service', 'tempo-query-frontend').spec.selector['app.kubernetes.io/component']).toBe(
      'query-frontend',
    );
    expect(d.tempo.otlpGrpcEndpoint).toBe('tempo.tracing.svc.cluster.local:4317');
    expect(d.tempo.queryUrl).toBe('http://tempo-query-frontend.tracing.svc.cluster.local:3200');
  });

  test('gRPC clients balance over every distributor: headless Service, round_robin target, rotated connections', () => {
    const headless = d.find('Service', 'tempo-distributor-headless');
    // Only ready distributors, only the OTLP gRPC port.
    expect(headless.spec).toEqual({
      clusterIP: 'None',
      selector: byComponent('distributor').spec.selector.matchLabels,
      ports: [expect.objectContaining({ name: 'otlp-grpc', port: 4317 })],
    });
    expect(d.tempo.otlpGrpcTarget).toEqual({
      endpoint: 'dns:///tempo-distributor-headless.tracing.svc.cluster.local:4317',
      balancerName: 'round_robin',
      serverName: 'tempo.tracing.svc.cluster.local',
    });
    expect(d.config.distributor.receivers.otlp.protocols.grpc.keepalive).toEqual({
      server_parameters: { max_connection_age: '2m', max_connection_age_grace: '30s' },
    });
    // The single binary is one pod: the plain Service, no rotation.
    const single = new TempoChart(Testing.app(), 'tempo', { namespace: 'tracing' });
    expect(single.tempo.otlpGrpcTarget).toEqual({ endpoint: 'tempo.tracing.svc.cluster.local:4317' });
    expect(
      parse(
        Testing.synth(single).find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'tempo-config').data[
          'tempo.yaml'
        ],
      ).distributor.receivers.otlp.protocols.grpc,
    ).toEqual({ endpoint: '0.0.0.0:4317' });
  });

  test('config passes the Tempo 2.10.8 key check; objects are valid and restricted', () => {
    expect(tempoConfigProblems(d.config, '2.10.8')).toEqual([]);
    expect(validateAll(d.manifests)).toEqual([]);
    expect(restrictedViolations(d.manifests)).toEqual([]);
    expect(selectorViolations(d.manifests)).toEqual([]);
  });

  test('explicit component settings override the plan; HPAs for distributor, querier, query-frontend', () => {
    const o = synth({
      distributed: {
        capacity: { spansPerSecond: 100_000 },
        ingester: { replicas: 4 },
        queryFrontend: { autoscaling: { minReplicas: 2, maxReplicas: 4 } },
      },
    });
    expect(o.find('StatefulSet', 'tempo-ingester').spec.replicas).toBe(4);
    const hpa = o.find('HorizontalPodAutoscaler', 'tempo-query-frontend');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 4,
      scaleTargetRef: { kind: 'Deployment', name: 'tempo-query-frontend' },
    });
    expect(o.find('Deployment', 'tempo-query-frontend').spec.replicas).toBeUndefined();
  });

  test('without a capacity target, per-component defaults', () => {
    const plain = synth({ distributed: {} });
    expect(
      plain.manifests
        .filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind))
        .map((w) => w.spec.replicas),
    ).toEqual([2, 3, 2, 2, 1]);
  });
});
