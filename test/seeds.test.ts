import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The checklist's rows: id and verdict (`**M**`, `**W✓ revise**`, `**X**`, …). */
const CHECKLIST = readFileSync(join(__dirname, '..', 'examples', 'SEEDS-CHECKLIST.md'), 'utf8')
  .split('\n')
  .filter((line) => /^\| \d{3}-\d{2} \|/.test(line))
  .map((line) => {
    const cells = line.split(' | ');
    return { id: cells[0]!.slice(2), verdict: cells[3] ?? '' };
  });

describe('coverage of examples/SEEDS-CHECKLIST.md', () => {
  test('the checklist has every seed line it was written from (288 rows in five seeds)', () => {
    expect(CHECKLIST.length).toBe(288);
    expect(new Set(CHECKLIST.map((r) => r.id)).size).toBe(CHECKLIST.length);
  });

  test('every row that states a value (all but the X rows) is asserted here', () => {
    const asserted = new Set(SEED_ROWS.map((r) => r.id));
    expect(
      CHECKLIST.filter((r) => !r.verdict.includes('**X**') && !asserted.has(r.id)).map((r) => r.id),
    ).toEqual([]);
  });

  test('every row found wrong for the real component (W) is named in the corrections table', () => {
    const corrected = new Set(SEED_ROWS.filter((r) => 'correction' in r).map((r) => r.id));
    expect(
      CHECKLIST.filter((r) => r.verdict.includes('**W') && !corrected.has(r.id)).map((r) => r.id),
    ).toEqual([]);
  });

  test('every asserted id is a checklist row', () => {
    const ids = new Set(CHECKLIST.map((r) => r.id));
    expect([...new Set(SEED_ROWS.map((r) => r.id))].filter((id) => !ids.has(id))).toEqual([]);
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
