/**
 * Synthesizes N generated environments (variants of the real ones, distinct names) in memory
 * and prints the time per environment for several N, to show the cost stays linear. Run by
 * `npm run bench`; prints numbers, asserts nothing.
 */
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ENVIRONMENTS } from '../environments';
import { EnvironmentDefinition } from '../environments/types';
import { renderEnvironment } from '../lib/synth';

function generated(n: number): EnvironmentDefinition[] {
  return Array.from({ length: n }, (_, i) => {
    const base = ENVIRONMENTS[i % ENVIRONMENTS.length];
    return { ...base, name: `${base.name}${i}`, namespace: `tracing-${base.name}${i}` };
  });
}

function run(n: number): number {
  const envs = generated(n);
  const start = process.hrtime.bigint();
  let files = 0;
  for (const env of envs)
    files += renderEnvironment(env, buildEnvironment, summarizeEnvironment).files.length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (files === 0) throw new Error('nothing rendered');
  return ms;
}

run(3); // warm-up: module loading and JIT are not per-environment costs
console.log('environments  total ms  ms/environment');
for (const n of [10, 25, 50]) {
  const ms = run(n);
  console.log(`${String(n).padStart(12)}  ${ms.toFixed(0).padStart(8)}  ${(ms / n).toFixed(1).padStart(14)}`);
}
