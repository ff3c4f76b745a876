import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';
import { ConfigError } from '../lib/errors';
import { ENV_PROPERTY_METADATA, planChanges, renderEnvironment, synthesize } from '../lib/synth';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { expectError } from './helpers/errors';
import { summarizeEnvironment } from '../charts/summary';
import { DEV, PROD, renderStack, STACKS, STAGING, writeStacks } from './fixtures/stacks';

const ROOT = join(__dirname, '..');
/** A name no environment has (derived, so that adding any environment keeps it unknown). */
const UNKNOWN = `not-${ENVIRONMENTS.map((e) => e.name).join('-')}`.slice(0, 63);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

// Every shipped environment rendered once for the whole file (the environment-level checks, one
// environment at a time: test/environments.test.ts). `any`: tests read arbitrary fields.
const rendered = ENVIRONMENTS.map((env) =>
  renderEnvironment(env, buildEnvironment, summarizeEnvironment),
).map((r) => ({ ...r, manifests: r.manifests as readonly any[] }));

/** A fixture with another retention (a synth of it changes that environment only). */
const withRetention = (env: EnvironmentDefinition, retention: string): EnvironmentDefinition => ({
  ...env,
  tempo: { ...(env.tempo ?? {}), retention },
});

describe('synth output', () => {
  test('the committed dist/ equals a fresh synth (run `npm run synth` and commit)', () => {
    const expected: Record<string, string> = {};
    for (const r of rendered) for (const f of r.files) expected[`${r.name}/${f.path}`] = f.content;
    expect(snapshotDir(join(ROOT, 'dist'))).toEqual(expected);
  });

  test('staging-like: S3-compatible storage with credentials from a Secret; prod-like: S3 with IRSA, generator and multi-tenancy', () => {
    const config = (env: EnvironmentDefinition) =>
      parse(renderStack(env).manifests.find((m) => m.metadata.name === 'tempo-config').data['tempo.yaml']);
    const find = (env: EnvironmentDefinition, kind: string) =>
      renderStack(env).manifests.find((m) => m.kind === kind);
    expect(config(DEV).storage.trace.backend).toBe('local');

    expect(config(STAGING).storage.trace.s3).toMatchObject({
      forcepathstyle: true,
      insecure: true,
      access_key: '${TEMPO_S3_ACCESS_KEY_ID}',
    });
    const stagingEnv = find(STAGING, 'StatefulSet').spec.template.spec.containers[0].env;
    expect(
      stagingEnv.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name),
    ).toEqual(['tempo-s3-credentials', 'tempo-s3-credentials']);

    expect(config(PROD).storage.trace.s3).not.toHaveProperty('access_key');
    expect(find(PROD, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(
      /^arn:aws:iam::\d{12}:role\//,
    );
    expect(config(PROD).multitenancy_enabled).toBe(true);
    // prod tail-samples: span metrics come from the gateway, before sampling (docs/collector.md).
    expect(config(PROD).overrides.defaults.metrics_generator.processors).toEqual(['service-graphs']);
    expect(config(PROD).metrics_generator.storage.remote_write[0].send_exemplars).toBe(true);
    // Strimzi objects live in the Kafka namespace that the Strimzi operator watches.
    for (const m of renderStack(PROD).manifests.filter((x) => x.apiVersion.startsWith('kafka.strimzi.io/')))
      expect(m.metadata.namespace).toBe('kafka');
  });
});

describe('safe synth', () => {
  // The frozen fixtures written to a folder of their own: what synthesize() does to a dist/.
  let work: string;
  let out: string;
  let pristine: Record<string, string>;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'tracesynth-test-'));
    out = join(work, 'dist');
    writeStacks(out);
    pristine ??= snapshotDir(out);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const broken: EnvironmentDefinition = { name: 'broken', tempo: { retention: '5m' } };

  test('a failing environment leaves dist/ byte-identical, even when others succeeded', () => {
    const before = snapshotDir(out);
    expect(() => synthesize([...STACKS, broken], buildEnvironment, out, { prune: true })).toThrow(
      ConfigError,
    );
    expect(() =>
      synthesize([DEV, { name: 'boom', tempo: { replicas: 3 } }], buildEnvironment, out, {
        prune: false,
      }),
    ).toThrow(ConfigError);
    expect(snapshotDir(out)).toEqual(before);
    expect(readdirSync(work)).toEqual(['dist']);
  });

  test('an exception that is not a ConfigError leaves dist/ untouched too', () => {
    const before = snapshotDir(out);
    const explode = () => {
      throw new TypeError('bug');
    };
    expect(() => synthesize(STACKS, explode, out, { prune: true })).toThrow('bug');
    expect(snapshotDir(out)).toEqual(before);
  });

  test('synthesizing one environment replaces only its folder; a full synth prunes stale ones', () => {
    writeFileSync(join(out, DEV.name, 'tempo', 'stale.yaml'), 'x');
    cpSync(join(out, DEV.name), join(out, 'removed-env'), { recursive: true });
    synthesize([DEV], buildEnvironment, out, { prune: false, summarize: summarizeEnvironment });
    expect(existsSync(join(out, DEV.name, 'tempo', 'stale.yaml'))).toBe(false);
    expect(existsSync(join(out, 'removed-env'))).toBe(true);
    synthesize(STACKS, buildEnvironment, out, { prune: true, summarize: summarizeEnvironment });
    expect(snapshotDir(out)).toEqual(pristine);
  });
});

