// Regenerates imports/ from the CRDs vendored in schemas/crds/ (Prometheus Operator, Strimzi,
// OpenTelemetry Operator, cert-manager, Gateway API).
// All CRDs of one API group must be imported in ONE `cdk8s import` run: separate runs write the
// same imports/<group>.ts and the last one wins. Only the version this project emits is
// imported where a CRD serves several (Strimzi: `v1`), which keeps imports/ small.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const crdDir = new URL('../schemas/crds/', import.meta.url).pathname;
const files = readdirSync(crdDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
// Groups vendored whole for validation (and for the API server tests) of which the stack emits only
// a few kinds: only those are imported.
const EMITTED_KINDS = { 'gateway.networking.k8s.io': ['HTTPRoute', 'GRPCRoute'] };
const byGroup = new Map();
for (const f of files) {
  for (const doc of parseAllDocuments(readFileSync(join(crdDir, f), 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const emitted = EMITTED_KINDS[crd.spec.group];
    if (emitted && !emitted.includes(crd.spec.names.kind)) continue;
    if (crd.spec.versions.some((v) => v.name === 'v1'))
      crd.spec.versions = crd.spec.versions.filter((v) => v.name === 'v1');
    byGroup.set(crd.spec.group, [...(byGroup.get(crd.spec.group) ?? []), crd]);
  }
}
const tmp = mkdtempSync(join(tmpdir(), 'tracesynth-import-'));
try {
  for (const [group, crds] of byGroup) {
    const bundle = join(tmp, `${group}.yaml`);
    writeFileSync(bundle, crds.map((c) => stringify(c)).join('---\n'));
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
