/**
 * The constructs as an npm package: `npm pack` builds the tarball, a fresh cdk8s app in a temporary
 * folder installs it (with the same cdk8s, cdk8s-plus-28 and constructs versions as this repository,
 * from the npm cache when it has them), type-checks its own main.ts against the package's
 * declarations, and synthesizes an environment with it.
 *
 * The app's dependencies (cdk8s, and what the package depends on) are installed once per set of
 * dependency versions into a template under node_modules/.cache; each run hard-links that template
 * into a new app folder and `npm install`s the new tarball there, which replaces only the package
 * itself (a full install extracts ~30 MB and costs ~6 CPU-seconds; measured in docs/performance.md).
 */
import { execFileSync } from 'node:child_process';
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
const APP_DEPENDENCIES = ['cdk8s', 'cdk8s-plus-28', 'constructs'].map((n) => `${n}@${versionOf(n)}`);
const TEMPLATES = join(ROOT, 'node_modules', '.cache', 'tracesynth', 'package-consumer');

const CONSUMER_PACKAGE = JSON.stringify({ name: 'consumer', version: '1.0.0', private: true });
const CONSUMER_MAIN = `import { Size } from 'cdk8s';
import { buildEnvironment, defineEnvironment, summarizeEnvironment, synthesize, TempoStorage } from 'tracesynth';

const qa = defineEnvironment({
  name: 'qa',
  tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20) }), retention: '72h' },
  gitops: false,
});
const { changed } = synthesize([qa], buildEnvironment, 'dist', { prune: false, summarize: summarizeEnvironment });
// The app has no @types/node (and no DOM types: see its tsconfig).
declare const console: { log(line: string): void };
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
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          strict: true,
          skipLibCheck: true,
          outDir: 'out',
          // What `cdk8s init typescript-app` writes: no DOM types (1.9 MB that tsc would parse).
          lib: ['ES2022'],
          types: [],
        },
        files: ['main.ts'],
      }),
    );
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], {
      stdio: 'pipe',
    });
    const out = execFileSync(process.execPath, ['out/main.js'], { cwd: app, encoding: 'utf8' });
    expect(out.trim()).toBe('qa');

    const kustomization = parse(readFileSync(join(app, 'dist/qa/kustomization.yaml'), 'utf8'));
    expect(kustomization.resources).toContain('tempo/statefulset-tempo.yaml');
    const sts = parse(readFileSync(join(app, 'dist/qa/tempo/statefulset-tempo.yaml'), 'utf8'));
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(readFileSync(join(app, 'dist/qa/SUMMARY.md'), 'utf8')).toContain('72h');
  });
});