describe('the CLI on the shipped environments (scripts/app.mjs)', () => {
  // Whatever ENVIRONMENTS holds: names are taken from it, the folders from the committed dist/.
  let work: string;
  let out: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'tracesynth-test-'));
    out = join(work, 'dist');
    cpSync(join(ROOT, 'dist'), out, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const app = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.mjs'), ...args, `--outdir=${out}`], {
      encoding: 'utf8',
    });

  test('rejects an unknown environment and writes nothing', () => {
    const before = snapshotDir(out);
    const run = app(UNKNOWN);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `error: environment: unknown environment '${UNKNOWN}'; known environments: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`,
    );
    expect(snapshotDir(out)).toEqual(before);
  });

  test('synthesizes a named environment', () => {
    const name = ENVIRONMENTS[ENVIRONMENTS.length - 1]!.name;
    rmSync(join(out, name), { recursive: true });
    const run = app(name);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`synthesized ${name} into ${out}/ (added: ${name})\n`);
    expect(snapshotDir(out)).toEqual(snapshotDir(join(ROOT, 'dist')));
    const again = app();
    const names = ENVIRONMENTS.map((e) => e.name).join(', ');
    expect(again.stdout).toBe(`synthesized ${names} into ${out}/ (unchanged: ${names})\n`);
  });

  test('`npm run diff` prints a unified diff of what changed (the plan: test/plan.test.ts)', () => {
    const name = ENVIRONMENTS[0]!.name;
    // Any file of the environment that sets the flag (every ServiceAccount here does).
    const [file] = [...Object.keys(snapshotDir(join(out, name)))].filter((f) =>
      readFileSync(join(out, name, f), 'utf8').includes('automountServiceAccountToken: false'),
    );
    expect(file).toBeDefined();
    writeFileSync(
      join(out, name, file!),
      readFileSync(join(out, name, file!), 'utf8').replace(
        'automountServiceAccountToken: false',
        'automountServiceAccountToken: true',
      ),
    );
    const diff = app('--diff', name);
    // Like `git diff --exit-code`: differences are exit status 1 (test/cli.test.ts: 0 without).
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain(`modified ${name}/${file}`);
    expect(diff.stdout).toMatch(
      /^- *automountServiceAccountToken: true\n\+ *automountServiceAccountToken: false$/m,
    );
  });
});

