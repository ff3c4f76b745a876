/**
 * The read path (issue 23, "Caches" and "Query-path capacity"): memcached pools by typed
 * reference, Tempo's `cache.caches` on both lines, the read-path capacity model, the flows each
 * role needs, the objects, alerts, and bad input.
 */
import { peerName } from '../constructs/common/flows';
import { Memcached } from '../constructs/memcached/memcached';
import { alertGroups } from '../constructs/monitoring/alerts';
import {
  planCapacity,
  planCapacity2,
  planReadPath,
  READ_PATH_RULES,
  ReadPathInput,
} from '../constructs/tempo/capacity';
import type { TempoProps } from '../constructs/tempo/tempo';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { PROD, renderStack, STAGING } from './fixtures/stacks';
import type { EnvironmentDefinition } from '../environments/types';
import { EXAMPLES } from '../examples';
import { expectError } from './helpers/errors';
import { kafka, synthTempo } from './helpers/tempo-chart';
import { networkPolicies, probes, renderedPods } from './helpers/flow-probes';
import { restrictedViolations, selectorViolations, portMismatches } from './helpers/invariants';
import { validateAll } from './helpers/k8s-schema';
import { mayReach } from './helpers/network-evaluator';
import { tempoConfigProblems } from './helpers/tempo-schema';

const CAPACITY = { spansPerSecond: 100_000, samplingPercent: 10 };
const existing = (extra: object = {}) =>
  Memcached.existing({
    host: 'memcached.cache.svc.cluster.local',
    service: 'memcache',
    port: 11211,
    servers: { namespace: 'cache', podLabels: { 'app.kubernetes.io/name': 'memcached' } },
    ...extra,
  });

const synth = synthTempo;

describe('read-path capacity model (hand-computed)', () => {
  const plan = planCapacity(CAPACITY);
  const input: ReadPathInput = {
    retentionSeconds: 168 * 3600,
    bloomFalsePositive: 0.01,
    maxBytesPerTrace: 5_000_000,
    querierConcurrency: 20,
    cachePools: [
      [
        'bloom',
        'trace-id-index',
        'parquet-footer',
        'parquet-column-idx',
        'parquet-offset-idx',
        'frontend-search',
      ],
    ],
  };
  const rp = planReadPath(plan, input);

  test('13 MB/s of 1 KB spans in 10-span traces: 1,300 traces/s', () => {
    expect(plan.tracesPerSecond).toBeCloseTo(1300);
  });

  test('queriers: 4 Gi + 20 jobs × 5 MB × 8 = 4.75 → 5 Gi; query-frontend: 4 Gi + 9 × 20 × 5 MB × 2 = 5.68 → 6 Gi', () => {
    expect(rp.querier.requests.memory).toBe('5Gi');
    expect(rp.querier.limits.memory).toBe('7Gi');
    expect(rp.querier.replicas).toBe(9);
    expect(rp.queryFrontend.requests.memory).toBe('6Gi');
    expect(rp.queryFrontend.replicas).toBe(2);
  });

  test('blooms: 1,300 traces/s × 604,800 s × 9.585 bits / 8 = 942 MB = 899 MiB; the pool 2,758 MiB → 3 × 1,024 MiB', () => {
    expect(rp.bloomMiB).toBe(899);
    // (899 MiB blooms + as much for indexes) × 1.25 + 512 MiB search results.
    expect(rp.caches[0]!.requiredMiB).toBe(2758);
    expect(rp.caches[0]).toMatchObject({ replicas: 3, memoryMiBPerReplica: 1024 });
  });

  test('the working set grows with retention and a lower false-positive rate; parquet-page adds its allowance', () => {
    const longer = planReadPath(plan, { ...input, retentionSeconds: 720 * 3600 });
    expect(longer.bloomMiB).toBeGreaterThan(rp.bloomMiB * 4);
    expect(longer.caches[0]!.replicas * longer.caches[0]!.memoryMiBPerReplica).toBeGreaterThanOrEqual(
      longer.caches[0]!.requiredMiB,
    );
    const strict = planReadPath(plan, { ...input, bloomFalsePositive: 0.001 });
    expect(strict.bloomMiB).toBe(Math.ceil(rp.bloomMiB * 1.5) - 1);
    const pages = planReadPath(plan, { ...input, cachePools: [['parquet-page']] });
    expect(pages.caches[0]!.requiredMiB).toBe(READ_PATH_RULES.parquetPageMiB);
    // A big pool gets more pods, never more than 16 GiB each.
    const huge = planReadPath(planCapacity({ spansPerSecond: 2_000_000, samplingPercent: 50 }), input);
    expect(huge.caches[0]!.memoryMiBPerReplica).toBeLessThanOrEqual(READ_PATH_RULES.maxMemoryMiBPerReplica);
    expect(huge.caches[0]!.replicas * huge.caches[0]!.memoryMiBPerReplica).toBeGreaterThanOrEqual(
      huge.caches[0]!.requiredMiB,
    );
  });

  test('memory stays within size.md’s 4–20 GB; no pool without roles', () => {
    const big = planReadPath(plan, { ...input, maxBytesPerTrace: 200_000_000 });
    expect(big.querier.requests.memory).toBe('20Gi');
    expect(big.queryFrontend.requests.memory).toBe('20Gi');
    expect(planReadPath(plan, { ...input, cachePools: [] }).caches).toEqual([]);
  });

  test('2.10 plans the same read path', () => {
    const p2 = planReadPath(planCapacity2(CAPACITY), input);
    expect(p2.caches[0]!.requiredMiB).toBe(2758);
  });
});

