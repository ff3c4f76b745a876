// Regenerates imports/ from the Prometheus Operator CRDs vendored in schemas/crds/.
// All CRDs of one API group must be imported in ONE `cdk8s import` run: separate runs write the
// same imports/monitoring.coreos.com.ts and the last one wins.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const crdDir = new URL('../schemas/crds/', import.meta.url).pathname;
const files = readdirSync(crdDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const tmp = mkdtempSync(join(tmpdir(), 'tracesynth-import-'));
const bundle = join(tmp, 'monitoring.coreos.com.yaml');
writeFileSync(
  bundle,
  files.map((f) => readFileSync(join(crdDir, f), 'utf8').replace(/^---\n/, '')).join('\n---\n'),
);
try {
  execFileSync(
    'npx',
    [
      'cdk8s',
      'import',
      '--no-save',
      '--check-upgrade=false',
      '--output',
      'imports',
      '--language',
      'typescript',
      bundle,
    ],
    { stdio: 'inherit' },
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