describe('plan and diff', () => {
  let work: string;
  let out: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'tracesynth-plan-'));
    out = join(work, 'dist');
    writeStacks(out);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const stacks = STACKS.map((env) => renderStack(env));

  test('planChanges lists added, removed and modified files and writes nothing', () => {
    expect(
      planChanges(
        stacks.map((r) => ({ name: r.env.name, ...r })),
        out,
        { prune: true },
      ),
    ).toEqual([]);
    writeFileSync(join(out, 'dev', 'tempo', 'extra.yaml'), 'x');
    rmSync(join(out, 'prod', 'SUMMARY.md'));
    const retention = STACKS.map((env) => (env === STAGING ? withRetention(env, '96h') : env));
    const changes = planChanges(
      retention.map((env) => renderEnvironment(env, buildEnvironment, summarizeEnvironment)),
      out,
      { prune: true },
    );
    expect(changes.map((c) => `${c.change} ${c.path}`)).toEqual([
      'removed dev/tempo/extra.yaml',
      'added prod/SUMMARY.md',
      'modified staging/SUMMARY.md',
      'modified staging/tempo/configmap-tempo-config.yaml',
      'modified staging/tempo/statefulset-tempo.yaml',
    ]);
    expect(existsSync(join(out, 'dev', 'tempo', 'extra.yaml'))).toBe(true);
  });

  test('a synth rewrites only the environments that changed, and prunes stale folders', () => {
    const inode = (f: string) => statSync(join(out, f)).ino;
    const before = {
      dev: inode('dev/kustomization.yaml'),
      staging: inode('staging/kustomization.yaml'),
      prod: inode('prod/kustomization.yaml'),
    };
    writeFileSync(join(out, 'dev', 'tempo', 'extra.yaml'), 'x');
    cpSync(join(out, 'dev'), join(out, 'old-env'), { recursive: true });
    const retention = STACKS.map((env) => (env === STAGING ? withRetention(env, '96h') : env));
    const { rendered, changed } = synthesize(retention, buildEnvironment, out, {
      prune: true,
      summarize: summarizeEnvironment,
    });
    expect(changed).toEqual(['dev', 'staging']);
    expect(inode('prod/kustomization.yaml')).toBe(before.prod);
    expect(inode('staging/kustomization.yaml')).not.toBe(before.staging);
    expect(inode('dev/kustomization.yaml')).not.toBe(before.dev);
    expect(existsSync(join(out, 'dev', 'tempo', 'extra.yaml'))).toBe(false);
    expect(existsSync(join(out, 'old-env'))).toBe(false);
    expect(readdirSync(out).sort()).toEqual(['dev', 'prod', 'staging']);
    expect(planChanges(rendered, out, { prune: true })).toEqual([]);
    for (const r of rendered)
      expect(snapshotDir(join(out, r.name))).toEqual(
        Object.fromEntries(r.files.map((f) => [f.path, f.content])),
      );
    const again = { staging: inode('staging/kustomization.yaml') };
    expect(
      synthesize(retention, buildEnvironment, out, { prune: true, summarize: summarizeEnvironment }).changed,
    ).toEqual([]);
    expect(inode('staging/kustomization.yaml')).toBe(again.staging);
    expect(readdirSync(work)).toEqual(['dist']);
  });
});

