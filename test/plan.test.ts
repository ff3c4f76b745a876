import { stringify } from 'yaml';
import { DistTree, EnvironmentPlan, formatPlanMarkdown, formatPlanText, planDist } from '../lib/plan';
import { DEV, STACKS } from './fixtures/stacks';
import { GIT_ENV, PlanRepo, planRepo } from './helpers/plan-repo';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../lib/errors';
import { defaultBase, describeRef, readTreeAt } from '../lib/git';

// Synthetic dist/ trees: a few objects shaped like tracesynth's, so each case changes one thing.

const labels = (component: string, version = '2.8.2') => ({
  'app.kubernetes.io/component': component,
  'app.kubernetes.io/name': 'tempo',
  'app.kubernetes.io/version': version,
});

function workload(
  kind: string,
  name: string,
  component: string,
  o: { image?: string; replicas?: number; memory?: string; checksum?: string } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, labels: labels(component, (o.image ?? 'grafana/tempo:2.8.2').split(':')[1]) },
    spec: {
      replicas: o.replicas ?? 2,
      template: {
        metadata: { annotations: { 'tracesynth.dev/config-checksum': o.checksum ?? 'aaa' } },
        spec: {
          containers: [
            {
              name: 'tempo',
              image: o.image ?? 'grafana/tempo:2.8.2',
              resources: {
                requests: { cpu: '500m', memory: o.memory ?? '1Gi' },
                limits: { memory: o.memory ?? '1Gi' },
              },
            },
          ],
        },
      },
    },
  };
}

function tempoConfig(retention = '168h', tenants: Record<string, unknown> = {}) {
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'tempo-config' },
      data: { 'tempo.yaml': stringify({ compactor: { compaction: { block_retention: retention } } }) },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'tempo-overrides' },
      data: { 'overrides.yaml': stringify({ overrides: tenants }) },
    },
  ];
}

function gatewayConfig(percent = 10) {
  const config = {
    processors: {
      tail_sampling: {
        policies: [
          { name: 'sample-rest', type: 'probabilistic', probabilistic: { sampling_percentage: percent } },
        ],
      },
    },
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'otel-gateway-config' },
    data: { 'collector.yaml': stringify(config) },
  };
}

function alertRule(alerts: { alert: string; severity: string; expr?: string }[]) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'tempo-alerts' },
    spec: {
      groups: [
        {
          name: 'tempo-alerts',
          rules: alerts.map((a) => ({
            alert: a.alert,
            expr: a.expr ?? 'up == 0',
            for: '15m',
            labels: { severity: a.severity },
          })),
        },
      ],
    },
  };
}

const summary = (lines: string[]) =>
  `# Environment\n\nsome table\n\n## Capacity plan\n\n${lines.map((l) => `- ${l}\n`).join('')}`;

const CAPACITY = [
  'Tempo receives 10,000 spans/s × 1000 B × 10 % = 1 MB/s; with 30 % headroom 1.3 MB/s',
  'querier: 2 (1 per 1.5 MB/s, at least 2)',
  'ingester: 3 (at least 3)',
];

/** One environment's files as a dist/ tree under `env/`. */
function tree(env: string, objects: object[], capacity = CAPACITY): Map<string, string> {
  const files = new Map<string, string>();
  for (const o of objects as any[])
    files.set(`${env}/x/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`, `# Generated\n${stringify(o)}`);
  files.set(`${env}/kustomization.yaml`, stringify({ kind: 'Kustomization', resources: [...files.keys()] }));
  files.set(`${env}/SUMMARY.md`, summary(capacity));
  return files;
}

const merge = (...trees: Map<string, string>[]): DistTree => new Map(trees.flatMap((t) => [...t]));

const ALERTS: { alert: string; severity: string; expr?: string }[] = [
  { alert: 'TempoDown', severity: 'critical' },
  { alert: 'TempoCompactorFailing', severity: 'warning' },
];