describe('Tempo 3.0 microservices with a deployed memcached', () => {
  const d = synth({
    microservices: { kafka: kafka(), capacity: CAPACITY },
    retention: '168h',
    caches: [{ memcached: Memcached.deploy() }],
  });

  test('cache.caches: the default roles, SRV discovery of the headless Service, every client field written', () => {
    expect(d.config.cache).toEqual({
      background: { writeback_goroutines: 10, writeback_buffer: 10000 },
      caches: [
        {
          roles: [
            'bloom',
            'trace-id-index',
            'parquet-footer',
            'parquet-column-idx',
            'parquet-offset-idx',
            'frontend-search',
          ],
          memcached: {
            host: 'tempo-memcached.tracing.svc.cluster.local',
            service: 'client',
            consistent_hash: true,
            timeout: '200ms',
            max_idle_conns: 16,
            update_interval: '1m',
            max_item_size: 5 * 2 ** 20,
            circuit_breaker_consecutive_failures: 10,
            circuit_breaker_timeout: '10s',
            circuit_breaker_interval: '10s',
          },
        },
      ],
    });
    expect(tempoConfigProblems(d.config, '3.0.3')).toEqual([]);
  });

  test('the pool: StatefulSet sized by the plan, exporter sidecar, headless Service named for SRV, PDB', () => {
    const sts = d.find('StatefulSet', 'tempo-memcached');
    expect(sts.spec.replicas).toBe(3);
    const [mc, exporter] = sts.spec.template.spec.containers;
    expect(mc.image).toBe('memcached:1.6.45-alpine');
    expect(mc.args).toEqual(['-m', '1024', '-I', '5m', '-c', '4096']);
    // -m plus slab headers and connection buffers: 1.1 × 1024 + 128.
    expect(mc.resources.limits.memory).toBe('1255Mi');
    expect(mc.resources.requests.memory).toBe('1255Mi');
    expect(exporter.image).toBe('prom/memcached-exporter:v0.16.0');
    expect(exporter.args).toEqual(['--memcached.address=localhost:11211', '--web.listen-address=:9150']);
    expect(sts.spec.template.spec.securityContext.runAsUser).toBe(11211);
    expect(sts.spec.template.spec.automountServiceAccountToken).toBe(false);
    const svc = d.find('Service', 'tempo-memcached');
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.ports).toEqual([{ name: 'client', port: 11211, targetPort: 'client', protocol: 'TCP' }]);
    expect(d.find('PodDisruptionBudget', 'tempo-memcached').spec.maxUnavailable).toBe(1);
    expect(restrictedViolations(d.manifests)).toEqual([]);
    expect(selectorViolations(d.manifests)).toEqual([]);
    expect(portMismatches(d.manifests)).toEqual([]);
    expect(validateAll(d.manifests)).toEqual([]);
  });

  test('queriers and query-frontends take the read-path plan', () => {
    const q = d.find('Deployment', 'tempo-querier').spec.template.spec.containers[0];
    expect(q.resources.requests.memory).toBe('5Gi');
    const f = d.find('Deployment', 'tempo-query-frontend').spec.template.spec.containers[0];
    expect(f.resources.requests.memory).toBe('6Gi');
    expect(d.tempo.settings.capacity!.reasons.some((r) => r.startsWith('cache pool 0'))).toBe(true);
  });

  test('flows: exactly the components of each role reach the pool; the live-store does not', () => {
    const flows = d.tempo.connections.flows
      .filter((f) => peerName(f.to) === 'tempo-memcached' || peerName(f.from) === 'tempo-memcached')
      .map((f) => `${peerName(f.from)} -> ${peerName(f.to)} ${f.ports.map((p) => p.port).join(',')}`);
    expect(flows).toEqual([
      'tempo-backend-worker -> tempo-memcached 11211',
      'tempo-block-builder -> tempo-memcached 11211',
      'tempo-querier -> tempo-memcached 11211',
      'tempo-query-frontend -> tempo-memcached 11211',
      'prometheus -> tempo-memcached 9150',
    ]);
  });

  test('two pools: parquet-page alone on its own, each role once, each pool planned', () => {
    const two = synth({
      microservices: { kafka: kafka(), capacity: CAPACITY },
      caches: [
        { memcached: Memcached.deploy(), roles: ['bloom', 'parquet-footer', 'frontend-search'] },
        { memcached: Memcached.deploy({ maxItemSizeMiB: 16 }), roles: ['parquet-page'], timeout: '500ms' },
      ],
    });
    expect(two.config.cache.caches.map((c: any) => [c.roles, c.memcached.host, c.memcached.timeout])).toEqual(
      [
        [
          ['bloom', 'parquet-footer', 'frontend-search'],
          'tempo-memcached.tracing.svc.cluster.local',
          '200ms',
        ],
        [['parquet-page'], 'tempo-memcached-1.tracing.svc.cluster.local', '500ms'],
      ],
    );
    expect(two.find('StatefulSet', 'tempo-memcached-1').spec.template.spec.containers[0].args).toContain(
      '2816',
    );
    // parquet-page is read by queriers and backend-workers only.
    const pageClients = two.tempo.connections.flows
      .filter((f) => peerName(f.to) === 'tempo-memcached-1' && f.purpose.startsWith('memcached:'))
      .map((f) => peerName(f.from));
    expect(pageClients).toEqual(['tempo-backend-worker', 'tempo-querier']);
    expect(tempoConfigProblems(two.config, '3.0.3')).toEqual([]);
  });
});

