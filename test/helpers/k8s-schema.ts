/**
 * Strict validation of synthesized objects, as `kubeconform -strict` does: against the
 * Kubernetes OpenAPI definitions (1.28 and 1.33) and the CRDs' openAPIV3Schema, with unknown
 * fields rejected everywhere (the API server would silently drop a misspelled field).
 * The schema files are vendored in `schemas/` so a fresh clone validates offline.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import Ajv, { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { parseAllDocuments } from 'yaml';

const SCHEMA_DIR = join(__dirname, '..', '..', 'schemas');
export const KUBERNETES_VERSIONS = ['1.28', '1.33'] as const;
export type KubernetesVersion = (typeof KUBERNETES_VERSIONS)[number];

/** Closes every object schema that lists its properties: unknown fields become errors. */
function strict(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema))
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, strict(pv)]))
        : strict(v);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !out['x-kubernetes-preserve-unknown-fields']
  )
    out.additionalProperties = false;
  // OpenAPI v3 (CRDs) int-or-string and nullable, expressed in JSON Schema.
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/**
 * CRD patterns are Go (RE2) regexps; the only non-JS syntax they use is the `(?i)` flag. `code`
 * is the same function as source text, for the precompiled (standalone) validators.
 */
const GO_REGEXP_SOURCE =
  '((p, f) => (p.includes("(?i)") ? new RegExp(p.replace("(?i)", ""), f + "i") : new RegExp(p, f)))';
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)')
      ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: GO_REGEXP_SOURCE },
);

function newAjv(): Ajv {
  // Formats (int32, byte, date-time, …) are informational here; structure and types are what
  // the API server enforces.
  return new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: false,
    code: { regExp: goRegExp, source: true },
  });
}

class Validator {
  readonly ajv = newAjv();
  private readonly byGvk = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly crds = new Map<string, ValidateFunction>();
  private readonly crdSchemas: Map<string, any>;

  constructor(version: KubernetesVersion, crdSchemas: Map<string, any>) {
    const file = join(SCHEMA_DIR, 'k8s', `v${version}.0-definitions.json`);
    const definitions = strict(JSON.parse(readFileSync(file, 'utf8')).definitions);
    for (const [name, def] of Object.entries<any>(definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        this.byGvk.set(`${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`, name);
      }
    }
    this.ajv.addSchema({ $id: 'k8s', definitions });
    this.crdSchemas = crdSchemas;
  }

  private crd(gvk: string): ValidateFunction | undefined {
    const schema = this.crdSchemas.get(gvk);
    if (!schema) return undefined;
    let fn = this.crds.get(gvk);
    if (!fn) {
      // apiVersion, kind and metadata are implicit at the root of every custom resource (the API
      // server validates them itself; many CRDs, the rollout-operator's among them, do not list
      // them), and metadata is a standard ObjectMeta.
      fn = this.ajv.compile({
        ...schema,
        properties: {
          ...schema.properties,
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        },
      });
      this.crds.set(gvk, fn);
    }
    return fn;
  }

  /** The validator of one group/version/kind, or undefined when no schema describes it. */
  compile(gvk: string): ValidateFunction | undefined {
    const crd = this.crd(gvk);
    if (crd) return crd;
    const def = this.byGvk.get(gvk);
    if (!def) return undefined;
    let fn = this.compiled.get(def);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `k8s#/definitions/${def}` });
      this.compiled.set(def, fn);
    }
    return fn;
  }
}

function loadCrdSchemas(): Map<string, any> {
  const out = new Map<string, any>();
  // Subset schemas of the GitOps bootstrap objects (see schemas/gitops/README.md).
  for (const [gvk, schema] of Object.entries<any>(
    JSON.parse(readFileSync(join(SCHEMA_DIR, 'gitops', 'gitops.schema.json'), 'utf8')),
  ))
    out.set(gvk, schema);
  const dir = join(SCHEMA_DIR, 'crds');
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, strict(v.schema.openAPIV3Schema));
      }
    }
  }
  return out;
}

const validators = new Map<KubernetesVersion, Validator>();
let crdSchemas: Map<string, any> | undefined;

