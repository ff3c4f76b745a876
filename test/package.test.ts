/**
 * The constructs as an npm package: `npm pack` builds the tarball, a fresh cdk8s app in a temporary
 * folder installs it (with the same cdk8s, cdk8s-plus-28 and constructs versions as this repository,
 * from the npm cache when it has them), type-checks its own main.ts against the package's
 * declarations, and synthesizes an environment with it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const versionOf = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;

const CONSUMER_MAIN = `import { Size } from 'cdk8s';
import { buildEnvironment, defineEnvironment, summarizeEnvironment, synthesize, TempoStorage } from 'tracesynth';

const qa = defineEnvironment({
  name: 'qa',
  tempo: { storage: TempoStorage.local({ size: Size.gibibytes(20) }), retention: '72h' },
  gitops: false,
});
const { changed } = synthesize([qa], buildEnvironment, 'dist', { prune: false, summarize: summarizeEnvironment });
console.log(changed.join(','));
`;

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
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
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
        ...['cdk8s', 'cdk8s-plus-28', 'constructs'].map((n) => `${n}@${versionOf(n)}`),
      ],
      { cwd: app, stdio: 'pipe' },
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