function baseObjects(
  o: {
    retention?: string;
    querier?: Parameters<typeof workload>[3];
    ingester?: Parameters<typeof workload>[3];
    alerts?: typeof ALERTS;
    percent?: number;
    tenants?: Record<string, unknown>;
  } = {},
) {
  return [
    workload('Deployment', 'tempo-querier', 'querier', o.querier),
    workload('StatefulSet', 'tempo-ingester', 'ingester', { replicas: 3, ...o.ingester }),
    ...tempoConfig(o.retention, o.tenants),
    gatewayConfig(o.percent),
    alertRule(o.alerts ?? ALERTS),
  ];
}

/** The plan's lines as `env section text`, the shape every case asserts on. */
function planLines(before: DistTree, after: DistTree): string[] {
  return planDist(before, after).flatMap((p) => [
    `${p.env} ${p.status} +${p.counts.added} -${p.counts.removed} ~${p.counts.changed}`,
    ...p.lines.map((l) => `${p.env} ${l.section}: ${l.text}`),
  ]);
}

const BASE = merge(tree('dev', baseObjects()), tree('prod', baseObjects()));

describe('plan: synthetic changes produce exactly the expected lines', () => {
  test('no change, no plan', () => {
    expect(planDist(BASE, new Map(BASE))).toEqual([]);
  });

  test('retention (and the rollout it causes through the config checksum)', () => {
    const after = merge(
      tree('dev', baseObjects()),
      tree('prod', baseObjects({ retention: '336h', querier: { checksum: 'bbb' } })),
    );
    expect(planLines(BASE, after)).toEqual([
      'prod changed +0 -0 ~2',
      'prod retention: ConfigMap/tempo-config tempo.yaml: compactor.compaction.block_retention 168h → 336h',
      'prod objects: ~ ConfigMap/tempo-config (retention)',
      'prod objects: ~ Deployment/tempo-querier (config checksum)',
    ]);
  });

  test('a replica count, with the capacity-plan line that caused it', () => {
    const capacity = [
      'Tempo receives 20,000 spans/s × 1000 B × 10 % = 2 MB/s; with 30 % headroom 2.6 MB/s',
      'querier: 3 (1 per 1.5 MB/s, at least 2)',
      'ingester: 3 (at least 3)',
    ];
    const after = merge(
      tree('dev', baseObjects()),
      tree('prod', baseObjects({ querier: { replicas: 3 } }), capacity),
    );
    expect(planLines(BASE, after)).toEqual([
      'prod changed +0 -0 ~1',
      'prod replicas: Deployment/tempo-querier replicas 2 → 3 (capacity plan: querier: 3 (1 per 1.5 MB/s, at least 2))',
      'prod capacity: Tempo receives 20,000 spans/s × 1000 B × 10 % = 2 MB/s; with 30 % headroom 2.6 MB/s (was: Tempo receives 10,000 spans/s × 1000 B × 10 % = 1 MB/s; with 30 % headroom 1.3 MB/s)',
      'prod objects: ~ Deployment/tempo-querier (replicas)',
    ]);
  });

  test('a replica count set by hand names no capacity-plan line', () => {
    const after = merge(tree('dev', baseObjects({ ingester: { replicas: 5 } })), tree('prod', baseObjects()));
    expect(planLines(BASE, after)).toEqual([
      'dev changed +0 -0 ~1',
      'dev replicas: StatefulSet/tempo-ingester replicas 3 → 5',
      'dev objects: ~ StatefulSet/tempo-ingester (replicas)',
    ]);
  });

  test('resources', () => {
    const after = merge(
      tree('dev', baseObjects({ querier: { memory: '2Gi' } })),
      tree('prod', baseObjects()),
    );
    expect(planLines(BASE, after)).toEqual([
      'dev changed +0 -0 ~1',
      'dev resources: Deployment/tempo-querier tempo requests.memory 1Gi → 2Gi, tempo limits.memory 1Gi → 2Gi',
      'dev objects: ~ Deployment/tempo-querier (resources)',
    ]);
  });

  test('an image bump', () => {
    const bumped = { image: 'grafana/tempo:2.9.0' };
    const after = merge(
      tree('dev', baseObjects()),
      tree('prod', baseObjects({ querier: bumped, ingester: bumped })),
    );
    expect(planLines(BASE, after)).toEqual([
      'prod changed +0 -0 ~2',
      'prod images: grafana/tempo 2.8.2 → 2.9.0 (Deployment/tempo-querier, StatefulSet/tempo-ingester)',
      'prod objects: ~ Deployment/tempo-querier (labels, image)',
      'prod objects: ~ StatefulSet/tempo-ingester (labels, image)',
    ]);
  });

  test('a new environment', () => {
    const after = merge(
      BASE as Map<string, string>,
      tree(
        'staging',
        [
          workload('Deployment', 'tempo', 'single-binary'),
          alertRule([{ alert: 'TempoDown', severity: 'critical' }]),
        ],
        ['tempo: 1 (single binary)'],
      ),
    );
    expect(planLines(BASE, after)).toEqual([
      'staging added +2 -0 ~0',
      'staging images: + grafana/tempo:2.8.2 (Deployment/tempo)',
      'staging alerts: + TempoDown (critical)',
      'staging capacity: + tempo: 1 (single binary)',
      'staging objects: + Deployment/tempo',
      'staging objects: + PrometheusRule/tempo-alerts',
    ]);
  });

  test('a removed environment', () => {
    expect(planLines(BASE, tree('dev', baseObjects()))[0]).toBe('prod removed +0 -6 ~0');
  });

  test('a removed alert, and a changed one', () => {
    const after = merge(
      tree(
        'dev',
        baseObjects({ alerts: [{ alert: 'TempoDown', severity: 'critical', expr: 'up{job="tempo"} == 0' }] }),
      ),
      tree('prod', baseObjects()),
    );
    expect(planLines(BASE, after)).toEqual([
      'dev changed +0 -0 ~1',
      'dev alerts: ~ TempoDown (critical)',
      'dev alerts: - TempoCompactorFailing (warning)',
      'dev objects: ~ PrometheusRule/tempo-alerts (spec.groups)',
    ]);
  });

  test('list items named like a section do not make their changes that section', () => {
    const rule = alertRule([{ alert: 'TempoDown', severity: 'critical' }]);
    const renamed = structuredClone(rule);
    rule.spec.groups[0].name = 'tail-sampling';
    renamed.spec.groups[0].name = 'tail-sampling';
    renamed.spec.groups[0].rules[0].for = '5m';
    expect(planLines(tree('dev', [rule]), tree('dev', [renamed]))).toEqual([
      'dev changed +0 -0 ~1',
      'dev alerts: ~ TempoDown (critical)',
      'dev objects: ~ PrometheusRule/tempo-alerts (spec.groups)',
    ]);
  });

  test('a changed list item is named by its index (rules[0]), a changed key by its path (spec.ports)', () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'otel-gateway' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    };
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'tempo' },
      spec: { ports: [{ name: 'http', port: 3200 }] },
    };
    const changedRole = structuredClone(role);
    changedRole.rules[0]!.resources.push('namespaces');
    const changedService = structuredClone(service);
    changedService.spec.ports[0]!.port = 3201;
    expect(planLines(tree('dev', [role, service]), tree('dev', [changedRole, changedService]))).toEqual([
      'dev changed +0 -0 ~2',
      'dev objects: ~ ClusterRole/otel-gateway (rules[0])',
      'dev objects: ~ Service/tempo (spec.ports)',
    ]);
  });

  test('sampling and tenants', () => {
    const after = merge(
      tree('dev', baseObjects({ percent: 25, tenants: { acme: { ingestion_rate_limit_bytes: 20000000 } } })),
      tree('prod', baseObjects()),
    );
    expect(planLines(BASE, after)).toEqual([
      'dev changed +0 -0 ~2',
      'dev sampling: ConfigMap/otel-gateway-config collector.yaml: processors.tail_sampling.policies[sample-rest].probabilistic.sampling_percentage 10 → 25',
      'dev tenants: ConfigMap/tempo-overrides overrides.yaml: overrides.acme.ingestion_rate_limit_bytes (unset) → 20000000',
      'dev objects: ~ ConfigMap/otel-gateway-config (sampling)',
      'dev objects: ~ ConfigMap/tempo-overrides (tenants)',
    ]);
  });

  test('added and removed objects; reordered containers are not a change', () => {
    const querier = workload('Deployment', 'tempo-querier', 'querier') as any;
    querier.spec.template.spec.containers.push({ name: 'sidecar', image: 'busybox:1.37' });
    const reordered = structuredClone(querier);
    reordered.spec.template.spec.containers.reverse();
    const before = tree('dev', [querier, workload('Deployment', 'tempo-compactor', 'compactor')]);
    const after = tree('dev', [
      reordered,
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'tempo-querier' },
        spec: { maxUnavailable: 1 },
      },
    ]);
    expect(planLines(before, after)).toEqual([
      'dev changed +1 -1 ~0',
      'dev objects: + PodDisruptionBudget/tempo-querier',
      'dev objects: - Deployment/tempo-compactor',
    ]);
  });
});

