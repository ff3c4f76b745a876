/**
 * Every pinned version lives here and nowhere else. Bumping a component is a one-line change
 * that flows into images, `app.kubernetes.io/version` labels and the generated docs.
 * Each image version sits under a `// renovate: datasource=docker depName=<repository>` line:
 * renovate.json's custom manager bumps exactly those (docs/ci.md; test/ci.test.ts checks that
 * every image of IMAGES has one).
 */
export const VERSIONS = {
  /**
   * grafana/tempo, the default line (3.0.x): config keys are checked against this release
   * (strict YAML parsing; `schemas/tempo/tempo-3.0.3-defaults.yaml`).
   */
  // renovate: datasource=docker depName=grafana/tempo
  tempo: '3.0.3',
  /**
   * grafana/tempo, the supported 2.x line for clusters not yet migrated (`version: '2.10'`);
   * Renovate keeps it on 2.10.x (`schemas/tempo/tempo-2.10.8-defaults.yaml`).
   */
  // renovate: datasource=docker depName=grafana/tempo versioning=regex:^(?<major>2)\.(?<minor>10)\.(?<patch>\d+)$
  tempo2: '2.10.8',
  /** Strimzi cluster operator whose CRDs (`schemas/crds/kafka.strimzi.io_*`) the Kafka objects target. */
  strimzi: '0.51.0',
  /** Kafka run by Strimzi 0.51.0 (its `packaging/examples/kafka/*.yaml`). */
  kafka: '4.2.0',
  kafkaMetadataVersion: '4.2-IV1',
  /**
   * otel/opentelemetry-collector-contrib: component names and keys are those of this release,
   * and tools/otelcol (the collector the tests run) requires exactly this one
   * (scripts/build-otelcol.sh refuses to build otherwise).
   */
  // renovate: datasource=docker depName=otel/opentelemetry-collector-contrib
  otelCollector: '0.161.0',
  /**
   * nginxinc/nginx-unprivileged, the query gateway (constructs/gateway/): nginx's stable line,
   * running as UID 101 with no capability, so its pod passes Pod Security "restricted". The
   * config (`nginx-config.ts`) also runs on Debian's nginx 1.22 in the end-to-end test.
   */
  // renovate: datasource=docker depName=nginxinc/nginx-unprivileged
  nginx: '1.30.5-alpine',
  /**
   * nginx/nginx-prometheus-exporter (Apache-2.0), the query gateway's metrics sidecar: reads
   * nginx's `stub_status` on the pod's loopback and serves `nginx_up`, `nginx_connections_*` and
   * `nginx_http_requests_total` on :9113 (its README at v1.5.3). A static binary on `scratch`.
   */
  // renovate: datasource=docker depName=nginx/nginx-prometheus-exporter
  nginxExporter: '1.5.3',
  /**
   * quay.io/oauth2-proxy/oauth2-proxy (MIT), the query gateway's OIDC sidecar
   * (`GatewayAuth.oidc`): its flags are checked against pkg/apis/options of this release, and
   * scripts/build-oauth2-proxy.sh builds the same release (Go module
   * github.com/oauth2-proxy/oauth2-proxy/v7, read from this line) for the end-to-end test. The image
   * is distroless (`gcr.io/distroless/static:nonroot`, UID 65532).
   */
  // renovate: datasource=docker depName=quay.io/oauth2-proxy/oauth2-proxy
  oauth2Proxy: 'v7.15.6',
  /**
   * OpenTelemetry Operator whose `Instrumentation` CRD (schemas/crds/) the stack emits; the
   * auto-instrumentation images below are its defaults (versions.txt at tag v0.158.0).
   */
  otelOperator: '0.158.0',
  /**
   * grafana/rollout-operator (Apache-2.0): rolls the two live-store zones one at a time, guards
   * their evictions (ZoneAwarePodDisruptionBudget) and their scale-in (prepare-downscale webhook).
   * The release Tempo's jsonnet pins with its own images.libsonnet tag format (`v`-prefixed).
   */
  // renovate: datasource=docker depName=grafana/rollout-operator
  rolloutOperator: 'v0.38.1',
  /**
   * memcached (BSD-3-Clause), Tempo's query caches: the newest 1.6 release (1.6.45, memcached's
   * tag of 2026-07-09); the Docker official image's alpine variant runs as `memcache` (11211).
   */
  // renovate: datasource=docker depName=memcached
  memcached: '1.6.45-alpine',
  /** prom/memcached-exporter (Apache-2.0), the memcached pods' metrics sidecar (its tag v0.16.0). */
  // renovate: datasource=docker depName=prom/memcached-exporter
  memcachedExporter: 'v0.16.0',
} as const;