describe('Tempo 2.10 and the single binary with an existing memcached', () => {
  test('2.10 distributed: the same cache block passes the 2.10.8 key model; ingesters and compactor write', () => {
    const d = synth({
      version: '2.10',
      distributed: {},
      caches: [{ memcached: existing({ maxItemSizeMiB: 2 }) }],
    });
    expect(d.config.cache.caches[0].memcached).toMatchObject({
      host: 'memcached.cache.svc.cluster.local',
      service: 'memcache',
      max_item_size: 2 * 2 ** 20,
    });
    expect(tempoConfigProblems(d.config, '2.10.8')).toEqual([]);
    expect(d.manifests.filter((m) => m.metadata.labels?.['app.kubernetes.io/name'] === 'memcached')).toEqual(
      [],
    );
    const clients = d.tempo.connections.flows
      .filter(
        (f) =>
          peerName(f.to) === 'memcached-servers (namespace cache)' || peerName(f.to) === 'memcached-servers',
      )
      .map((f) => peerName(f.from));
    expect(clients).toEqual(['tempo-compactor', 'tempo-ingester', 'tempo-querier', 'tempo-query-frontend']);
  });

  test('the single binary reaches the pool from its one pod, on 3.0.3 and 2.10.8', () => {
    for (const version of ['3.0', '2.10'] as const) {
      const d = synth({ version, caches: [{ memcached: Memcached.deploy({ replicas: 2 }) }] });
      expect(tempoConfigProblems(d.config, version === '3.0' ? '3.0.3' : '2.10.8')).toEqual([]);
      expect(d.find('StatefulSet', 'tempo-memcached').spec.replicas).toBe(2);
      const flows = d.tempo.connections.flows.filter(
        (f) => peerName(f.to) === 'tempo-memcached' && f.purpose.startsWith('memcached:'),
      );
      expect(flows.map((f) => peerName(f.from))).toEqual(['tempo']);
    }
  });

  test('the key model refuses what Tempo refuses: an unknown key, a role twice, an unknown role', () => {
    const d = synth({ caches: [{ memcached: Memcached.deploy() }] });
    const bad = structuredClone(d.config);
    bad.cache.caches[0].memcached.hostname = 'x';
    bad.cache.caches.push({ roles: ['bloom', 'pages'], memcached: { host: 'y' } });
    expect(tempoConfigProblems(bad, '3.0.3')).toEqual([
      'cache.caches[0].memcached.hostname: unknown key',
      'cache.caches[1].roles: "pages" is not a role',
      'cache.caches: role bloom is claimed twice',
    ]);
  });
});

