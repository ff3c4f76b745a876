/**
 * The environment-level checks (test/helpers/environment-checks.ts) on environments that are not
 * shipped: the README's "Adding an environment" example, verbatim, synthesized beside the shipped
 * environments as `npm run synth` would once it is added to `ENVIRONMENTS`; the test suite's own
 * dev-, staging- and prod-like stacks; and valid variants unlike any of them (no collector, no
 * monitoring or Grafana, no GitOps, no NetworkPolicies, a shared namespace, Tempo 2.10 monolithic
 * or distributed, Tempo 3.0 microservices in a shared namespace). The shipped environments go
 * through the same checks in test/environments.test.ts.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvironment } from '../charts/environment';
import { summarizeEnvironment } from '../charts/summary';
import { ENVIRONMENTS } from '../environments';
import { synthesize } from '../lib/synth';
import { STACKS, VARIANTS } from './fixtures/stacks';
import { readTree } from './helpers/cluster-apply';
import { describeEnvironmentChecks, stackUnderTest } from './helpers/environment-checks';
import { readmeExample } from './helpers/readme-example';

const DIST = join(__dirname, '..', 'dist');

describe("the README's example (Adding an environment), added to ENVIRONMENTS and synthesized", () => {
  const example = readmeExample();
  // A copy of dist/, synthesized with the example added to the shipped environments (in place of
  // one of the same name, should the example already be one of them).
  const work = mkdtempSync(join(tmpdir(), 'tracesynth-readme-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const out = join(work, 'dist');
  cpSync(DIST, out, { recursive: true });
  const shipped = ENVIRONMENTS.filter((e) => e.name !== example.name);
  const before = new Map(shipped.map((e) => [e.name, readTree(join(out, e.name))]));
  const { changed } = synthesize([...shipped, example], buildEnvironment, out, {
    prune: true,
    summarize: summarizeEnvironment,
  });

  test('the synth writes its folder and leaves every shipped one as it was', () => {
    expect(changed.filter((n) => n !== example.name)).toEqual([]);
    for (const e of shipped)
      expect([e.name, readTree(join(out, e.name))]).toEqual([e.name, before.get(e.name)]);
    expect(readTree(join(out, example.name)).has('kustomization.yaml')).toBe(true);
  });

  describe(example.name, () => {
    describeEnvironmentChecks(stackUnderTest(example, join(out, example.name)));
  });
});

describe.each([...STACKS, ...VARIANTS].map((e) => [e.name, e] as const))('%s', (_name, env) => {
  describeEnvironmentChecks(stackUnderTest(env));
});
