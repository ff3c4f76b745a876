/**
 * The Node.js the README asks for is the one package.json declares, and every installed package
 * accepts it: `npm ci` on that Node prints no EBADENGINE warning (ts-json-schema-generator stays
 * on 2.4, the last release that declares node >= 18; 2.5 and later want 22).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coerce, satisfies } from 'semver';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

const readmeNode = /\*\*Node\.js (\d+(?:\.\d+)*) or newer\*\*/.exec(
  readFileSync(join(ROOT, 'README.md'), 'utf8'),
);

test('the README states the Node.js package.json declares', () => {
  expect(readmeNode).not.toBeNull();
  expect(pkg.engines.node).toBe(`>=${readmeNode![1]}`);
});

test('every package of the lock file accepts that Node.js (npm ci warns EBADENGINE otherwise)', () => {
  const oldest = coerce(readmeNode![1])!.version;
  const refusing = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
    .filter(([, p]) => typeof p.engines?.node === 'string' && !satisfies(oldest, p.engines.node))
    .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}: node ${p.engines!.node}`);
  expect(refusing).toEqual([]);
});
