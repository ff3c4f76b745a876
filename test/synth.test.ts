import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
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
import { CLUSTER_SCOPED_KINDS } from '../lib/k8s';
import { ENV_PROPERTY_METADATA, planChanges, renderEnvironment, synthesize } from '../lib/synth';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { expectError } from './helpers/errors';
import { summarizeEnvironment } from '../charts/summary';

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

// Every environment rendered once for the whole file (a render is deterministic: tested below).
// Tests read arbitrary fields of the objects: `any` here, narrowed by the assertions.
const rendered = ENVIRONMENTS.map((env) =>
  renderEnvironment(env, buildEnvironment, summarizeEnvironment),
).map((r) => ({ ...r, manifests: r.manifests as readonly any[] }));

describe('synth output', () => {
  test('rendering is deterministic (byte-identical on a second run)', () => {
    const again = ENVIRONMENTS.map((env) => renderEnvironment(env, buildEnvironment, summarizeEnvironment));
    expect(again).toEqual(rendered);
  });

  test.each(rendered.map((r) => [r.name, r]))(
    'kustomization.yaml of %s lists every object file exactly once',
    (_name, r) => {
      const kustomization = parse(r.files.find((f) => f.path === 'kustomization.yaml')!.content);
      expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect([...kustomization.resources].sort()).toEqual(
        r.files
          .map((f) => f.path)
          .filter((p) => p.endsWith('.yaml') && p !== 'kustomization.yaml' && !p.startsWith('gitops/'))
          .sort(),
      );
      // The Namespace first, when the app owns it (a named namespace is presumed shared).
      const env = ENVIRONMENTS.find((e) => e.name === _name)!;
      if (env.manageNamespace ?? env.namespace === undefined)
        expect(kustomization.resources[0]).toMatch(/^namespace\//);
      else expect(kustomization.resources.filter((f: string) => f.startsWith('namespace/'))).toEqual([]);
    },
  );

  test.each(rendered.map((r) => [r.name, r]))(
    "every object of %s is in the environment namespace, Grafana's, or none when cluster-scoped",
    (name, r) => {
      const env = ENVIRONMENTS.find((e) => e.name === name)!;
      const namespace = env.namespace ?? `tracing-${name}`;
      const grafana = (env.grafana && env.grafana.namespace) ?? 'monitoring';
      for (const [i, m] of r.manifests.entries()) {
        const folder = r.files[i].path.split('/')[0];
        if (CLUSTER_SCOPED_KINDS.includes(m.kind)) expect(m.metadata.namespace).toBeUndefined();
        // Strimzi objects live in the Kafka namespace that the Strimzi operator watches.
        else if (m.apiVersion.startsWith('kafka.strimzi.io/')) expect(m.metadata.namespace).toBe('kafka');
        else expect(m.metadata.namespace).toBe(folder === 'grafana' ? grafana : namespace);
      }
      const namespaces = r.manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name);
      expect(namespaces).toEqual((env.manageNamespace ?? env.namespace === undefined) ? [namespace] : []);
    },
  );

  test('no object name carries a generated hash suffix', () => {
    for (const m of rendered.flatMap((r) => r.manifests))
      expect(m.metadata.name).not.toMatch(/-[0-9a-f]{8}$|c8[0-9a-f]{6}/);
  });

  test('environment retention and replicas are what the environments promise', () => {
    const retention = (r: (typeof rendered)[number]) =>
      parse(r.manifests.find((m) => m.kind === 'ConfigMap').data['tempo.yaml']).backend_worker.compaction
        .block_retention;
    for (const [i, env] of ENVIRONMENTS.entries())
      if (env.tempo?.retention !== undefined)
        expect(retention(rendered[i])).toBe(String(env.tempo.retention));
    for (const [i, env] of ENVIRONMENTS.entries())
      if (env.tempo?.replicas !== undefined && !env.tempo.distributed)
        expect(rendered[i].manifests.find((m) => m.kind === 'StatefulSet').spec.replicas).toBe(
          env.tempo.replicas,
        );
  });

  test('staging: S3-compatible storage with credentials from a Secret; prod: S3 with IRSA, generator and multi-tenancy', () => {
    const config = (r: (typeof rendered)[number]) =>
      parse(r.manifests.find((m) => m.metadata.name === 'tempo-config').data['tempo.yaml']);
    const find = (r: (typeof rendered)[number], kind: string) => r.manifests.find((m) => m.kind === kind);
    const named = (name: string) => rendered.find((r) => r.name === name)!;
    const [dev, staging, prod] = [named('dev'), named('staging'), named('prod')];
    expect(config(dev).storage.trace.backend).toBe('local');

    expect(config(staging).storage.trace.s3).toMatchObject({
      forcepathstyle: true,
      insecure: true,
      access_key: '${TEMPO_S3_ACCESS_KEY_ID}',
    });
    const stagingEnv = find(staging, 'StatefulSet').spec.template.spec.containers[0].env;
    expect(
      stagingEnv.filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef.name),
    ).toEqual(['tempo-s3-credentials', 'tempo-s3-credentials']);

    expect(config(prod).storage.trace.s3).not.toHaveProperty('access_key');
    expect(find(prod, 'ServiceAccount').metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(
      /^arn:aws:iam::\d{12}:role\//,
    );
    expect(config(prod).multitenancy_enabled).toBe(true);
    // prod tail-samples: span metrics come from the gateway, before sampling (docs/collector.md).
    expect(config(prod).overrides.defaults.metrics_generator.processors).toEqual(['service-graphs']);
    expect(config(prod).metrics_generator.storage.remote_write[0].send_exemplars).toBe(true);
  });

  test('the committed dist/ equals a fresh synth (run `npm run synth` and commit)', () => {
    const expected: Record<string, string> = {};
    for (const r of rendered) for (const f of r.files) expected[`${r.name}/${f.path}`] = f.content;
    expect(snapshotDir(join(ROOT, 'dist'))).toEqual(expected);
  });
});

