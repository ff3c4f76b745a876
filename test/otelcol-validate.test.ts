/**
 * `otelcol validate` (the collector built from tools/otelcol at VERSIONS.otelCollector) on every
 * collector config the examples synthesize: 0 errors, no log output at all (validate logs nothing
 * for a good config), and only the release's primary component names (a deprecated alias
 * validates but logs a warning when the collector starts). Every environment's configs go through
 * the same checks with the environment-level checks (test/helpers/environment-checks.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { EXAMPLES } from '../examples';
import { renderEnvironment } from '../lib/synth';
import {
  componentNames,
  hasOtelcol,
  nonPrimaryComponents,
  runOtelcol,
  validateConfigs,
} from './helpers/otelcol';

const otelcolTest = hasOtelcol ? test : test.skip;

const configs = EXAMPLES.flatMap((env) =>
  renderEnvironment(env, buildEnvironment)
    .manifests.filter((m) => m.kind === 'ConfigMap' && m.data?.['collector.yaml'])
    .map((m) => ({ name: `${env.name}/${m.metadata.name}`, yaml: m.data['collector.yaml'] as string })),
);

test('the examples have collector configs to check', () => {
  expect(configs.length).toBeGreaterThan(0);
});

otelcolTest('otelcol validate accepts every synthesized collector config without a word', async () => {
  expect(await validateConfigs(configs.map((c) => ({ name: c.name, config: c.yaml })))).toEqual([]);
});

otelcolTest('every component is named by its primary name in this release (no deprecated alias)', () => {
  const names = componentNames();
  expect(
    configs.flatMap((c) => nonPrimaryComponents(parse(c.yaml), names).map((id) => `${c.name}: ${id}`)),
  ).toEqual([]);
});

otelcolTest('validate rejects a config the collector cannot run (the check can fail)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-otelcol-'));
  try {
    const config = parse(configs[0].yaml);
    const [id] = Object.keys(config.processors);
    config.processors[id] = { ...config.processors[id], no_such_key: true };
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, JSON.stringify(config));
    const r = await runOtelcol(['validate', `--config=${file}`]);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('has invalid keys: no_such_key');
    expect(await validateConfigs([{ name: 'bad', config }])).toHaveLength(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
