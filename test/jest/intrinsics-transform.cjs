// Jest transformer: swc for TypeScript (types stripped, no checking: `npm test` runs tsc), and for
// every module (TypeScript, node_modules JavaScript) the JavaScript intrinsics bound once as locals.
//
// Why: jest runs each module inside a vm context, where every read of a global (`undefined`,
// `Object`, `Array`, `Symbol`, …) goes through the context's property interceptor instead of an
// inline cache. Measured on this repository: yaml's stringify of every stack's objects took
// 1.1–1.6 s in a vm context against 0.35–0.40 s in plain Node, and 0.35–0.39 s in the same vm
// context once the intrinsics were locals; inside jest it went from 1.2–1.8 s to 0.6–0.8 s. On
// whole test files the gain is smaller (the examples test: 6.4 s of CPU in process, was 8.0 s;
// eight render-heavy files in band: 24 s, was 26 s), since they also wait on child processes.
//
// The module body runs in an inner function, so a module that declares one of these names itself
// (`var Buffer`, `class Map`) still compiles: its declaration shadows the local. The values are
// the context's own intrinsics, read once when the module loads. `eval` is left out on purpose (a
// local `eval` would turn direct eval into indirect eval), and so are Node's and jest's globals
// (timers, process, console), which jest may replace after a module has loaded.
const { createHash } = require('node:crypto');
const { createTransformer } = require('@swc/jest');

const INTRINSICS = [
  'Object Function Array Number Boolean String Symbol BigInt Math JSON Reflect Proxy Promise',
  'Date RegExp Map Set WeakMap WeakSet WeakRef Error TypeError RangeError SyntaxError',
  'ReferenceError EvalError URIError AggregateError ArrayBuffer SharedArrayBuffer DataView',
  'Uint8Array Int8Array Uint8ClampedArray Uint16Array Int16Array Uint32Array Int32Array',
  'Float32Array Float64Array BigUint64Array BigInt64Array Intl Atomics FinalizationRegistry',
  'parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI',
  'decodeURI NaN Infinity',
]
  .join(' ')
  .split(' ');
// One line, so that every line of the module keeps its number (stack traces, source maps).
const HEAD = `const {${INTRINSICS.join(',')}} = globalThis, undefined = void 0; return function () {`;
const TAIL = '\n}.apply(this, arguments);\n';

/** The module's code with the intrinsics as locals; a leading `#!` line is blanked (not JS). */
function wrap(code) {
  const body = code.startsWith('#!') ? code.replace(/^#![^\n]*/, '') : code;
  return HEAD + body + TAIL;
}

const VERSION = createHash('sha1').update(HEAD).update(TAIL).update(wrap.toString()).digest('hex');

module.exports = {
  createTransformer(swcOptions) {
    const swc = createTransformer(swcOptions);
    return {
      process(source, filename, options) {
        if (!filename.endsWith('.ts')) return { code: wrap(source) };
        const { code, map } = swc.process(source, filename, options);
        return { code: wrap(code), map };
      },
      getCacheKey(source, filename, options) {
        const base = filename.endsWith('.ts')
          ? swc.getCacheKey(source, filename, options)
          : createHash('sha1').update(source).update('\0').update(filename).digest('hex');
        return createHash('sha1').update(base).update('\0').update(VERSION).digest('hex');
      },
    };
  },
};
