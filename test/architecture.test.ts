/**
 * The folder import graph: data flows one way, from the environments down (main → environments /
 * examples → charts → constructs → lib). A loop between folders (constructs/<area> counts as one
 * folder each) fails here, naming the files that close it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const SOURCE_FOLDERS = ['charts', 'constructs', 'environments', 'examples', 'lib'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'dist' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** `constructs/tempo/x.ts` → `constructs/tempo`; `lib/x.ts` → `lib`. */
export function folderOf(file: string): string {
  const parts = normalize(file).split('/');
  return parts[0] === 'constructs' && parts.length > 2 ? `constructs/${parts[1]}` : parts[0]!;
}

/** Relative imports of a file (type-only ones included: they couple the folders all the same). */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)].map(
    (m) => m[1]!,
  );
  return specifiers.map((s) => relative(ROOT, join(ROOT, dirname(file), s)));
}

/** Every cycle of the folder graph, as the list of folders, or [] when there is none. */
export function folderCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('folder import graph', () => {
  test('the cycle finder finds a loop and accepts a tree', () => {
    const graph = (pairs: [string, string][]) => {
      const m = new Map<string, Set<string>>();
      for (const [a, b] of pairs) m.set(a, (m.get(a) ?? new Set()).add(b));
      return m;
    };
    expect(
      folderCycles(
        graph([
          ['lib', 'charts'],
          ['charts', 'lib'],
        ]),
      ),
    ).toEqual([['charts', 'lib', 'charts']]);
    expect(
      folderCycles(
        graph([
          ['charts', 'lib'],
          ['environments', 'charts'],
          ['environments', 'lib'],
        ]),
      ),
    ).toEqual([]);
    expect(folderOf('constructs/tempo/tempo.ts')).toBe('constructs/tempo');
    expect(importsOf('charts/a.ts', "import type { X } from '../lib/x';\nexport { Y } from './y';")).toEqual([
      'lib/x',
      'charts/y',
    ]);
  });

  test('has no loops between folders', () => {
    const edges = new Map<string, Set<string>>();
    const witness = new Map<string, string>();
    for (const file of SOURCE_FOLDERS.flatMap(sourceFiles)) {
      const from = folderOf(file);
      for (const target of importsOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
        const to = folderOf(target);
        if (to === from || !SOURCE_FOLDERS.includes(to.split('/')[0]!)) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
        witness.set(`${from} → ${to}`, `${file} imports ${target}`);
      }
    }
    const described = folderCycles(edges).map((cycle) =>
      cycle
        .slice(1)
        .map((to, i) => witness.get(`${cycle[i]} → ${to}`))
        .join('; '),
    );
    expect(described).toEqual([]);
  });

  test('lib/ depends on no folder of the app', () => {
    const offending = sourceFiles('lib').flatMap((file) =>
      importsOf(file, readFileSync(join(ROOT, file), 'utf8'))
        .filter((t) => folderOf(t) !== 'lib' && !t.startsWith('node_modules'))
        .map((t) => `${file} imports ${t}`),
    );
    expect(offending).toEqual([]);
  });

  test('environments and examples use only the public entry point (index.ts), as a package user would', () => {
    const deep = ['environments', 'examples'].flatMap((folder) =>
      sourceFiles(folder).flatMap((file) =>
        importsOf(file, readFileSync(join(ROOT, file), 'utf8'))
          .filter(
            (t) =>
              t !== 'index' &&
              folderOf(t) !== folder &&
              !(folder === 'environments' && t === 'charts/environment-definition'),
          )
          .map((t) => `${file} imports ${t}`),
      ),
    );
    expect(deep).toEqual([]);
  });
});
