/**
 * Property-based tests: random environment definitions either synthesize into objects that pass
 * schema validation and the invariants, or fail with the project's ConfigError — never a
 * TypeError or any other exception.
 */
import { fc, test } from '@fast-check/jest';
import { Size } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { EnvironmentDefinition } from '../environments/types';
import { ConfigError } from '../lib/errors';
import { renderEnvironment } from '../lib/synth';
import { orphanServices, portMismatches, selectorViolations, unexposedMetrics } from './helpers/invariants';
import { validateAll } from './helpers/k8s-schema';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);
const CREDENTIAL =
  /(password|secret_key|access_key|storage_account_key)["' ]*[:=] *["']?(?!\$\{)[A-Za-z0-9/+]{6,}|AKIA[0-9A-Z]{16}/i;

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Mostly valid values, sometimes a broken one: most cases synthesize, many still fail. */
const mostly = <T, U = T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>): fc.Arbitrary<T | U> =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
const port = mostly(fc.integer({ min: 20000, max: 30000 }), fc.constantFrom(0, 70000, 4317, 3200));
const duration = mostly(
  fc.constantFrom('1h', '2h', '24h', '72h', '168h'),
  fc.constantFrom('30m', '7d', 'soon', '0s'),
);
const name = mostly(
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
  fc.constantFrom('Bad_Name', '-x', 'a'.repeat(60)),
);
const percentage = mostly(fc.double({ min: 0.5, max: 100, noNaN: true }), fc.constantFrom(0, -5, 150));

