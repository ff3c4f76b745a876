import { checkRow, correctionRows, walk, type SeedRow } from './seeds/harness';
import { SEED_ROWS } from './seeds/rows';

describe('the harness', () => {
  test('walks keys, indices, matchers and embedded YAML, and names the step that fails', () => {
    const doc = { data: { 'a.yaml': 'x:\n  - { name: p, v: 1 }\n  - { name: q, v: 2 }\n' } };
    expect(walk(doc, ['data', 'a.yaml', 'x', { name: 'q' }, 'v'])).toBe(2);
    expect(walk(doc, ['data', 'a.yaml', 'x', 0, 'name'])).toBe('p');
    expect(() => walk(doc, ['data', 'a.yaml', 'x', { name: 'r' }])).toThrow('0 elements match');
    expect(() => walk(doc, ['data', 'b.yaml'])).toThrow('step 1');
  });

  test('a value the output does not hold, and a correction the table does not have, fail', () => {
    const wrongValue: SeedRow = {
      id: '000-06',
      quote: 'test',
      example: 'yc-dev',
      file: 'tempo/service-tempo.yaml',
      path: ['spec', 'ports', { name: 'http' }, 'port'],
      equals: 3201,
    };
    expect(checkRow(wrongValue)).toContain('expected 3201, found 3200');
    expect(checkRow({ ...wrongValue, equals: 3200 })).toBeUndefined();
    expect(checkRow({ id: '000-99', quote: 'test', correction: 'no such text anywhere' })).toContain(
      'no corrections-table row',
    );
    expect(correctionRows().length).toBeGreaterThan(10);
  });
});

for (const seed of [...new Set(SEED_ROWS.map((r) => r.id.slice(0, 3)))].sort())
  describe(`seed ${seed}`, () => {
    test.each(SEED_ROWS.filter((r) => r.id.startsWith(seed)).map((r) => [r.id, r.quote, r] as const))(
      '%s %s',
      (_id, _quote, row) => {
        expect(checkRow(row)).toBeUndefined();
      },
    );
  });
