/**
 * Property-based tests: random environment definitions either synthesize into objects that pass
 * schema validation and the invariants, or fail with the project's ConfigError — never a
 * TypeError or any other exception.
 */
import { test } from '@fast-check/jest';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ConfigError } from '../lib/errors';
import { renderEnvironment } from '../lib/synth';
import { orphanServices, portMismatches, selectorViolations, unexposedMetrics } from './helpers/invariants';
import { CREDENTIAL } from './helpers/environment-checks';
import { validateAll } from './helpers/k8s-schema';
import { environment } from './helpers/arbitraries';

// 100 environments per `npm test` (new ones each run); CI runs 200 (.ci/run sets PROPERTY_RUNS).
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

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
          tempo,
          collector: built!.collector !== undefined,
          spanMetrics: built!.monitoring!.monitoring.config.spanMetrics,
          serviceGraphs: tempo.generates('service-graphs'),
          queryGateway: built!.gateway?.gateway,
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
