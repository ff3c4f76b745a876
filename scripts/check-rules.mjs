// `promtool check rules` on every PrometheusRule synthesized into dist/ (run by .ci/run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const roots = ['../dist/', '../examples/dist/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
const tmp = mkdtempSync(join(tmpdir(), 'tracesynth-rules-'));
const files = [];
try {
  for (const [dist, env] of roots
    .filter((r) => existsSync(r))
    .flatMap((r) => readdirSync(r).map((e) => [r, e]))) {
    const dir = join(dist, env, 'monitoring');
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((x) => x.startsWith('prometheusrule-'))
      .sort()) {
      const rule = parse(readFileSync(join(dir, f), 'utf8'));
      const out = join(tmp, `${env}-${f}`);
      writeFileSync(out, stringify({ groups: rule.spec.groups }, { lineWidth: 0 }));
      files.push(out);
    }
  }
  if (files.length === 0) throw new Error('no PrometheusRule found in dist/');
  // The promtool .ci/run builds (Prometheus 3.x), else the one on PATH.
  const built = fileURLToPath(new URL('../build/bin/promtool', import.meta.url));
  const run = spawnSync(existsSync(built) ? built : 'promtool', ['check', 'rules', ...files], {
    stdio: 'inherit',
  });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