describe('SUMMARY.md', () => {
  test('names components, images, replicas, storage, retention, sampling and alerts', () => {
    const prod = renderStack(PROD).file('SUMMARY.md');
    for (const fact of [
      'grafana/tempo:3.0.3',
      'otel/opentelemetry-collector-contrib:0.161.0',
      '| Collector gateway `otel-gateway` (StatefulSet) | otel/opentelemetry-collector-contrib:0.161.0 | HPA 9–18 |',
      '- **Gateway queue**: durable, 1,300,000 spans: `file_storage` on a 3Gi PVC per replica',
      'prunes the Deployment',
      'collector gateway queue: 15 min of 1,444 spans/s exported per replica = 1,300,000 spans',
      '## Flows',
      '| otel-gateway (tracing-prod) | tempo-distributor (tracing-prod) | 4317 (otlp-grpc) | exports traces (OTLP gRPC) |',
      // prod's query-frontend is behind the query gateway: Grafana reaches the gateway only.
      '| grafana (monitoring, app.kubernetes.io/name=grafana) | tempo-gateway (tracing-prod) | 8080 (http) | Grafana queries traces through the gateway |',
      '| tempo-gateway (tracing-prod) | tempo-query-frontend (tracing-prod) | 3200 (http) | queries Tempo as the authenticated tenant |',
      '| Query gateway `tempo-gateway` (nginx + metrics exporter) | nginxinc/nginx-unprivileged:1.30.5-alpine, nginx/nginx-prometheus-exporter:1.5.3 | 2 | http 8080, grpc 8081, metrics 9113 |',
      '`oncall` → `prod`',
      'HTTPRoute and GRPCRoute on Gateway `gateway-system/external` for tempo.prod.example.com',
      's3://acme-tracing-prod',
      'Retention**: 168h',
      'tail at the gateway',
      'alerting rules',
      'otlp-grpc 4317',
      '| Tempo live-store-zone-a (StatefulSet) | grafana/tempo:3.0.3 | 2 |',
      '| Tempo block-builder (StatefulSet) | grafana/tempo:3.0.3 | 2 |',
      '| Tempo backend-scheduler (StatefulSet) | grafana/tempo:3.0.3 | 1 |',
      'Kafka `tempo-kafka-kafka-bootstrap.kafka.svc.cluster.local:9092` topic `tempo-traces` (2 partitions, Strimzi, replication 3, min.insync.replicas 2, retention 24h)',
      '## Capacity plan',
      'Tempo receives 100,000 spans/s × 1000 B × 10 % = 10 MB/s; with 30 % headroom 13 MB/s',
      'Kafka partitions: 2 (max of 13 / 8 MB/s per live-store and 13 / 10 MB/s per partition, at least 2); 6.5 MB/s each',
    ]) {
      expect(prod).toContain(fact);
    }
    expect(renderStack(STAGING).file('SUMMARY.md')).toContain('head at the agents: 50 % of traces');
  });

  test('is built from the charts and the rendered objects only (its object count: environment-checks.ts)', () => {
    // The summarizer takes the environment and the built charts: rendered objects cannot change it.
    expect(summarizeEnvironment.length).toBe(2);
  });
});

describe('file names', () => {
  test("objects outside their chart's namespace go to a <namespace>/ subfolder; every other name stays", () => {
    const r = renderEnvironment(
      { name: 'hp', collector: { agent: { hostPort: { namespace: 'tracing-hp-agent' } } } },
      buildEnvironment,
    );
    const paths = r.files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain('collector/tracing-hp-agent/daemonset-otel-agent.yaml');
    expect(paths).toContain('network/tracing-hp-agent/networkpolicy-otel-agent.yaml');
    for (const [i, m] of r.manifests.entries()) {
      const nested = r.files[i].path.split('/').length > 2;
      expect(nested).toBe(m.metadata.namespace === 'tracing-hp-agent');
    }
  });

  test('one kind and name in two namespaces: two files', () => {
    const build = (scope: Construct) => {
      const chart = new Chart(scope, 'network', { namespace: 'ns', disableResourceNameHashes: true });
      new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
      new ApiObject(chart, 'b', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'same', namespace: 'other' },
      });
    };
    expect(renderEnvironment({ name: 'x' }, build).files.map((f) => f.path)).toEqual([
      'network/configmap-same.yaml',
      'network/other/configmap-same.yaml',
      'kustomization.yaml',
    ]);
  });

  test('two objects of one kind and name in one namespace: a ConfigError naming both and the property', () => {
    const build = (scope: Construct) => {
      const chart = new Chart(scope, 'network', { namespace: 'ns', disableResourceNameHashes: true });
      chart.node.addMetadata(ENV_PROPERTY_METADATA, 'networkPolicies');
      new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
      new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same' } });
    };
    expectError(
      () => renderEnvironment({ name: 'x' }, build),
      "x.networkPolicies: two ConfigMap objects named 'same' in namespace 'ns' render to network/configmap-same.yaml (network/a and network/b); rename one of them in the settings under networkPolicies",
    );
  });
});
