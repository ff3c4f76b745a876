// Regenerates imports/ from the CRDs vendored in schemas/crds/ (file names start with the API
// group: monitoring.coreos.com_*.yaml, opentelemetry.io_*.yaml).
// All CRDs of one API group must be imported in ONE `cdk8s import` run: separate runs write the
// same imports/<group>.ts and the last one wins. So: one run per group, over a bundle of its CRDs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const crdDir = new URL('../schemas/crds/', import.meta.url).pathname;
const files = readdirSync(crdDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const groups = new Map();
for (const f of files) {
  const group = f.split('_')[0];
  groups.set(group, [...(groups.get(group) ?? []), f]);
}
const tmp = mkdtempSync(join(tmpdir(), 'tracesynth-import-'));
try {
  for (const [group, groupFiles] of groups) {
    const bundle = join(tmp, `${group}.yaml`);
    writeFileSync(
      bundle,
      groupFiles.map((f) => readFileSync(join(crdDir, f), 'utf8').replace(/^---\n/, '')).join('\n---\n'),
    );
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
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
