// `npm run bench`: wall time (median of N runs) and peak memory of synthesizing every environment
// through the project's synth path (`node scripts/app.mjs`, esbuild bundle + plain node) and
// through `npx ts-node main.ts` (the slow type-checking path cdk8s templates use), side by side.
// Prints numbers; asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 7);
const work = mkdtempSync(join(tmpdir(), 'tracesynth-bench-'));

function measure(label, command, args, n, { fresh = false } = {}) {
  const times = [];
  let peakKiB = 0;
  for (let i = 0; i < n; i++) {
    if (fresh) rmSync(join(work, 'dist'), { recursive: true, force: true });
    const report = join(work, `report-${label.replace(/\W/g, '')}-${i}`);
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, {
      cwd: root,
      encoding: 'utf8',
      env: {
        ...process.env,
        CDK8S_OUTDIR: join(work, 'dist'),
        TRACESYNTH_BENCH_REPORT: report,
        NODE_OPTIONS: `--require ${join(root, 'scripts', 'bench-report.cjs')}`,
      },
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${label} failed:\n${r.stderr}`);
    times.push(seconds);
    const rss = readFileSync(report, 'utf8').trim().split('\n').map(Number);
    peakKiB = Math.max(peakKiB, ...rss);
  }
  times.sort((a, b) => a - b);
  return {
    label,
    runs: n,
    median: times[Math.floor(n / 2)],
    min: times[0],
    max: times[n - 1],
    peakMiB: peakKiB / 1024,
  };
}

try {
  // The output folder persists between runs, so these rows measure a re-synth without changes
  // (nothing is rewritten: the usual CI/dev case); the "fresh" row writes every file each run.
  const fast = measure(
    'synth path (node scripts/app.mjs)',
    process.execPath,
    [join(root, 'scripts', 'app.mjs')],
    runs,
  );
  const fresh = measure(
    '  same, into an empty folder',
    process.execPath,
    [join(root, 'scripts', 'app.mjs')],
    runs,
    { fresh: true },
  );
  const slow = measure('npx ts-node main.ts', 'npx', ['ts-node', 'main.ts'], Math.max(3, Math.min(runs, 3)));
  const row = (r) =>
    `${r.label.padEnd(36)} ${String(r.runs).padStart(4)} ${r.median.toFixed(3).padStart(9)} ${r.min.toFixed(3).padStart(7)} ${r.max.toFixed(3).padStart(7)} ${r.peakMiB.toFixed(0).padStart(9)}`;
  console.log(`${'path'.padEnd(36)} runs  median s   min s   max s  peak MiB`);
  console.log(row(fast));
  console.log(row(fresh));
  console.log(row(slow));
  console.log(
    `speed-up (median): ${(slow.median / fast.median).toFixed(1)}x (into an empty folder: ${(slow.median / fresh.median).toFixed(1)}x)`,
  );
  console.log('');
  // Scale: many generated environments in one process, time per environment.
  const esbuild = await import('esbuild');
  const scale = join(work, 'scale.js');
  await esbuild.build({
    entryPoints: [join(root, 'bench', 'scale.ts')],
    outfile: scale,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    absWorkingDir: root,
    logLevel: 'warning',
  });
  const r = spawnSync(process.execPath, [scale], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scale benchmark failed:\n${r.stderr}`);
  process.stdout.write(r.stdout);
} finally {
  rmSync(work, { recursive: true, force: true });
}
