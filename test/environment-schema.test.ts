import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import schema from '../schemas/environment.schema.json';
import { ENVIRONMENT_CLASSES, validateEnvironment } from '../charts/environment-validation';
import { EXAMPLES } from '../examples';
import { checkSchema, SCHEMA_KEYWORDS } from '../lib/schema-check';
import { expectError } from './helpers/errors';

const ROOT = join(__dirname, '..');

describe('the environment schema (schemas/environment.schema.json, from the TypeScript types)', () => {
  test('is up to date: `npm run schema` regenerates it from charts/environment-definition.ts', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'environment-schema.mjs'), '--check'], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  const walk = (value: unknown, visit: (o: Record<string, unknown>) => void): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
    else if (value !== null && typeof value === 'object') {
      visit(value as Record<string, unknown>);
      for (const [k, v] of Object.entries(value))
        if (k === 'properties' || k === 'definitions')
          Object.values(v as object).forEach((s) => walk(s, visit));
        else walk(v, visit);
    }
  };

  test('uses only the keywords the checker understands', () => {
    const keywords = new Set<string>();
    walk(schema, (o) => Object.keys(o).forEach((k) => keywords.add(k)));
    expect([...keywords].filter((k) => !SCHEMA_KEYWORDS.includes(k))).toEqual([]);
  });

  test('every class it names is registered, and every registered class is named', () => {
    const named = new Set<string>();
    walk(schema, (o) => typeof o['x-instanceof'] === 'string' && named.add(o['x-instanceof']));
    expect([...named].sort()).toEqual(Object.keys(ENVIRONMENT_CLASSES).sort());
  });

  // Every environment passes it too: the environment-level checks (test/helpers/environment-checks.ts).
  test.each(EXAMPLES.map((e) => [e.name, e]))('%s passes it', (_name, env) => {
    expect(validateEnvironment(env)).toBe(env);
  });

  test('exact messages of the checks on top of the types', () => {
    const env = (e: object) => () => validateEnvironment({ name: 'x', ...e });
    expectError(
      env({ tempo: { retentoin: '5m' } }),
      "tempo.retentoin: unknown property (value '5m'); did you mean 'retention'?",
    );
    expectError(
      env({ tempo: { storage: {} } }),
      'tempo.storage: a plain object is not a TempoStorage; create it with TempoStorage.local(…), TempoStorage.s3(…), TempoStorage.gcs(…) or TempoStorage.azure(…)',
    );
    expectError(
      env({ tempo: { replicas: NaN } }),
      'tempo.replicas: NaN is not a number; give a finite number',
    );
    expectError(
      env({ tempo: { replicas: 2 ** 31 } }),
      'tempo.replicas: 2147483648 is not valid; expected an integer from 0 to 2147483647 (a Kubernetes int32)',
    );
    expectError(
      env({ replicaLimit: 10, tempo: { replicas: 11 } }),
      "tempo.replicas: 11 is not valid; expected an integer from 0 to 10 (the environment's replicaLimit; raise replicaLimit if you mean it)",
    );
    expectError(
      env({ tempo: { image: { repository: 'grafana /tempo', tag: '2' } } }),
      "tempo.image.repository: 'grafana /tempo' is not an image repository; expected [registry[:port]/]path with lowercase letters, digits and '.', '_', '-' separators (e.g. 'grafana/tempo')",
    );
    expectError(
      env({ tempo: { image: { repository: 'grafana/tempo', tag: 'v1_' } } }),
      "tempo.image.tag: 'v1_' is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
    );
    expectError(
      env({ tempo: { resources: { limits: { cpu: '1E' } } } }),
      "tempo.resources.limits.cpu: '1E' is too large for a Kubernetes quantity; give a smaller one",
    );
    expectError(
      env({ grafana: { logLabels: { 'k8s.pod.name': 3 } } }),
      "grafana.logLabels['k8s.pod.name']: 3 is not a string; give a string",
    );
    expectError(
      env({ collector: { agent: 'no' } }),
      "collector.agent: 'no' is not an object or false; give an object or false",
    );
  });
});

test('a class the registry does not know yet is matched by name, not a crash', () => {
  class KafkaCluster {
    public static strimzi(): KafkaCluster {
      return new KafkaCluster();
    }
  }
  const root = { definitions: { K: { 'x-instanceof': 'KafkaCluster' } } };
  const check = (value: unknown) => () =>
    checkSchema(value, { $ref: '#/definitions/K' }, 'kafka', { root, classes: {} });
  expect(check(KafkaCluster.strimzi())).not.toThrow();
  expectError(
    check({}),
    "kafka: a plain object is not a KafkaCluster; create it with KafkaCluster's factory",
  );
});
