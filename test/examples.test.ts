import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { renderGroups } from '../constructs/monitoring/rule-model';
import { EXAMPLES } from '../examples';
import { renderEnvironment } from '../lib/synth';
import {
  orphanServices,
  portMismatches,
  restrictedViolations,
  selectorViolations,
  unexposedMetrics,
} from './helpers/invariants';
import { CREDENTIAL } from './helpers/environment-checks';
import { validateAll } from './helpers/k8s-schema';
import { hasPromtool, promtoolParallel } from './helpers/promtool';
import { keyLine, tempoConfigProblems, tenantOverridesProblems } from './helpers/tempo-schema';

const DIR = join(__dirname, '..', 'examples', 'dist');
const promtoolTest = hasPromtool ? test : test.skip;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
  );
}

describe.each(EXAMPLES.map((e) => [e.name, e]))('example %s', (name, example) => {
  let built: EnvironmentCharts;
  const rendered = renderEnvironment(
    example,
    (scope, env) => (built = buildEnvironment(scope, env)),
    summarizeEnvironment,
  );
  const m = rendered.manifests as readonly any[];

  test('every object is valid for Kubernetes 1.28 and 1.33 and the CRDs', () => {
    expect(validateAll(m)).toEqual([]);
  });

  test('restricted pods, stable selectors, Services that select workloads, agreeing ports', () => {
    expect(restrictedViolations(m)).toEqual([]);
    expect(selectorViolations(m)).toEqual([]);
    expect(orphanServices(m)).toEqual([]);
    expect(portMismatches(m)).toEqual([]);
  });

  test('Tempo configs pass the pinned key checks (collector configs: otelcol-validate.test.ts)', () => {
    for (const cm of m.filter((o) => o.kind === 'ConfigMap')) {
      const line = keyLine(built.tempo.tempo.settings.line);
      if (cm.data?.['tempo.yaml'])
        expect(tempoConfigProblems(parse(cm.data['tempo.yaml']), line)).toEqual([]);
      if (cm.data?.['overrides.yaml'])
        expect(tenantOverridesProblems(parse(cm.data['overrides.yaml']), line)).toEqual([]);
    }
  });

  test('no credential value in any file', () => {
    for (const f of rendered.files)
      expect(f.content.split('\n').filter((l) => CREDENTIAL.test(l) && !l.includes('secretKeyRef'))).toEqual(
        [],
      );
    expect(m.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('every alert reads metrics a scraped target exposes', () => {
    const tempo = built.tempo.tempo;
    expect(
      unexposedMetrics(built.monitoring!.monitoring.ruleGroups, {
        tempo,
        collector: built.collector !== undefined,
        spanMetrics: built.monitoring!.monitoring.config.spanMetrics,
        serviceGraphs: tempo.generates('service-graphs'),
        queryGateway: built.gateway?.gateway,
        // Native histograms exist only where Tempo's PodMonitor scrapes them.
        nativeHistograms: m.some(
          (o) =>
            o.kind === 'PodMonitor' &&
            o.metadata.name === tempo.name &&
            o.spec.scrapeNativeHistograms === true,
        ),
      }),
    ).toEqual([]);
  });

  // Every alert's unit tests run once for all stacks in test/alert-unit-tests.test.ts.
  promtoolTest('promtool checks the rules', async () => {
    const groups = built.monitoring!.monitoring.ruleGroups;
    const [check] = await promtoolParallel([['check', 'rules', 'all-rules.yaml']], {
      'all-rules.yaml': { groups: renderGroups(groups) },
    });
    expect(check!.output).not.toMatch(/FAILED/);
    expect(check!.status).toBe(0);
  });

  test('examples/dist holds exactly this synth (run `npm run synth:examples` and commit)', () => {
    const dir = join(DIR, name);
    const committed = Object.fromEntries(files(dir).map((f) => [relative(dir, f), readFileSync(f, 'utf8')]));
    expect(committed).toEqual(Object.fromEntries(rendered.files.map((f) => [f.path, f.content])));
  });

  test('SUMMARY.md reflects the example', () => {
    expect(rendered.files.find((f) => f.path === 'SUMMARY.md')!.content).toContain(
      `# Environment \`${name}\``,
    );
  });
});

describe('what the seeds asked for', () => {
  const byName = (n: string) => EXAMPLES.find((e) => e.name === n)!;
  const render = (n: string) => renderEnvironment(byName(n), buildEnvironment).manifests as readonly any[];
  const tempoConfig = (m: readonly any[]) => parse(m.find((o) => o.data?.['tempo.yaml']).data['tempo.yaml']);

  test('yc-dev: single binary in the shared monitoring namespace, 10Gi on yc-network-hdd, 7 days, no collector', () => {
    const m = render('yc-dev');
    expect(m.find((o) => o.kind === 'Namespace')).toBeUndefined();
    // Shared namespace: no policy selects every pod of it.
    for (const p of m.filter((o) => o.kind === 'NetworkPolicy'))
      expect(Object.keys(p.spec.podSelector.matchLabels ?? {})).not.toEqual([]);
    const sts = m.find((o) => o.kind === 'StatefulSet');
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'yc-network-hdd',
      resources: { requests: { storage: '10Gi' } },
    });
    expect(tempoConfig(m).backend_worker.compaction.block_retention).toBe('168h');
    expect(m.filter((o) => o.kind === 'DaemonSet')).toEqual([]);
    const ds = parse(m.find((o) => o.metadata.name === 'tempo-datasource').data['tempo-datasource.yaml']);
    expect(ds.datasources[0].jsonData.tracesToMetrics.queries[2].query).toContain(
      'traces_spanmetrics_latency_bucket',
    );
  });

  test('tempo-values: distributed on S3 with SSE-KMS, 10 days, span metrics to Mimir', () => {
    const c = tempoConfig(render('tempo-values'));
    expect(c.storage.trace.s3.sse).toEqual({ type: 'SSE-KMS', kms_key_id: 'alias/observability-tempo' });
    expect(c.compactor.compaction.block_retention).toBe('240h');
    expect(c.metrics_generator.storage.remote_write[0].url).toBe(
      'http://mimir-gateway.observability.svc.cluster.local:8080/api/v1/push',
    );
  });

  test('honua: the production component table and 10 % head sampling', () => {
    const m = render('honua');
    const replicas = Object.fromEntries(
      m
        .filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind))
        .map((w) => [w.metadata.name, w.spec.replicas]),
    );
    expect(replicas).toMatchObject({
      'tempo-distributor': 3,
      'tempo-ingester': 3,
      'tempo-querier': 2,
      'tempo-compactor': 1,
    });
    expect(m.find((o) => o.metadata.name === 'otel-collector-config').data['collector.yaml']).toContain(
      'sampling_percentage: 10',
    );
    expect(tempoConfig(m).compactor.compaction.compacted_block_retention).toBe('24h');
  });

  test('fawkes: tail sampling at the gateway (errors, > 1 s, 10 %), scrubbing, multi-tenancy, 100K spans/s sizing', () => {
    const m = render('fawkes');
    const gw = parse(m.find((o) => o.metadata.name === 'otel-gateway-config').data['collector.yaml']);
    expect(gw.processors.tail_sampling.policies.map((p: any) => p.type)).toEqual([
      'status_code',
      'latency',
      'probabilistic',
    ]);
    expect(gw.processors.tail_sampling.policies[1].latency.threshold_ms).toBe(1000);
    expect(gw.processors['attributes/scrub'].actions).toEqual([
      { key: 'http.request.header.authorization', action: 'delete' },
      { key: 'http.request.header.cookie', action: 'delete' },
      { key: 'db.statement', action: 'hash' },
      { key: 'user.email', action: 'update', value: 'REDACTED' },
    ]);
    expect(gw.exporters['otlp_grpc/tempo'].headers).toEqual({ 'X-Scope-OrgID': 'fawkes' });
    expect(
      m.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'tempo-live-store-zone-a').spec.replicas,
    ).toBe(2);
    // 13 MB/s after sampling and headroom: 2 partitions, one block-builder each, Kafka from Strimzi.
    expect(m.find((o) => o.kind === 'KafkaTopic')?.spec.partitions).toBe(2);
    expect(
      m.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'tempo-block-builder').spec.replicas,
    ).toBe(2);
  });

  test('ybuilt: S3, 3 days, Loki provisioned with trace links, Prometheus the one default', () => {
    const m = render('ybuilt');
    expect(tempoConfig(m).backend_worker.compaction.block_retention).toBe('72h');
    const ds = parse(Object.values<string>(m.find((o) => o.metadata.name.endsWith('-datasources')).data)[0]);
    expect(ds.datasources.filter((d: any) => d.isDefault).map((d: any) => d.name)).toEqual(['Prometheus']);
    expect(ds.datasources.find((d: any) => d.type === 'loki').jsonData.derivedFields[0].datasourceUid).toBe(
      'tempo',
    );
  });
});

