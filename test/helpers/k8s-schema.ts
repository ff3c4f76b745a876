/**
 * Strict validation of synthesized objects, as `kubeconform -strict` does: against the
 * Kubernetes OpenAPI definitions (1.28 and 1.33) and the CRDs' openAPIV3Schema, with unknown
 * fields rejected everywhere (the API server would silently drop a misspelled field).
 * The schema files are vendored in `schemas/` so a fresh clone validates offline.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import Ajv, { ValidateFunction } from 'ajv';
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

/** CRD patterns are Go (RE2) regexps; the only non-JS syntax they use is the `(?i)` flag. */
const goRegExp = Object.assign(
  (pattern: string, flags: string) =>
    pattern.includes('(?i)')
      ? new RegExp(pattern.replace('(?i)', ''), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: 'goRegExp' },
);

function newAjv(): Ajv {
  // Formats (int32, byte, date-time, …) are informational here; structure and types are what
  // the API server enforces.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { regExp: goRegExp } });
}

class Validator {
  private readonly ajv = newAjv();
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
      // metadata of a custom resource is a standard ObjectMeta.
      fn = this.ajv.compile({
        ...schema,
        properties: {
          ...schema.properties,
          metadata: { $ref: 'k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        },
      });
      this.crds.set(gvk, fn);
    }
    return fn;
  }

  validate(manifest: any): string[] {
    const gvk = `${manifest.apiVersion}/${manifest.kind}`;
    let fn = this.crd(gvk);
    if (!fn) {
      const def = this.byGvk.get(gvk);
      if (!def) return [`no schema for ${gvk}`];
      fn = this.compiled.get(def);
      if (!fn) {
        fn = this.ajv.compile({ $ref: `k8s#/definitions/${def}` });
        this.compiled.set(def, fn);
      }
    }
    if (fn(manifest)) return [];
    return (fn.errors ?? []).map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: '${(e.params as any).additionalProperty}'` : ''}`,
    );
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

/** Validation errors of one object against one Kubernetes version (empty when valid). */
export function validateManifest(manifest: any, version: KubernetesVersion): string[] {
  let v = validators.get(version);
  if (!v) {
    crdSchemas ??= loadCrdSchemas();
    v = new Validator(version, crdSchemas);
    validators.set(version, v);
  }
  return v.validate(manifest);
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