describe('plan formats', () => {
  const plans: EnvironmentPlan[] = [
    {
      env: 'prod',
      status: 'changed',
      counts: { added: 0, removed: 0, changed: 1 },
      lines: [
        { section: 'images', text: 'grafana/tempo 2.8.2 → 2.9.0 (Deployment/tempo-querier)' },
        { section: 'objects', text: '~ Deployment/tempo-querier (labels, image)' },
      ],
      immutable: [],
      refusals: [],
    },
  ];

  test('text', () => {
    expect(formatPlanText(plans, 'main')).toEqual([
      'Plan against main:',
      'prod (changed: 0 added, 0 removed, 1 changed)',
      '  images     grafana/tempo 2.8.2 → 2.9.0 (Deployment/tempo-querier)',
      '  objects    ~ Deployment/tempo-querier (labels, image)',
    ]);
    expect(formatPlanText([], 'main')).toEqual(['No changes against main.']);
  });

  test('markdown: sections with titles, long sections folded, markup escaped', () => {
    expect(formatPlanMarkdown(plans, 'abc123')).toBe(
      [
        '## tracesynth plan',
        '',
        'Against `abc123`.',
        '',
        '### `prod` (changed: 0 added, 0 removed, 1 changed)',
        '',
        '**Images**',
        '',
        '- grafana/tempo 2.8.2 → 2.9.0 (Deployment/tempo-querier)',
        '',
        '**Objects**',
        '',
        '- **changed** Deployment/tempo-querier (labels, image)',
        '',
      ].join('\n'),
    );
    const many: EnvironmentPlan = {
      ...plans[0],
      lines: Array.from({ length: 13 }, (_, i) => ({
        section: 'objects' as const,
        text: `+ ConfigMap/c${i}`,
      })),
    };
    const md = formatPlanMarkdown([many], 'main');
    expect(md).toContain('<details><summary>Objects (13)</summary>');
    expect(
      formatPlanMarkdown([{ ...plans[0], lines: [{ section: 'alerts', text: '+ A<b>|x' }] }], 'main'),
    ).toContain('- **added** A\\<b\\>\\|x');
  });
});

