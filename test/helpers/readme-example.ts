/**
 * The README's "Adding an environment" example, verbatim: the first ```ts block of that section,
 * written (unindented) to a file beside this repository's own, its `../index` import pointed at
 * the repository's index.ts, and loaded. A README edit is what the tests then check.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentDefinition } from '../../environments/types';

const ROOT = join(__dirname, '..', '..');

/** The example's source as the README shows it (without the list item's indentation). */
export function readmeExampleSource(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('### Adding an environment');
  if (at < 0) throw new Error("README.md has no '### Adding an environment' section");
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error("README.md's 'Adding an environment' section has no ```ts block");
  return block[1]!.replace(/^ {3}/gm, '');
}

/**
 * The environment the example defines, as `ENVIRONMENTS` in environments/index.ts would hold it
 * (with `source: environments/<name>.ts`, as step 2 of the README adds it there).
 */
export function readmeExample(): EnvironmentDefinition {
  const code = readmeExampleSource();
  // Inside the repository (build/ is ignored), so that the file resolves 'cdk8s' as environments/ does.
  const dir = join(ROOT, 'build', `readme-env-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'environment.ts');
  writeFileSync(file, code.replace(/from '\.\.\/index'/g, `from '${join(ROOT, 'index')}'`));
  try {
    const exported = Object.values(require(file) as Record<string, unknown>);
    if (exported.length !== 1)
      throw new Error(`the README's example exports ${exported.length} values, not one`);
    const env = exported[0] as EnvironmentDefinition;
    return { source: `environments/${env.name}.ts`, ...env };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
