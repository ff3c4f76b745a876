import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test as property } from '@fast-check/jest';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { checkPromQL } from '../constructs/monitoring/promql';
import { ConfigError } from '../lib/errors';

/** lezer's own verdict, without checkPromQL's cache. */
function parses(expr: string): boolean {
  let ok = true;
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) ok = false;
    },
  });
  return ok;
}

function ruleExpressions(): string[] {
  const root = join(__dirname, '..', 'dist');
  const out: string[] = [];
  for (const env of readdirSync(root)) {
    const dir = join(root, env, 'monitoring');
    for (const f of readdirSync(dir).filter((x) => x.startsWith('prometheusrule-'))) {
      for (const g of parse(readFileSync(join(dir, f), 'utf8')).spec.groups)
        for (const r of g.rules) out.push(r.expr);
    }
  }
  return out;
}

const EXPRESSIONS = ruleExpressions();
const STRING = /"(?:[^"\\\n]|\\[\s\S])*"/g;

describe('checkPromQL', () => {
  test('every committed rule expression parses, and there are enough to make the cache matter', () => {
    expect(EXPRESSIONS.length).toBeGreaterThan(100);
    for (const e of EXPRESSIONS) expect(parses(e)).toBe(true);
  });

  test('a cached valid expression never hides an error in a similar one', () => {
    expect(checkPromQL('up{job="a"} == 0', 'p')).toBe('up{job="a"} == 0');
    // Same text with the string left open, a quote removed, or an operator dropped: each parses differently.
    for (const bad of ['up{job="a} == 0', 'up{job=a"} == 0', 'up{job="a"} ==', 'up{job="a" == 0']) {
      expect(() => checkPromQL(bad, 'p')).toThrow(ConfigError);
    }
    // Comments, single quotes and backticks are never shaped: always parsed.
    expect(() => checkPromQL("up{job='a'} ==", 'p')).toThrow(ConfigError);
    expect(() => checkPromQL('up{job=`a`} ==', 'p')).toThrow(ConfigError);
    expect(() => checkPromQL('up{job="a"} # == 0\n', 'p')).not.toThrow();
  });

  // The cache is sound only if lezer's verdict never depends on the content of a double-quoted
  // string: replace every string of real (and broken) expressions with other well-formed string
  // contents (plain characters and escape sequences) and compare lezer's verdicts, and
  // checkPromQL's with lezer's.
  const content = fc
    .array(
      fc.oneof(
        fc.string({
          unit: fc.constantFrom(
            'a',
            'Z',
            '0',
            ' ',
            '{',
            '}',
            '(',
            ')',
            '=',
            '~',
            ',',
            '.',
            '-',
            '_',
            '/',
            '[',
            ']',
            '#',
            "'",
            '`',
            'é',
          ),
        }),
        fc.constantFrom('\\"', '\\\\', '\\n', '\\u00e9', '\\x'),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''));

  property.prop(
    [fc.constantFrom(...EXPRESSIONS), fc.nat(), fc.array(content, { minLength: 1, maxLength: 8 })],
    { numRuns: 300 },
  )(
    'changing only the contents of string literals never changes whether an expression parses',
    (expr, cut, contents) => {
      // A prefix of a real expression is usually broken; both kinds must agree.
      for (const e of [expr, expr.slice(0, cut % (expr.length + 1))]) {
        let i = 0;
        const other = e.replace(STRING, () => `"${contents[i++ % contents.length]}"`);
        expect(parses(other)).toBe(parses(e));
        let threw = false;
        try {
          checkPromQL(other, 'p');
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          threw = true;
        }
        expect(threw).toBe(!parses(other));
      }
    },
  );
});