describe('alerts on the caches', () => {
  test('client errors and hit ratio on tempo_memcache_request_duration_seconds_count; exporter alerts per deployed pool (prod-like)', () => {
    const { charts } = renderStack(PROD);
    const group = alertGroups(charts.monitoring!.monitoring.config).find(
      (g) => g.name === 'tempo-cache-alerts',
    )!;
    const alerts = group.rules.map((r) => ('alert' in r ? r.alert : ''));
    expect(alerts).toEqual([
      'TempoMemcachedErrors',
      'TempoMemcachedHitRatioLow',
      'TempoMemcachedDown',
      'TempoMemcachedConnectionsNearLimit',
    ]);
    const expr = group.rules.map((r) => r.expr).join('\n');
    expect(expr).toContain(
      'tempo_memcache_request_duration_seconds_count{namespace="tracing-prod", job="tempo", status_code="500"}',
    );
    expect(expr).toContain('method="Memcache.Get", status_code="200"');
    expect(expr).toContain('memcached_up{namespace="tracing-prod", job="tempo-memcached"}');
    const pm = charts.monitoring!.monitoring.scrapes.find((s) => s.name === 'tempo-memcached')!;
    expect(pm.port).toBe('metrics');
  });

  test('no cache, no cache alert; frontend-search alone: no hit-ratio alert (GetMulti shows no hits)', () => {
    const staging = renderStack(STAGING).charts;
    expect(alertGroups(staging.monitoring!.monitoring.config).map((g) => g.name)).not.toContain(
      'tempo-cache-alerts',
    );
    const { charts } = renderStack({
      name: 'fs',
      tempo: {
        storage: TempoStorage.local({} as any),
        caches: [{ memcached: existing(), roles: ['frontend-search' as const] }],
      },
    });
    const group = alertGroups(charts.monitoring!.monitoring.config).find(
      (g) => g.name === 'tempo-cache-alerts',
    )!;
    expect(group.rules.map((r) => ('alert' in r ? r.alert : ''))).toEqual(['TempoMemcachedErrors']);
  });

  test('the Tempo operations dashboard charts the caches: requests, errors and (with a backend role) the hit ratio', () => {
    const panelsOf = (env: EnvironmentDefinition) => {
      const cm = renderStack(env).manifests.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-dashboard-tempo-operations'),
      );
      const panels = JSON.parse(Object.values<string>(cm.data)[0]!).panels as any[];
      const row = panels.findIndex((p) => p.type === 'row' && p.title === 'Query caches');
      return row < 0 ? [] : panels.slice(row + 1, row + 3);
    };
    const prod = panelsOf(PROD);
    expect(prod.map((p) => [p.title, p.targets.map((t: any) => t.legendFormat)])).toEqual([
      ['Cache requests by pool and method', ['{{name}} {{method}}']],
      ['Cache errors and hit ratio', ['errors {{name}}', 'hit ratio {{name}}']],
    ]);
    expect(prod[1].targets[1].expr).toBe(
      'sum by (name) (rate(tempo_memcache_request_duration_seconds_count{namespace="tracing-prod", job="tempo", method="Memcache.Get", status_code="200"}[$__rate_interval]))\n/\nsum by (name) (rate(tempo_memcache_request_duration_seconds_count{namespace="tracing-prod", job="tempo", method="Memcache.Get", status_code=~"200|404"}[$__rate_interval]))',
    );
    expect(panelsOf(STAGING)).toEqual([]);
  });
});

describe('the prod-like stack and the multi-tenant microservices examples query through memcached', () => {
  test.each([
    ['prod (fixture)', PROD],
    ...['fawkes', 'migration-3', 'migration-2x'].map(
      (n) => [n, EXAMPLES.find((e) => e.name === n)!] as const,
    ),
  ] as const)('%s', (_name, env) => {
    const { charts, manifests } = renderStack(env);
    expect(charts.tempo.tempo.caches.length).toBe(1);
    const policies = networkPolicies(manifests);
    const pods = renderedPods(manifests);
    const querier = pods.find((p) => p.labels['app.kubernetes.io/component'] === 'querier')!;
    const distributor = pods.find((p) => p.labels['app.kubernetes.io/component'] === 'distributor')!;
    const pool = charts.tempo.tempo.caches[0]!;
    const servers = pool.pool
      ? pods.filter((p) => p.labels['app.kubernetes.io/name'] === 'memcached')
      : [{ namespace: pool.wiring.peer.namespace, labels: pool.wiring.peer.podLabels }];
    expect(servers.length).toBeGreaterThan(0);
    for (const s of servers) {
      expect(mayReach(policies, querier, s, 11211)).toBe(true);
      expect(mayReach(policies, distributor, s, 11211)).toBe(false);
    }
    // Every declared cache flow is allowed both ways.
    for (const f of charts.flows.flows.filter((x) => x.purpose.startsWith('memcached')))
      for (const from of probes(f.from, charts.flows, manifests))
        for (const to of probes(f.to, charts.flows, manifests))
          for (const p of f.ports) expect(mayReach(policies, from, to, p.port, p.protocol)).toBe(true);
  });
});