const storage = fc.oneof(
  fc
    .record({ size: mostly(fc.integer({ min: 1, max: 200 }), fc.constant(0)) })
    .map((r) => () => TempoStorage.local({ size: Size.gibibytes(r.size) })),
  fc
    .record({
      bucket: mostly(fc.constant('traces'), fc.constantFrom('', 'AKIAIOSFODNN7EXAMPLE')),
      secret: fc.boolean(),
      irsa: mostly(fc.constant(false), fc.constant(true)),
      literal: mostly(fc.constant(false), fc.constant(true)),
    })
    .map(
      (r) => () =>
        TempoStorage.s3({
          bucket: r.bucket,
          endpoint: 'minio.minio:9000',
          ...(r.secret ? { secret: { name: 'creds' } } : {}),
          ...(r.irsa ? { workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/t' } } : {}),
          ...(r.literal ? ({ secretKey: 'hunter2hunter2' } as object) : {}),
        }),
    ),
);

const sampling = fc.oneof(
  fc.constant(() => CollectorSampling.keepAll()),
  percentage.map((p) => () => CollectorSampling.head({ percentage: p })),
  fc
    .record({ p: percentage, latency: mostly(fc.constantFrom('2s', '500ms'), fc.constant('0s')) })
    .map((r) => () => CollectorSampling.tail({ percentage: r.p, latencyThreshold: r.latency })),
);

const environment: fc.Arbitrary<() => EnvironmentDefinition> = fc
  .record({
    name,
    replicas: mostly(fc.constant(1), fc.constantFrom(0, 2, 3)),
    retention: duration,
    storage,
    receivers: fc.record({
      zipkin: fc.oneof(
        fc.boolean(),
        port.map((p) => ({ port: p })),
      ),
      jaegerThriftCompact: fc.boolean(),
      otlpHttp: mostly(fc.constant(true), fc.constant(false)),
    }),
    httpPort: maybe(port),
    limits: mostly(
      fc
        .integer({ min: 1, max: 5e7 })
        .map((r) => ({ ingestionRateLimitBytes: r, ingestionBurstSizeBytes: r * 2 })),
      fc.record({
        ingestionRateLimitBytes: fc.integer({ min: -1, max: 5e7 }),
        ingestionBurstSizeBytes: fc.integer({ min: -1, max: 5e7 }),
      }),
    ),
    multitenancy: mostly(fc.constant(false), fc.constant(true)),
    generator: maybe(
      mostly(
        fc.constant('http://prometheus-operated.monitoring.svc:9090/api/v1/write'),
        fc.constant('not a url'),
      ),
    ),
    collector: fc.oneof(
      fc.constant(false as const),
      fc.record({
        sampling,
        gateway: mostly(
          fc.record({
            replicas: mostly(fc.integer({ min: 1, max: 3 }), fc.constant(0)),
            batch: fc.record({ sendBatchSize: mostly(fc.integer({ min: 1, max: 9000 }), fc.constant(0)) }),
          }),
          fc.constant(false as const),
        ),
        agent: mostly(fc.constant({}), fc.constant(false as const)),
        tenant: maybe(mostly(fc.constant('team-a'), fc.constant('bad tenant'))),
      }),
    ),
    monitoring: mostly(
      fc.record({
        thresholds: fc.record({
          queryLatencyP95Seconds: mostly(fc.double({ min: 0.1, max: 10, noNaN: true }), fc.constant(-1)),
        }),
      }),
      fc.constant(false as const),
    ),
    grafanaTenant: maybe(fc.constant('team-a')),
    networkPolicies: fc.boolean(),
    distributed: maybe(
      fc.record({
        spansPerSecond: mostly(fc.integer({ min: 1, max: 500_000 }), fc.constant(0)),
        ingesters: maybe(mostly(fc.integer({ min: 3, max: 12 }), fc.constantFrom(0, 2))),
      }),
    ),
  })
  .map((r) => () => ({
    name: r.name,
    tempo: {
      replicas: r.replicas,
      retention: r.retention,
      storage: r.storage(),
      receivers: r.receivers,
      httpPort: r.httpPort,
      limits: r.limits,
      multitenancy: r.multitenancy,
      ...(r.generator ? { metricsGenerator: { remoteWrite: [{ url: r.generator }] } } : {}),
      ...(r.distributed
        ? {
            replicas: undefined,
            distributed: {
              capacity: { spansPerSecond: r.distributed.spansPerSecond },
              ...(r.distributed.ingesters !== undefined
                ? { ingester: { replicas: r.distributed.ingesters } }
                : {}),
            },
          }
        : {}),
    },
    collector: r.collector === false ? false : { ...r.collector, sampling: r.collector.sampling() },
    monitoring: r.monitoring,
    grafana: r.monitoring === false ? false : r.grafanaTenant ? { tenant: r.grafanaTenant } : {},
    networkPolicies: { enabled: r.networkPolicies },
  }));

let synthesized = 0;
let refused = 0;

test.prop([environment], { numRuns: RUNS })(
  'a random environment synthesizes into valid, consistent objects or fails with a ConfigError',
  (make) => {
    let built: EnvironmentCharts | undefined;
    let rendered;
    try {
      rendered = renderEnvironment(
        make(),
        (scope, env) => (built = buildEnvironment(scope, env)),
        summarizeEnvironment,
      );
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      refused++;
      return;
    }
    synthesized++;
    const m = rendered.manifests as readonly any[];
    expect(validateAll(m)).toEqual([]);
    expect(selectorViolations(m)).toEqual([]);
    expect(orphanServices(m)).toEqual([]);
    expect(portMismatches(m)).toEqual([]);
    // Tempo's receiver endpoints are exactly its container's receiver ports.
    const config = parse(
      m.find((o) => o.metadata.name === `${built!.tempo.tempo.name}-config`).data['tempo.yaml'],
    );
    const endpoints = (JSON.stringify(config.distributor.receivers).match(/0\.0\.0\.0:\d+/g) ?? [])
      .map((e) => Number(e.split(':')[1]))
      .sort();
    const sts = m.find(
      (o) =>
        o.kind === 'StatefulSet' &&
        ['single-binary', 'ingester'].includes(
          o.spec.template.metadata.labels['app.kubernetes.io/component'],
        ),
    );
    const receiving = m.find(
      (o) =>
        ['StatefulSet', 'Deployment'].includes(o.kind) &&
        ['single-binary', 'distributor'].includes(
          o.spec.template.metadata.labels['app.kubernetes.io/component'],
        ),
    );
    expect(sts).toBeDefined();
    const containerPorts = receiving.spec.template.spec.containers[0].ports
      .filter((p: any) => !['http', 'grpc', 'gossip'].includes(p.name))
      .map((p: any) => p.containerPort)
      .sort();
    expect(endpoints).toEqual(containerPorts);
    for (const f of rendered.files) expect(f.content).not.toMatch(CREDENTIAL);
    if (built!.monitoring) {
      const tempo = built!.tempo.tempo;
      expect(
        unexposedMetrics(built!.monitoring.monitoring.ruleGroups, {
          collector: built!.collector !== undefined,
          spanMetrics: tempo.generates('span-metrics'),
          serviceGraphs: tempo.generates('service-graphs'),
        }),
      ).toEqual([]);
    }
  },
);

afterAll(() => {
  if (process.env.PROPERTY_STATS) console.log(`synthesized ${synthesized}, refused ${refused}`);
  // Both outcomes must be exercised, or the generator is not testing what it claims.
  if (RUNS >= 100) {
    expect(synthesized).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  }
});