describe('safe synth', () => {
  let work: string;
  let out: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'tracesynth-test-'));
    out = join(work, 'dist');
    cpSync(join(ROOT, 'dist'), out, { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const broken: EnvironmentDefinition = { name: 'broken', tempo: { retention: '5m' } };

  test('a failing environment leaves dist/ byte-identical, even when others succeeded', () => {
    const before = snapshotDir(out);
    expect(() => synthesize([...ENVIRONMENTS, broken], buildEnvironment, out, { prune: true })).toThrow(
      ConfigError,
    );
    expect(() =>
      synthesize([ENVIRONMENTS[0], { name: 'boom', tempo: { replicas: 3 } }], buildEnvironment, out, {
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
    expect(() => synthesize(ENVIRONMENTS, explode, out, { prune: true })).toThrow('bug');
    expect(snapshotDir(out)).toEqual(before);
  });

  test('synthesizing one environment replaces only its folder; a full synth prunes stale ones', () => {
    writeFileSync(join(out, 'dev', 'tempo', 'stale.yaml'), 'x');
    cpSync(join(out, 'dev'), join(out, 'removed-env'), { recursive: true });
    synthesize([ENVIRONMENTS[0]], buildEnvironment, out, { prune: false, summarize: summarizeEnvironment });
    expect(existsSync(join(out, 'dev', 'tempo', 'stale.yaml'))).toBe(false);
    expect(existsSync(join(out, 'removed-env'))).toBe(true);
    synthesize(ENVIRONMENTS, buildEnvironment, out, { prune: true, summarize: summarizeEnvironment });
    expect(snapshotDir(out)).toEqual(snapshotDir(join(ROOT, 'dist')));
  });

  test('the CLI rejects an unknown environment and writes nothing', () => {
    const before = snapshotDir(out);
    const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.mjs'), UNKNOWN, `--outdir=${out}`], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `error: environment: unknown environment '${UNKNOWN}'; known environments: ${ENVIRONMENTS.map((e) => e.name).join(', ')}`,
    );
    expect(snapshotDir(out)).toEqual(before);
  });

  test('the CLI synthesizes a named environment', () => {
    rmSync(join(out, 'staging'), { recursive: true });
    const run = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'app.mjs'), 'staging', `--outdir=${out}`],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`synthesized staging into ${out}/ (added: staging)\n`);
    expect(snapshotDir(out)).toEqual(snapshotDir(join(ROOT, 'dist')));
    const again = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.mjs'), `--outdir=${out}`], {
      encoding: 'utf8',
    });
    const names = ENVIRONMENTS.map((e) => e.name).join(', ');
    expect(again.stdout).toBe(`synthesized ${names} into ${out}/ (unchanged: ${names})\n`);
  });
});

