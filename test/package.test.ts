/**
 * The constructs as an npm package: `npm pack` builds the tarball, a fresh cdk8s app in a temporary
 * folder installs it (with the same cdk8s, cdk8s-plus-28 and constructs versions as this repository,
 * from the npm cache when it has them, and the @types/node that `cdk8s init typescript-app`
 * installs), type-checks its own main.ts against the package's declarations with the tsconfig.json
 * of that template, verbatim (CommonJS, node10 resolution, lib es2016, no skipLibCheck), and
 * synthesizes an environment with it.
 *
 * The app's dependencies (cdk8s, and what the package depends on) are installed once per set of
 * dependency versions into a template under node_modules/.cache; each run hard-links that template
 * into a new app folder and `npm install`s the new tarball there, which replaces only the package
 * itself (a full install extracts ~30 MB and costs ~6 CPU-seconds; measured in docs/performance.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const versionOf = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
/** What `cdk8s init typescript-app` writes (cdk8s-cli's template, the version of package-lock.json). */
const STOCK_TEMPLATE = join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
const STOCK_TYPES_NODE = JSON.parse(readFileSync(join(STOCK_TEMPLATE, 'package.json'), 'utf8'))
  .devDependencies['@types/node'] as string;
const APP_DEPENDENCIES = [
  ...['cdk8s', 'cdk8s-plus-28', 'constructs'].map((n) => `${n}@${versionOf(n)}`),
  `@types/node@${STOCK_TYPES_NODE}`,
];
const TEMPLATES = join(ROOT, 'node_modules', '.cache', 'tracesynth', 'package-consumer');

const CONSUMER_PACKAGE = JSON.stringify({ name: 'consumer', version: '1.0.0', private: true });
const CONSUMER_MAIN = `import { Size } from 'cdk8s';
import { buildEnvironment, defineEnvironment, summarizeEnvironment, synthesize, TempoStorage } from 'tracesynth';

const qa = defineEnvironment({
  name: 'qa',
  tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20) }), retention: '72h' },
});
const { changed } = synthesize([qa], buildEnvironment, 'dist', { prune: false, summarize: summarizeEnvironment });
console.log(changed.join(','));
`;

function npmInstall(app: string, tarball: string): void {
  execFileSync(
    npm,
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      tarball,
      ...APP_DEPENDENCIES,
    ],
    { cwd: app, stdio: 'pipe' },
  );
}

/**
 * A folder with package.json, package-lock.json and node_modules of an app that installed a
 * tarball of this package and APP_DEPENDENCIES, for the current dependency versions (the key).
 * Built in a temporary folder and renamed into place, so a concurrent run never sees half of one.
 */
function appTemplate(tarball: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const key = createHash('sha256')
    .update(JSON.stringify([process.version, APP_DEPENDENCIES, pkg.dependencies]))
    .digest('hex')
    .slice(0, 16);
  const template = join(TEMPLATES, key);
  if (existsSync(join(template, 'package-lock.json'))) return template;
  mkdirSync(TEMPLATES, { recursive: true });
  // Templates of other dependency versions (not a concurrent run's staging folder of this one).
  for (const entry of readdirSync(TEMPLATES))
    if (!entry.startsWith(key)) rmSync(join(TEMPLATES, entry), { recursive: true, force: true });
  const staging = mkdtempSync(join(TEMPLATES, `${key}-`));
  writeFileSync(join(staging, 'package.json'), CONSUMER_PACKAGE);
  npmInstall(staging, tarball);
  try {
    renameSync(staging, template);
  } catch (error) {
    // Another run built the same template meanwhile: use that one.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(template, 'package-lock.json'))) throw error;
  }
  return template;
}
describe('npm package', () => {
  test('the tarball `npm pack` leaves in the repository is ignored by git', () => {
    const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    // Exit status 0: ignored.
    expect(
      spawnSync('git', ['check-ignore', '--quiet', '--no-index', `${name}-${version}.tgz`], { cwd: ROOT })
        .status,
    ).toBe(0);
  });

  test('peerDependencies name the cdk8s-plus the constructs are built on, and docs/package.md says so', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-28', 'constructs']);
    for (const [dep, range] of Object.entries(pkg.peerDependencies))
      expect(range).toBe(pkg.devDependencies[dep]);
    const docs = readFileSync(join(ROOT, 'docs', 'package.md'), 'utf8');
    expect(docs).toContain(`\`cdk8s-plus-28\` ${pkg.peerDependencies['cdk8s-plus-28']}`);
  });

  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracesynth-package-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('npm pack gives a tarball that a fresh cdk8s app installs and synthesizes with', () => {
    const packed = execFileSync(npm, ['pack', '--silent', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = join(dir, packed);
    expect(existsSync(tarball)).toBe(true);

    const app = join(dir, 'app');
    const template = appTemplate(tarball);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), CONSUMER_PACKAGE);
    cpSync(join(template, 'package-lock.json'), join(app, 'package-lock.json'));
    // Hard links: npm replaces a package by writing a new folder, never by editing these files.
    execFileSync('cp', ['-al', join(template, 'node_modules'), join(app, 'node_modules')]);
    npmInstall(app, tarball);
    // The app runs this tarball's build, not the one the template was installed from.
    const installed = join(app, 'node_modules', 'tracesynth', 'build', 'package', 'index.d.ts');
    expect(readFileSync(installed, 'utf8')).toBe(
      readFileSync(join(ROOT, 'build', 'package', 'index.d.ts'), 'utf8'),
    );
    // Only the built package is shipped: no TypeScript sources, tests or environments.
    const shipped = readdirSync(join(app, 'node_modules', 'tracesynth'));
    expect(shipped.sort()).toEqual(['README.md', 'build', 'package.json']);

    writeFileSync(join(app, 'main.ts'), CONSUMER_MAIN);
    cpSync(join(STOCK_TEMPLATE, 'tsconfig.json'), join(app, 'tsconfig.json'));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], {
      encoding: 'utf8',
    });
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
    const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('qa');

    const kustomization = parse(readFileSync(join(app, 'dist/qa/kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toContain('tempo/statefulset-tempo.yaml');
    const sts = parse(readFileSync(join(app, 'dist/qa/tempo/statefulset-tempo.yaml'), 'utf8'));
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(readFileSync(join(app, 'dist/qa/SUMMARY.md'), 'utf8')).toContain('72h');
    // Headers name what the consumer wrote, not this repository's files or scripts.
    expect(readFileSync(join(app, 'dist/qa/kustomization.yaml'), 'utf8').split('\n')[0]).toBe(
      "# Generated by tracesynth from the environment 'qa'. Do not edit: change its definition and synthesize again.",
    );
    // No `gitops`: no Argo CD or Flux object pointing at a repository that is not the consumer's.
    expect(existsSync(join(app, 'dist/qa/gitops'))).toBe(false);
  });
});