describe('the 2.x → 3.0 migration example (migrate-to-3.md)', () => {
  const render = (n: string) =>
    renderEnvironment(
      EXAMPLES.find((e) => e.name === n)!,
      buildEnvironment,
    ).manifests as readonly any[];
  const file = (m: readonly any[], key: string) => parse(m.find((o) => o.data?.[key]).data[key]);
  const old = render('migration-2x');
  const next = render('migration-3');

  test('2.10.8 and 3.0.3 side by side, in their own namespaces, on the same bucket', () => {
    const image = (m: readonly any[]) =>
      m.find((o) => o.kind === 'StatefulSet' && o.metadata.labels['app.kubernetes.io/name'] === 'tempo').spec
        .template.spec.containers[0].image;
    expect([image(old), image(next)]).toEqual(['grafana/tempo:2.10.8', 'grafana/tempo:3.0.3']);
    expect(file(old, 'tempo.yaml').storage.trace.s3.bucket).toBe('acme-tempo-traces');
    expect(file(next, 'tempo.yaml').storage.trace.s3.bucket).toBe('acme-tempo-traces');
    expect(new Set(old.filter((o) => o.metadata.namespace).map((o) => o.metadata.namespace))).not.toContain(
      'tracing-3',
    );
  });

  test('only 2.x compacts during the parallel run: 3.0 has compaction_disabled in the defaults and every tenant', () => {
    expect(file(next, 'tempo.yaml').overrides.defaults.compaction).toEqual({ compaction_disabled: true });
    expect(file(next, 'overrides.yaml').overrides['team-a'].compaction).toEqual({
      compaction_disabled: true,
    });
    expect(file(old, 'tempo.yaml').overrides.defaults.compaction).toBeUndefined();
    expect(file(old, 'tempo.yaml').compactor.compaction.block_retention).toBe('168h');
  });

  test('both configs pass their own line; the 2.10 one would not start 3.0', () => {
    expect(tempoConfigProblems(file(old, 'tempo.yaml'), '2.10.8')).toEqual([]);
    expect(tempoConfigProblems(file(next, 'tempo.yaml'), '3.0.3')).toEqual([]);
    expect(tempoConfigProblems(file(old, 'tempo.yaml'), '3.0.3')).toContain('ingester: unknown key');
    // (The 3.0 keys all exist in 2.10.8 too, where live_store and block_builder were previews.)
  });
});
