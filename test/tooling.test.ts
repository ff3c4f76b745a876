import { compileFunction } from 'node:vm';

// `kubectl kustomize` of every environment's folder: the environment-level checks
// (test/helpers/environment-checks.ts).

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