/**
 * The releases whose API definitions and CRDs the emitted objects are validated against
 * (`../shared/k8s-schemas/`, `schemas/crds/`, `test/helpers/apiserver-crds.ts`): what a cluster
 * needs installed before it applies `dist/<env>/` (lib/prerequisites.ts; each SUMMARY.md lists the
 * ones its objects need, docs/prerequisites.md all of them). test/prerequisites.test.ts checks
 * each against the CRD files it names.
 */
export const VALIDATED_AGAINST = {
  /** Kubernetes OpenAPI definitions every object is validated against (both). */
  kubernetes: ['1.28', '1.33'],
  /** PodMonitor and PrometheusRule (`operator.prometheus.io/version` of the CRDs). */
  prometheusOperator: '0.89.0',
  /** Kafka, KafkaNodePool, KafkaTopic. */
  strimzi: VERSIONS.strimzi,
  /** Certificate and Issuer. */
  certManager: '1.21.1',
  /** Instrumentation. */
  otelOperator: VERSIONS.otelOperator,
  /** ZoneAwarePodDisruptionBudget (the CRD of the rollout-operator release deployed here). */
  rolloutOperator: VERSIONS.rolloutOperator,
  /** HTTPRoute and GRPCRoute, standard channel (`gateway.networking.k8s.io/bundle-version`). */
  gatewayApi: 'v1.6.3',
  /** Application (the release @kubernetes-models/argo-cd was generated from). */
  argoCd: 'v2.14.11',
  /** GitRepository and Kustomization (source-controller and kustomize-controller). */
  fluxControllers: 'v1.9.5',
} as const;

export interface ContainerImage {
  /** Registry and repository, e.g. `grafana/tempo`. */
  readonly repository: string;
  /** Tag; also the `app.kubernetes.io/version` label. */
  readonly tag: string;
}

export const IMAGES = {
  tempo: { repository: 'grafana/tempo', tag: VERSIONS.tempo },
  tempo2: { repository: 'grafana/tempo', tag: VERSIONS.tempo2 },
  otelCollector: { repository: 'otel/opentelemetry-collector-contrib', tag: VERSIONS.otelCollector },
  rolloutOperator: { repository: 'grafana/rollout-operator', tag: VERSIONS.rolloutOperator },
  memcached: { repository: 'memcached', tag: VERSIONS.memcached },
  memcachedExporter: { repository: 'prom/memcached-exporter', tag: VERSIONS.memcachedExporter },
  nginx: { repository: 'nginxinc/nginx-unprivileged', tag: VERSIONS.nginx },
  nginxExporter: { repository: 'nginx/nginx-prometheus-exporter', tag: VERSIONS.nginxExporter },
  oauth2Proxy: { repository: 'quay.io/oauth2-proxy/oauth2-proxy', tag: VERSIONS.oauth2Proxy },
} as const satisfies Record<string, ContainerImage>;

const AUTO_INSTRUMENTATION = 'ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation';

/** Per-language SDK images the operator injects (Go needs a privileged sidecar: not offered). */
export const AUTO_INSTRUMENTATION_IMAGES = {
  java: { repository: `${AUTO_INSTRUMENTATION}-java`, tag: '2.30.0' },
  nodejs: { repository: `${AUTO_INSTRUMENTATION}-nodejs`, tag: '0.78.0' },
  python: { repository: `${AUTO_INSTRUMENTATION}-python`, tag: '0.64b0' },
  dotnet: { repository: `${AUTO_INSTRUMENTATION}-dotnet`, tag: '1.16.0' },
} as const satisfies Record<string, ContainerImage>;

export function imageRef(image: ContainerImage): string {
  return `${image.repository}:${image.tag}`;
}

/**
 * Where this project's docs live (runbook links in alerts point at them). The repository Argo CD
 * and Flux sync from is each environment's own `gitops.repoURL`, never a default.
 */
export const PROJECT = {
  runbooks: 'https://github.com/tracesynth/tracesynth/blob/main/docs/runbooks.md',
} as const;
