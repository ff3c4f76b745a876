/**
 * Every CustomResourceDefinition the test API server gets before anything is applied: the one list
 * to extend when the output uses a new custom kind (an apply of a kind with no CRD fails with "no
 * matches for kind", so a missing entry cannot go unnoticed).
 *
 * - `files`: CRDs committed in this repository (schemas/crds/, upstream copies from ../shared/crds);
 * - `module`: CRDs inside a Go module, fetched through the Go module proxy at test time
 *   (`go mod download`, checked against the pinned `sum` and the checksum database) and read from
 *   the module cache: nothing of them is committed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CrdSource {
  /** What it is, for messages. */
  readonly name: string;
  /** Repository files (relative to the repository root), `*` matching within one folder. */
  readonly files?: readonly string[];
  /** A Go module: path, version and its go.sum hash (`h1:`), and files inside it (`*` as above). */
  readonly module?: {
    readonly path: string;
    readonly version: string;
    readonly sum: string;
    readonly files: readonly string[];
  };
}

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    // PodMonitor, PrometheusRule (ServiceMonitor too), Strimzi 0.51.0 Kafka/KafkaNodePool/KafkaTopic
    // (KafkaUser too), OTel Operator 0.158.0 Instrumentation, cert-manager 1.21.1 Certificate.
    name: 'Prometheus Operator, Strimzi, OpenTelemetry Operator and cert-manager (schemas/crds)',
    files: ['schemas/crds/*.yaml'],
  },
  {
    // The Application CRD of the Argo CD release @kubernetes-models/argo-cd 2.7.2 was generated from
    // (v2.14.11, its CHANGELOG); the argo-cd module ships manifests/crds/.
    name: 'Argo CD v2.14.11 Application',
    module: {
      path: 'github.com/argoproj/argo-cd/v2',
      version: 'v2.14.11',
      sum: 'h1:vkw8Ib/fOGsWD7HSUw8+5yXbXPYkGIJqs0wA2h9MX2s=',
      files: ['manifests/crds/application-crd.yaml'],
    },
  },
  {
    // @kubernetes-models/flux-cd 2.3.4 was generated from source-controller v1.2.4 and
    // kustomize-controller v1.2.2, which the module proxy does not serve; v1.9.5 is the pair of the
    // Flux 2.9.5 release (flux2's go.mod), GitRepository and Kustomization v1 are the same API.
    name: 'Flux source-controller v1.9.5 GitRepository',
    module: {
      path: 'github.com/fluxcd/source-controller',
      version: 'v1.9.5',
      sum: 'h1:MFPyCodUi9hZIMaKDsC/rYbNoyzpvrAdrPVixj7W9F0=',
      files: ['config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml'],
    },
  },
  {
    name: 'Flux kustomize-controller v1.9.5 Kustomization',
    module: {
      path: 'github.com/fluxcd/kustomize-controller',
      version: 'v1.9.5',
      sum: 'h1:/XY2zy3K7fntyppEXIHG7oRMzmfgIt50eJzUfaPX1Kc=',
      files: ['config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml'],
    },
  },
  {
    // The standard channel (Gateway, HTTPRoute, GRPCRoute, …) and its safe-upgrades admission policy.
    name: 'Kubernetes Gateway API v1.6.3 (standard channel)',
    module: {
      path: 'sigs.k8s.io/gateway-api',
      version: 'v1.6.3',
      sum: 'h1:lKpJa5bGlraC/QeACvCpsHLdmO6y0iKfzVl6gzaFEYc=',
      files: ['config/crd/standard/*.yaml'],
    },
  },
];

const ROOT = join(__dirname, '..', '..');

/** `dir/a*.yaml` -> the matching files of `dir`, sorted; a pattern without `*` is the file itself. */
function expand(base: string, pattern: string): string[] {
  if (!pattern.includes('*')) return [join(base, pattern)];
  const slash = pattern.lastIndexOf('/');
  const dir = join(base, pattern.slice(0, slash));
  const re = new RegExp(
    `^${pattern
      .slice(slash + 1)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );
  const out = readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (out.length === 0) throw new Error(`CRD source pattern ${pattern} matches nothing in ${dir}`);
  return out;
}

/**
 * The CRD files of every source, downloading the Go modules (one `go mod download`, a few seconds
 * once the module cache has them). Throws with the module named when one cannot be had or its hash
 * is not the pinned one.
 */
export function crdFiles(): string[] {
  const modules = CRD_SOURCES.flatMap((s) => (s.module ? [s.module] : []));
  const dirs = new Map<string, string>();
  if (modules.length > 0) {
    let output: string;
    try {
      output = execFileSync(
        'go',
        ['mod', 'download', '-json', ...modules.map((m) => `${m.path}@${m.version}`)],
        {
          // Outside any module: `go mod download path@version` then needs no go.mod.
          cwd: tmpdir(),
          encoding: 'utf8',
          env: { ...process.env, GOWORK: 'off' },
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 1 << 24,
        },
      );
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `go mod download of the CRD modules failed: ${err.stdout ?? ''}${err.stderr ?? err.message}`,
      );
    }
    // A stream of JSON objects, one per module.
    for (const m of output.matchAll(/\{[^{}]*\}/g)) {
      const info = JSON.parse(m[0]) as {
        Path: string;
        Version: string;
        Dir?: string;
        Sum?: string;
        Error?: string;
      };
      const pinned = modules.find((x) => x.path === info.Path && x.version === info.Version);
      if (!pinned) continue;
      if (info.Error || !info.Dir)
        throw new Error(`${info.Path}@${info.Version}: ${info.Error ?? 'no directory'}`);
      if (info.Sum !== pinned.sum)
        throw new Error(`${info.Path}@${info.Version} has hash ${info.Sum}, not the pinned ${pinned.sum}`);
      dirs.set(`${info.Path}@${info.Version}`, info.Dir);
    }
  }
  return CRD_SOURCES.flatMap((s) => {
    if (s.files) return s.files.flatMap((f) => expand(ROOT, f));
    const m = s.module!;
    const dir = dirs.get(`${m.path}@${m.version}`);
    if (!dir) throw new Error(`${s.name}: go mod download did not report ${m.path}@${m.version}`);
    return m.files.flatMap((f) => expand(dir, f));
  });
}
