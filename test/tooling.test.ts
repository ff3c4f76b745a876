import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileFunction } from 'node:vm';
import { parseAllDocuments } from 'yaml';
import { ENVIRONMENTS } from '../environments';
import { optionalTool } from './helpers/optional-tool';

const ROOT = join(__dirname, '..');
const hasKubectl = optionalTool(
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0,
  'REQUIRE_KUBECTL',
  'kubectl',
  'apt-get install kubernetes-client, as .ci/run does, or build/bin/kubectl on PATH',
);

describe('GitOps tooling reads dist/ as it is', () => {
  (hasKubectl ? test.each : test.skip.each)(ENVIRONMENTS.map((e) => e.name))(
    '`kubectl kustomize dist/%s` renders every object',
    (env) => {
      const run = spawnSync('kubectl', ['kustomize', join(ROOT, 'dist', env)], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const kinds = parseAllDocuments(run.stdout)
        .map((d) => `${d.get('kind')}/${(d.toJS() as any).metadata.name}`)
        .sort();
      const files = readFileSync(join(ROOT, 'dist', env, 'kustomization.yaml'), 'utf8').match(
        /^ {2}- .+$/gm,
      )!;
      expect(kinds).toHaveLength(files.length);
      expect(kinds.some((k) => /^StatefulSet\/tempo(-live-store-zone-a|-ingester)?$/.test(k))).toBe(true);
    },
  );
});

describe("the test runner's module transform (test/jest/intrinsics-transform.cjs)", () => {
  const { createTransformer } = require('./jest/intrinsics-transform.cjs');
  const transformer = createTransformer({});
  const load = (source: string, filename = '/x/module.js') => {
    const { code } = transformer.process(source, filename, {});
    const module = { exports: {} as Record<string, unknown> };
    compileFunction(code, ['module', 'exports'], { filename })(module, module.exports);
    return module.exports;
  };

  test('a module that declares an intrinsic name itself, or returns early, still loads', () => {
    const exports = load(
      "'use strict'; var Buffer = 1; class Map { get size() { return 7; } }\n" +
        'exports.size = new Map().size + Buffer; if (exports.size) return; exports.after = true;',
    );
    expect(exports).toEqual({ size: 8 });
  });

  test("the intrinsics are the realm's own, and every line keeps its number", () => {
    const exports = load(
      'exports.same = [Object === globalThis.Object, JSON === globalThis.JSON, undefined === void 0];\n\n' +
        "exports.line = new Error('x').stack;",
    );
    expect(exports.same).toEqual([true, true, true]);
    expect(exports.line).toMatch(/\/x\/module\.js:3:/);
    expect(transformer.getCacheKey('a', '/x/a.js', {})).not.toBe(transformer.getCacheKey('b', '/x/a.js', {}));
  });
});