// `npm run plan`: the CLI hook around lib/plan.ts, against a base commit of the frozen stacks
// (test/helpers/plan-repo.ts), whatever this repository's environments and history hold.
describe('npm run plan', () => {
  let repo: PlanRepo;
  beforeAll(() => (repo = planRepo()));
  afterAll(() => repo.remove());

  test('a retention change is one plan line against the committed dist/', () => {
    const changed = { ...DEV, tempo: { ...DEV.tempo, retention: '336h' } };
    const { code, out } = repo.run(['--plan', '--base', 'HEAD', 'dev'], [changed]);
    expect(code).toBe(0);
    expect(out.split('\n')).toContain(
      '  retention  ConfigMap/tempo-config tempo.yaml: backend_scheduler.provider.compaction.compaction.block_retention 24h → 336h, tempo.yaml: backend_worker.compaction.block_retention 24h → 336h',
    );
    expect(out).not.toMatch(/^(staging|prod) /m); // only the named environment
  });

  test('--format markdown', () => {
    const { code, out } = repo.run(['--plan', '--base=HEAD', '--format', 'markdown', 'dev'], STACKS);
    expect(code).toBe(0);
    expect(out).toMatch(/^## tracesynth plan\n\nAgainst `HEAD \([0-9a-f]{7,}\)`\.\n/);
  });

  test('bad options are one-line errors', () => {
    expect(repo.run(['--plan', '--format', 'xml'], STACKS).err).toBe(
      "error: plan.format: 'xml' is not a plan format; use text or markdown\nNothing was written; dist/ is unchanged.",
    );
    expect(repo.run(['--plan', '--base'], STACKS).err).toBe(
      'error: plan.base: needs a value; e.g. --base main\nNothing was written; dist/ is unchanged.',
    );
    expect(repo.run(['--plan', '--base', 'no-such-ref'], STACKS).code).toBe(1);
  });
});

// The base branch from git.
describe('the base branch from git', () => {
  // lib/git.ts reads the base branch's dist/ for the plan, from a throwaway repository here.

  const ENV = GIT_ENV;
  let repo: string;
  const git = (...args: string[]) => {
    const run = spawnSync('git', args, { cwd: repo, env: ENV, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    return run.stdout.trim();
  };
  const write = (path: string, text: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('did not throw');
  };

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'tracesynth-git-'));
    git('init', '-q', '-b', 'main');
    write('dist/dev/tempo/a.yaml', 'kind: A\n');
    write('dist/dev/SUMMARY.md', '# dev\n\ntwo\nlines, ünicode\n');
    write('other/x.txt', 'not dist');
    git('add', '.');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feature');
    write('dist/dev/tempo/a.yaml', 'kind: A\nchanged: true\n');
    write('dist/prod/b.yaml', 'kind: B\n');
    git('add', '.');
    git('commit', '-qm', 'change');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  test('readTreeAt returns the files under the folder as committed at the ref, not as in the work tree', () => {
    write('dist/dev/tempo/a.yaml', 'uncommitted\n');
    expect(readTreeAt('main', 'dist', repo)).toEqual(
      new Map([
        ['dev/SUMMARY.md', '# dev\n\ntwo\nlines, ünicode\n'],
        ['dev/tempo/a.yaml', 'kind: A\n'],
      ]),
    );
    expect([...readTreeAt('HEAD', '../dist', join(repo, 'other')).keys()]).toEqual([
      'dev/SUMMARY.md',
      'dev/tempo/a.yaml',
      'prod/b.yaml',
    ]);
    expect(readTreeAt('main', 'examples/dist', repo)).toEqual(new Map());
  });

  test('the default base is the merge base with main; refs are described with their short SHA', () => {
    expect(defaultBase(repo)).toBe(git('rev-parse', 'main'));
    expect(describeRef('main', repo)).toBe(`main (${git('rev-parse', '--short', 'main')})`);
    const sha = git('rev-parse', 'main');
    expect(describeRef(sha, repo)).toBe(git('rev-parse', '--short', 'main'));
  });

  test('bad refs are one-line errors', () => {
    expect(message(() => readTreeAt('nope', 'dist', repo))).toBe(
      "plan.base: 'nope' is not a commit of this repository; fetch it (in CI: fetch-depth: 0) or pass another --base",
    );
    git('checkout', '-q', '--orphan', 'lonely');
    git('commit', '-qm', 'unrelated', '--allow-empty');
    git('branch', '-qD', 'main');
    expect(message(() => defaultBase(repo))).toBe(
      'plan.base: no merge base of HEAD with origin/main or main; pass --base <ref> (in CI, fetch the history: fetch-depth: 0)',
    );
    expect(message(() => readTreeAt('HEAD', '../elsewhere', repo))).toBe(
      `plan.base: ../elsewhere/ is not a folder inside the git repository ${git('rev-parse', '--show-toplevel')}; the plan compares with files committed there`,
    );
    expect(message(() => readTreeAt('HEAD', 'dist', tmpdir()))).toMatch(
      /^plan\.base: cannot read HEAD: not inside a git repository \(.*\); run the plan in a clone$/,
    );
  });
});