describe('cache bad input', () => {
  const t = (tempo: TempoProps) => () => synth(tempo);
  const micro = { kafka: kafka(), capacity: CAPACITY };

  test('each mistake: one line naming the property and the fix', () => {
    expectError(
      t({ caches: [{ memcached: 'memcached:11211' as any }] }),
      "tempo.caches[0].memcached: 'memcached:11211' is not a Memcached; a cache is a typed reference, not a hostname: give Memcached.deploy() or Memcached.existing({ host, service, port, servers })",
    );
    expectError(
      t({ microservices: micro, caches: [{ memcached: Memcached.deploy({ memoryMiB: 512 }) }] }),
      "tempo.caches[0].memcached.memoryMiB: 3 × 512 MiB = 1,536 MiB is below the 5,004 MiB the capacity plan needs for the cache roles (SUMMARY.md, read path); raise memoryMiB to 1,668 or replicas to 10, or leave both unset to take the plan's",
    );
    expectError(
      t({ microservices: micro, caches: [{ memcached: Memcached.deploy({ replicas: 1 }) }] }),
      "tempo.caches[0].memcached.replicas: 1 × 1,792 MiB = 1,792 MiB is below the 5,004 MiB the capacity plan needs for the cache roles (SUMMARY.md, read path); raise memoryMiB to 5,004 or replicas to 3, or leave both unset to take the plan's",
    );
    expectError(
      t({ microservices: micro, caches: [{ memcached: existing({ memoryMiB: 1000 }) }] }),
      'tempo.caches[0].memcached.memoryMiB: 1,000 MiB = 1,000 MiB is below the 5,004 MiB the capacity plan needs for the cache roles (SUMMARY.md, read path); grow the pool, or deploy one with Memcached.deploy()',
    );
    expectError(
      t({ caches: [{ memcached: existing({ host: 'memcached.cache.svc:11211' }) }] }),
      "tempo.caches[0].memcached.host: 'memcached.cache.svc:11211' is not a DNS name; give the host whose SRV records list the servers (a headless Service, e.g. 'memcached.cache.svc.cluster.local'), the port separately",
    );
    expectError(
      t({ caches: [{ memcached: existing({ service: '_memcache' }) }] }),
      "tempo.caches[0].memcached.service: '_memcache' is not a port name; use at most 15 lowercase letters, digits and single hyphens with at least one letter (e.g. 'jaeger-http')",
    );
    expectError(
      t({
        caches: [
          { memcached: Memcached.deploy(), roles: ['bloom'] },
          { memcached: existing(), roles: ['parquet-page', 'bloom'] },
        ],
      }),
      "tempo.caches[1].roles: 'bloom' is already served by tempo.caches[0]; Tempo gives each role to one cache (modules/cache/config.go), so remove it from one of them",
    );
    expectError(
      t({ caches: [{ memcached: Memcached.deploy(), roles: ['pages' as any] }] }),
      "tempo.caches[0].roles: 'pages' is not a cache role of Tempo; use bloom, trace-id-index, parquet-footer, parquet-column-idx, parquet-offset-idx, parquet-page, frontend-search",
    );
    expectError(
      t({
        caches: [
          { memcached: Memcached.deploy({ name: 'mc' }), roles: ['bloom'] },
          { memcached: Memcached.deploy({ name: 'mc' }), roles: ['parquet-page'] },
        ],
      }),
      "tempo.caches[1].memcached.name: 'mc' is also the name of tempo.caches[0]'s pool; give each deployed pool its own name",
    );
    expectError(
      t({ caches: [{ memcached: Memcached.deploy({ maxItemSizeMiB: 4096 }) }] }),
      "tempo.caches[0].memcached.maxItemSizeMiB: 4096 is not valid; memcached's -I takes an integer from 1 to 1024 MiB (e.g. 5)",
    );
    expectError(
      t({ caches: [{ memcached: existing({ servers: undefined }) }] }),
      "tempo.caches[0].memcached.servers: is missing; give the servers' { namespace, podLabels } so the NetworkPolicy lets Tempo reach them",
    );
  });
});