function compiler(version: KubernetesVersion): Validator {
  let v = validators.get(version);
  if (!v) {
    crdSchemas ??= loadCrdSchemas();
    v = new Validator(version, crdSchemas);
    validators.set(version, v);
  }
  return v;
}

/**
 * Compiling the schemas is most of a validation's cost (seconds per test file), so each
 * validator is compiled once and kept as standalone code in node_modules/.cache, under a key of
 * everything it depends on: the vendored schemas, this file and the Ajv version. A change to any
 * of them makes a new folder; a missing or partly written file is simply compiled again.
 */
const CACHE_DIR = (() => {
  const hash = createHash('sha256');
  const files = [
    join(SCHEMA_DIR, 'gitops', 'gitops.schema.json'),
    ...KUBERNETES_VERSIONS.map((v) => join(SCHEMA_DIR, 'k8s', `v${v}.0-definitions.json`)),
    ...readdirSync(join(SCHEMA_DIR, 'crds'))
      .sort()
      .map((f) => join(SCHEMA_DIR, 'crds', f)),
    __filename,
    require.resolve('ajv/package.json'),
  ];
  for (const f of files) hash.update(f.slice(SCHEMA_DIR.length)).update(readFileSync(f));
  return join(
    __dirname,
    '..',
    '..',
    'node_modules',
    '.cache',
    'tracesynth-ajv',
    hash.digest('hex').slice(0, 16),
  );
})();

type Check = ((manifest: any) => boolean) & { errors?: ValidateFunction['errors'] };
/** Per version/kind: its validator, or null when no schema describes the kind. */
const cached = new Map<string, Check | null>();

function cachedValidator(version: KubernetesVersion, gvk: string): Check | null {
  const key = `${version}/${gvk}`;
  let fn = cached.get(key);
  if (fn !== undefined) return fn;
  const file = join(CACHE_DIR, `${key.replace(/[^A-Za-z0-9.-]/g, '_')}.js`);
  try {
    fn = require(file) as Check | null;
  } catch {
    fn = compiler(version).compile(gvk) ?? null;
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      fn ? standaloneCode(compiler(version).ajv, fn as ValidateFunction) : 'module.exports = null;\n',
    );
    renameSync(tmp, file);
  }
  cached.set(key, fn);
  return fn;
}

/** Validation errors of one object against one Kubernetes version (empty when valid). */
export function validateManifest(manifest: any, version: KubernetesVersion): string[] {
  const gvk = `${manifest.apiVersion}/${manifest.kind}`;
  const fn = cachedValidator(version, gvk);
  if (!fn) return [`no schema for ${gvk}`];
  if (fn(manifest)) return [];
  return (fn.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: '${(e.params as any).additionalProperty}'` : ''}`,
  );
}

/**
 * The GitOps objects' full upstream schemas, from the Argo CD and Flux CRDs as packaged by
 * kubernetes-models: types, enums, patterns and required fields, but unknown fields pass, which
 * is why the closed subset schemas in schemas/gitops/ are checked too.
 */
const UPSTREAM_MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'argoproj.io/v1alpha1/Application': Application,
  'source.toolkit.fluxcd.io/v1/GitRepository': GitRepository,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization,
};

/** Errors of an object against its upstream CRD schema, when it is one of the GitOps kinds. */
export function validateUpstream(manifest: any): string[] {
  const Model = UPSTREAM_MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) return [];
  try {
    new Model(structuredClone(manifest)).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** Errors of every object against every supported version, prefixed with the object's identity. */
export function validateAll(manifests: readonly any[]): string[] {
  const errors: string[] = [];
  for (const version of KUBERNETES_VERSIONS) {
    for (const m of manifests) {
      for (const e of validateManifest(m, version))
        errors.push(`[k8s ${version}] ${m.kind}/${m.metadata?.name}: ${e}`);
    }
  }
  for (const m of manifests)
    for (const e of validateUpstream(m)) errors.push(`[upstream CRD] ${m.kind}/${m.metadata?.name}: ${e}`);
  return errors;
}
