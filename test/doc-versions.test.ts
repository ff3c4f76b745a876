/**
 * Where the README and docs/ state the version of Tempo or of the collector (an image reference,
 * `lib/versions.ts` quoted, "Tempo 3.0.3", "contrib v0.161.0"), it is a pinned one of
 * lib/versions.ts. The target of an upgrade example (`3.0.3 → 3.0.4`) is not a statement of the
 * version and is left alone; so are release lines without a patch ("Tempo 3.0").
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSIONS } from '../lib/versions';

const ROOT = join(__dirname, '..');
const VERSION = String.raw`v?\d+\.\d+\.\d+(?:-[a-z0-9.]+)?`;
/** Not right after an upgrade arrow. */
const NOT_TARGET = '(?<!→ )';

/** What states "the" version of a component, and the versions it may be. */
const RULES: { component: string; pattern: RegExp; pinned: readonly string[] }[] = [
  {
    component: 'Tempo',
    pattern: new RegExp(
      String.raw`${NOT_TARGET}(?:grafana/tempo[: ]|\bTempo |\btempo2?: ')(${VERSION})`,
      'g',
    ),
    pinned: [VERSIONS.tempo, VERSIONS.tempo2],
  },
  {
    component: 'the collector',
    pattern: new RegExp(
      String.raw`${NOT_TARGET}(?:opentelemetry-collector-contrib[: ]|\bcontrib[ @]|\botelcol version |\botelCollector: ')(${VERSION})`,
      'g',
    ),
    pinned: [VERSIONS.otelCollector],
  },
];

/** `file:line: <component> <version>` for every stated version that is not pinned. */
function unpinnedVersions(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) =>
    RULES.flatMap(({ component, pattern, pinned }) =>
      [...line.matchAll(pattern)]
        .map((m) => m[1]!.replace(/^v/, ''))
        .filter((v) => !pinned.includes(v))
        .map((v) => `${file}:${i + 1}: ${component} ${v} (pinned: ${pinned.join(', ')})`),
    ),
  );
}

test('the scanner finds stated versions and leaves upgrade targets and release lines alone', () => {
  expect(
    unpinnedVersions(
      'x.md',
      [
        "Pinned: `grafana/tempo:2.8.2`, Tempo 2.8.2, tempo: '2.8.2', contrib v0.145.0",
        `ok: grafana/tempo:${VERSIONS.tempo}, Tempo ${VERSIONS.tempo2}, \`grafana/tempo ${VERSIONS.tempo} → 3.9.9\``,
        'ok: Tempo 3.0 and 2.10 lines, 2.8.x reached end of life',
      ].join('\n'),
    ),
  ).toEqual([
    `x.md:1: Tempo 2.8.2 (pinned: ${VERSIONS.tempo}, ${VERSIONS.tempo2})`,
    `x.md:1: Tempo 2.8.2 (pinned: ${VERSIONS.tempo}, ${VERSIONS.tempo2})`,
    `x.md:1: Tempo 2.8.2 (pinned: ${VERSIONS.tempo}, ${VERSIONS.tempo2})`,
    `x.md:1: the collector 0.145.0 (pinned: ${VERSIONS.otelCollector})`,
  ]);
});

test('README and docs/ name only the pinned Tempo and collector versions', () => {
  const files = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  expect(files.flatMap((f) => unpinnedVersions(f, readFileSync(join(ROOT, f), 'utf8')))).toEqual([]);
});