describe('plan and diff', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'tracesynth-plan-'));
    cpSync(join(ROOT, 'dist'), join(work, 'dist'), { recursive: true });
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test('planChanges lists added, removed and modified files and writes nothing', () => {
    const out = join(work, 'dist');
    expect(planChanges(rendered, out, { prune: true })).toEqual([]);
    writeFileSync(join(out, 'dev', 'tempo', 'extra.yaml'), 'x');
    rmSync(join(out, 'prod', 'SUMMARY.md'));
    const retention = ENVIRONMENTS.map((env) =>
      env.name === 'staging' ? { ...env, tempo: { ...(env.tempo ?? {}), retention: '96h' } } : env,
    );
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
    const out = join(work, 'dist');
    const inode = (f: string) => statSync(join(out, f)).ino;
    const before = {
      dev: inode('dev/kustomization.yaml'),
      staging: inode('staging/kustomization.yaml'),
      prod: inode('prod/kustomization.yaml'),
    };
    writeFileSync(join(out, 'dev', 'tempo', 'extra.yaml'), 'x');
    cpSync(join(out, 'dev'), join(out, 'old-env'), { recursive: true });
    const retention = ENVIRONMENTS.map((env) =>
      env.name === 'staging' ? { ...env, tempo: { ...(env.tempo ?? {}), retention: '96h' } } : env,
    );
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
    expect(readdirSync(out).sort()).toEqual(ENVIRONMENTS.map((e) => e.name).sort());
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

  test('`npm run diff` prints a unified diff of what changed (the plan: test/plan.test.ts)', () => {
    const out = join(work, 'dist');
    writeFileSync(
      join(out, 'dev', 'tempo', 'serviceaccount-tempo.yaml'),
      readFileSync(join(out, 'dev', 'tempo', 'serviceaccount-tempo.yaml'), 'utf8').replace(
        'automountServiceAccountToken: false',
        'automountServiceAccountToken: true',
      ),
    );
    const diff = spawnSync(
      process.execPath,
      [join(ROOT, 'scripts', 'app.mjs'), '--diff', 'dev', `--outdir=${out}`],
      {
        encoding: 'utf8',
      },
    );
    // Like `git diff --exit-code`: differences are exit status 1 (test/cli.test.ts: 0 without).
    expect(diff.status).toBe(1);
    expect(diff.stdout).toContain('modified dev/tempo/serviceaccount-tempo.yaml');
    expect(diff.stdout).toContain(
      '-automountServiceAccountToken: true\n+automountServiceAccountToken: false',
    );
  });
});

describe('SUMMARY.md', () => {
  test('names components, images, replicas, storage, retention, sampling and alerts', () => {
    const prod = readFileSync(join(ROOT, 'dist', 'prod', 'SUMMARY.md'), 'utf8');
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
      '| Query gateway `tempo-gateway` (nginx) | nginxinc/nginx-unprivileged:1.30.5-alpine | 2 | http 8080, grpc 8081 |',
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
    expect(readFileSync(join(ROOT, 'dist', 'staging', 'SUMMARY.md'), 'utf8')).toContain(
      'head at the agents: 50 % of traces',
    );
  });

  test.each(rendered.map((r) => [r.name, r] as const))(
    '%s: built from the models, its object count agrees with what was rendered',
    (_name, r) => {
      const summary = r.files.find((f) => f.path === 'SUMMARY.md')!.content;
      expect(summary).toContain(`- **Objects**: ${r.manifests.length} (`);
      // The summarizer takes the built charts only: rendered objects cannot change it.
      expect(summarizeEnvironment.length).toBe(2);
    },
  );
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

test("the README's adding-an-environment example synthesizes as written", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Adding an environment'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1].replace(/^ {3}/gm, '');
  const dir = join(ROOT, 'build', `readme-env-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'qa.ts');
  writeFileSync(file, code.replace(/from '\.\.\/index'/g, `from '${join(ROOT, 'index')}'`));
  try {
    const env = Object.values(require(file))[0] as EnvironmentDefinition;
    const r = renderEnvironment(env, buildEnvironment, summarizeEnvironment);
    expect(r.files.map((f) => f.path)).toContain('kustomization.yaml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
