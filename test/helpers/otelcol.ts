/**
 * The real OpenTelemetry Collector (build/otelcol, built by scripts/build-otelcol.sh from
 * tools/otelcol at VERSIONS.otelCollector). Like promtool and kubectl: tests that need it are
 * skipped with a message when it is absent, unless REQUIRE_OTELCOL is set (as .ci/run does).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { VERSIONS } from '../../lib/versions';
import { optionalTool } from './optional-tool';
import { pool } from './pool';
import { VerdictCache } from './verdict-cache';

export const OTELCOL = join(__dirname, '..', '..', 'build', 'otelcol');

function probe(): string | undefined {
  if (!existsSync(OTELCOL)) return undefined;
  const run = spawnSync(OTELCOL, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

const version = probe();
export const hasOtelcol = optionalTool(
  version !== undefined,
  'REQUIRE_OTELCOL',
  'build/otelcol (the OpenTelemetry Collector)',
  'run scripts/build-otelcol.sh (needs Go)',
);
if (hasOtelcol && version !== `otelcol version ${VERSIONS.otelCollector}`) {
  throw new Error(
    `build/otelcol reports "${version}" but lib/versions.ts pins ${VERSIONS.otelCollector}: run scripts/build-otelcol.sh`,
  );
}

/** Environment the pod template gives the collector (downward API), on loopback. */
export const LOOPBACK_ENV = { POD_IP: '127.0.0.1', K8S_NODE_NAME: 'node-a' } as const;

const verdicts = new VerdictCache(OTELCOL, `${version}`);

export interface RunResult {
  readonly status: number;
  readonly output: string;
}

/** Runs otelcol with these arguments; resolves when it exits. */
export function runOtelcol(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(OTELCOL, args, { env: { ...process.env, ...LOOPBACK_ENV, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

type Kind = 'receivers' | 'processors' | 'exporters' | 'connectors' | 'extensions';
const KINDS: Kind[] = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'];

/**
 * The primary component names the binary reports (`otelcol components`). Deprecated aliases
 * (`k8sattributes`, `loadbalancing`, …) are accepted by the collector but not listed here.
 */
export function componentNames(): Record<Kind, Set<string>> {
  const run = spawnSync(OTELCOL, ['components'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`otelcol components failed: ${run.stderr}`);
  const doc = parse(run.stdout) as Record<string, { name: string }[]>;
  return Object.fromEntries(KINDS.map((k) => [k, new Set((doc[k] ?? []).map((c) => c.name))])) as Record<
    Kind,
    Set<string>
  >;
}

/** Component ids of a config whose type is not a primary name of this release. */
export function nonPrimaryComponents(
  config: Record<string, any>,
  names: Record<Kind, Set<string>>,
): string[] {
  return KINDS.flatMap((k) =>
    Object.keys(config[k] ?? {})
      .filter((id) => !names[k].has(id.split('/')[0]))
      .map((id) => `${k}.${id}`),
  );
}

/**
 * `otelcol validate` on each config (YAML text or object), three at a time; returns one line per
 * config that fails or logs anything (validate is silent on a good config).
 */
export async function validateConfigs(
  configs: { name: string; config: string | object }[],
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tracesynth-otelcol-'));
  try {
    // Stacks often share a config byte for byte (an example's storage variants): each distinct
    // text is validated once, and its verdict reported for every config that has it.
    const texts = configs.map((c) =>
      typeof c.config === 'string' ? c.config : stringify(c.config, { lineWidth: 0 }),
    );
    const unique = [...new Set(texts)];
    // A config that passed with this binary before is not validated again (helpers/verdict-cache.ts).
    const results = await pool(
      unique.map((text, i) => async () => {
        const key = verdicts.key(['validate', JSON.stringify(LOOPBACK_ENV)], { 'config.yaml': text });
        const known = verdicts.get(key);
        if (known) return known;
        const file = join(dir, `${i}.yaml`);
        writeFileSync(file, text);
        const run = await runOtelcol(['validate', `--config=${file}`]);
        if (run.output.trim() === '') verdicts.put(key, run);
        return run;
      }),
    );
    const byText = new Map(
      unique.map((text, i) => {
        const r = results[i]!;
        // validate is silent on a good config: anything it logs counts as a failure.
        const ok = r.status === 0 && r.output.trim() === '';
        return [text, ok ? undefined : `exit ${r.status}: ${r.output.trim()}`];
      }),
    );
    return configs.flatMap((c, i) => {
      const verdict = byText.get(texts[i]!);
      return verdict === undefined ? [] : [`${c.name}: ${verdict}`];
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
