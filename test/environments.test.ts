/**
 * Every shipped environment (`ENVIRONMENTS`, whatever it holds) through the environment-level
 * checks (test/helpers/environment-checks.ts), on its folder as committed: `dist/<env>/` read
 * back as Argo CD or Flux reads it. test/synth.test.ts checks that `dist/` holds exactly these
 * folders, as a fresh synth writes them; test/environment-variants.test.ts runs the same checks
 * on the README's example and on environments unlike the shipped ones.
 */
import { join } from 'node:path';
import { ENVIRONMENTS } from '../environments';
import { describeEnvironmentChecks, stackUnderTest } from './helpers/environment-checks';

const DIST = join(__dirname, '..', 'dist');

describe.each(ENVIRONMENTS.map((e) => [e.name, e] as const))('dist/%s', (name, env) => {
  describeEnvironmentChecks(stackUnderTest(env, join(DIST, name)));
});
