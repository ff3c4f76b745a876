/**
 * Seed 003, the Fawkes ADR: collectors on every node with Kubernetes enrichment, tail sampling
 * (every error, everything slower than 1 s, 10 % of the rest) and scrubbing (Authorization and
 * Cookie headers deleted, db.statement hashed); Tempo with 3 replicas on S3 for 100K+ spans/s,
 * 7 days of traces, service graphs and span metrics to Prometheus with exemplars, team
 * isolation through multi-tenancy, trace-based SLIs.
 */
import { Size } from 'cdk8s';
import {
  CapacityInput,
  CollectorSampling,
  CollectorStackProps,
  defineEnvironment,
  EnvironmentDefinition,
  GatewayAuth,
  GatewayExposure,
  KafkaCluster,
  LokiDatasource,
  Memcached,
  planCapacity,
  PrometheusDatasource,
  TailSamplingProps,
  TempoStorage,
} from '../index';

/**
 * The ADR's policy: every error, everything slower than 1 s, 10 % of the rest, under the ADR's
 * policy names (the `policy` label of the tail sampler's metrics).
 */
const SAMPLING: TailSamplingProps = {
  percentage: 10,
  latencyThreshold: '1s',
  decisionWait: '10s',
  policyNames: { errors: 'errors', latency: 'slow-requests', probabilistic: 'probabilistic-sampling' },
};
/**
 * The traffic each variant is sized for, before sampling. The ADR states production's, "100K+
 * spans/second" (L52, L151); of staging and development it says only how much they store
 * (L509-511: production ~50 GB/day at 10 %, staging ~20 GB/day at 50 %, development ~5 GB/day at
 * 100 %). Its absolute figures disagree with each other (its cost analysis, L982-992, stores
 * 864 GB/day from 1,000,000 spans/s), so the example takes their proportions, scaled from
 * production's 10,000 stored spans/s: staging stores 20/50 of it, 4,000 spans/s, which is 8,000
 * before its 50 %; development 5/50, 1,000 spans/s, every one kept (examples/README.md).
 */
const SPANS_PER_SECOND = { production: 100_000, staging: 8_000, development: 1_000 } as const;

/** One variant's traffic, with the sampling of its own collector: the plan follows from it. */
function capacityOf(spansPerSecond: number, sampling: TailSamplingProps | 'keep-all'): CapacityInput {
  if (sampling === 'keep-all') return { spansPerSecond, samplingPercent: 100, tailSampling: false };
  const tail = CollectorSampling.tail(sampling);
  return {
    spansPerSecond,
    samplingPercent: tail.percentage,
    decisionWaitSeconds: tail.decisionWait.milliseconds / 1000,
  };
}
const CAPACITY = capacityOf(SPANS_PER_SECOND.production, SAMPLING);
const PLAN = planCapacity(CAPACITY, 'fawkes.tempo.microservices.capacity');
/** The ADR's Tempo container resources (L409-415). */
const SEED_RESOURCES = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };

/** The ADR's collector batch (L256-258): 10 s or 1024 spans, on both tiers. */
const BATCH = { timeout: '10s', sendBatchSize: 1024 } as const;

/**
 * The ADR's platform services, each its own tenant ("tenant ID from namespace", L54/L572/L962),
 * and the rest of the platform in `fawkes`: the 7-day tenants a platform engineer reads together.
 */
const TEAM_TENANTS = ['backstage', 'jenkins', 'argocd'];
const SEVEN_DAY_TENANTS = ['fawkes', ...TEAM_TENANTS];

/** Production (the ADR's main stack); the dev and staging variants below change the traffic and sampling. */
const FAWKES: EnvironmentDefinition = {
  name: 'fawkes',
  source: 'examples/fawkes.ts',
  namespace: 'fawkes-observability',
  // The ADR gives the tracing stack this namespace of its own.
  manageNamespace: true,
  tempo: {
    // A new design at 100K spans/s: Tempo 3.0 microservices, Kafka from Strimzi.
    microservices: {
      capacity: CAPACITY,
      kafka: KafkaCluster.strimzi({ namespace: 'fawkes-kafka' }),
      // The ADR's container resources (L409-415) where Tempo's sizing guide agrees; the
      // distributor, queriers, live-stores and block-builders keep the plan (examples/README.md).
      queryFrontend: { resources: SEED_RESOURCES },
      backendScheduler: { resources: SEED_RESOURCES },
      backendWorker: { resources: SEED_RESOURCES },
      metricsGenerator: { resources: SEED_RESOURCES },
    },
    storage: TempoStorage.s3({
      bucket: 'fawkes-tempo-traces',
      endpoint: 's3.amazonaws.com',
      region: 'us-east-1',
      // "S3 server-side encryption" (L974).
      sse: { type: 'SSE-S3' },
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/fawkes-tempo' },
      // The ADR's volumeClaimTemplates (L420-427): 100Gi per stateful pod.
      volume: { size: Size.gibibytes(100) },
    }),
    retention: '168h',
    // The ADR's ConfigMap `tempo-config` mounted at /etc/tempo (L327-330, L404-406).
    configMountPath: '/etc/tempo',
    // Tempo receives OTLP only (L335-342).
    receivers: { jaegerGrpc: false, jaegerThriftHttp: false, zipkin: false },
    // The ADR's ingester (L345-347) on 3.0: traces idle after 10s in the live-store, and a
    // block-builder cuts one block per tenant every 5 minutes (max_block_duration 5m).
    liveStore: { maxTraceIdle: '10s' },
    blockBuilder: { consumeCycleDuration: '5m' },
    pool: { maxWorkers: 100, queueDepth: 10_000 },
    // At 100K spans/s queries go through memcached (the ADR has none; examples/README.md): one
    // pool for every role but parquet-page, sized by the plan from 7 days of bloom filters.
    caches: [{ memcached: Memcached.deploy() }],
    multitenancy: true,
    // L53/L149/L969 "7 days detailed, 30 days sampled": the sampled tier is its own tenant,
    // fed by the gateway's sampledTenant copy.
    tenants: { 'fawkes-sampled': { retention: '720h' } },
    metricsGenerator: {
      // Span metrics come from the gateway's span_metrics connector, before tail sampling
      // (L368-369 also lists 'span-metrics' here: after sampling its ratios and percentiles
      // would be biased towards errors and slow traces; examples/README.md corrections).
      processors: ['service-graphs'],
      remoteWrite: [
        {
          url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write',
          sendExemplars: true,
        },
      ],
      externalLabels: { platform: 'fawkes' },
    },
  },
  collector: {
    // Tail sampling needs whole traces: agents route by trace ID to the gateway, which decides.
    sampling: CollectorSampling.tail({
      ...SAMPLING,
      numTraces: PLAN.gateway.numTraces,
      expectedNewTracesPerSec: PLAN.gateway.expectedNewTracesPerSec,
    }),
    scrubbing: {
      deleteAttributes: ['http.request.header.authorization', 'http.request.header.cookie'],
      hashAttributes: ['db.statement'],
      // L556-566: user.email replaced whole; card numbers in http.url masked with the ADR's
      // pattern (done by the transform processor: `update` takes no `pattern`).
      replaceAttributes: { 'user.email': 'REDACTED' },
      redactions: [
        {
          name: 'card-number',
          attributes: ['http.url'],
          pattern: '\\d{4}-\\d{4}-\\d{4}-\\d{4}',
          replacement: 'XXXX-XXXX-XXXX-XXXX',
        },
      ],
    },
    tenant: 'fawkes',
    // Zero-code SDKs (L161-204: Java agent, Python distro, Node auto-instrumentations) for pods
    // annotated instrumentation.opentelemetry.io/inject-<language>: "fawkes-observability/tracesynth".
    instrumentation: {},
    gateway: {
      replicas: PLAN.gateway.replicas,
      resources: { requests: PLAN.gateway.requests, limits: PLAN.gateway.limits },
      batch: BATCH,
      // Every span, before tail sampling, on :8889 (the ADR's Prometheus exporter "for exemplars").
      spanMetrics: true,
      // "30 days sampled": a uniform 10 % of all traces (the rate is not in the ADR; its
      // production rate) copied to the 30-day tenant.
      sampledTenant: { tenant: 'fawkes-sampled', percentage: 10 },
      // L54/L572/L962 "tenant ID from namespace", "teams only see their traces": one tenant
      // per namespace. The ADR names no namespace list; these are its platform services
      // (L474-492: backstage, jenkins, argocd), each its own tenant, the rest stays in `fawkes`.
      namespaceTenants: TEAM_TENANTS.map((ns) => ({ tenant: ns, namespaces: [ns] })),
    },
    agent: {
      // The ADR's apps export to `otel-collector:4317/4318` (L171-198) and its ConfigMap is
      // `otel-collector-config` (L241-244): the node-local agent carries that name.
      name: 'otel-collector',
      batch: BATCH,
      // The ADR's metrics pipeline (L315-318): apps' OTLP metrics → prometheus on 0.0.0.0:8889.
      prometheus: { port: 8889 },
    },
  },
  monitoring: {
    thresholds: {
      serviceLatencyP95Seconds: 1,
      serviceErrorRatio: 0.05,
      // The ADR's TempoHighQueryLatency (P95 > 10 s for 5m) and TempoHighIngestionErrors
      // (> 100 erroring spans/s for 10m; Tempo counts refused spans in tempo_discarded_spans_total).
      queryLatencyP95Seconds: 10,
      discardedSpansPerSecond: 100,
    },
    alertFor: { TempoQueryFrontendLatencyHigh: '5m', TempoDiscardedSpansRateHigh: '10m' },
  },
  // "Teams only see their traces" (L962): each team reads its tenant through the gateway with its
  // own credentials; the platform team reads all 7-day tenants at once (Tempo's cross-tenant
  // query). The header a client sends is ignored: the tenant comes from who authenticated.
  queryGateway: {
    auth: GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' }),
    users: {
      'team-backstage': 'backstage',
      'team-jenkins': 'jenkins',
      'team-argocd': 'argocd',
      'platform-sre': SEVEN_DAY_TENANTS,
    },
    exposure: GatewayExposure.ingress({
      host: 'tempo.fawkes.example.com',
      className: 'nginx',
      tlsSecretName: 'tempo-fawkes-tls',
    }),
  },
  grafana: {
    // The ADR's datasource `tempo` reads the 7-day tenants together (Tempo's cross-tenant query):
    // log lines and exemplars link to it, so a trace is found whichever team's namespace its
    // spans came from. Every tenant also gets its own datasource (the 30-day `fawkes-sampled`
    // tier included).
    tenant: SEVEN_DAY_TENANTS,
    gatewayCredentials: { secretName: 'tempo-gateway-grafana' },
    // The ADR's links point at datasource UID `tempo` (L458).
    tempoDatasource: { uid: 'tempo' },
    // `loki:3100` (L455) resolves in Grafana's namespace (`monitoring`); the default regex
    // matches the ADR's JSON log lines (`"trace_id": "4bf9…"`, L439).
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.monitoring.svc.cluster.local:3100',
    }),
    // Exemplars link metrics to traces (L126, L790): kube-prometheus-stack's Prometheus is not
    // ours, so a second datasource on it carries the links, for Tempo's generator (`traceID`)
    // and for the collector's Prometheus exporter (`trace_id`).
    traceLinks: {
      prometheus: PrometheusDatasource.provisioned({
        name: 'Prometheus (exemplars)',
        uid: 'prometheus-exemplars',
        url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
        exemplarLabels: ['traceID', 'trace_id'],
      }),
    },
    // The ADR's TraceQL queries (L474-492, L525-526); see the corrections table.
    dashboards: [
      {
        title: 'Fawkes trace queries',
        slug: 'fawkes-queries',
        panels: [
          {
            type: 'traceql',
            title: 'Slow database queries',
            // Any team's services query PostgreSQL: the main datasource, all 7-day tenants.
            traceql: '{span.db.system="postgresql" && duration > 1s}',
          },
          {
            type: 'traceql',
            title: 'Errors in production',
            // The `production` namespace is no team's: its spans are in `fawkes`.
            tenant: 'fawkes',
            traceql: '{status=error && resource.k8s.namespace.name="production"}',
          },
          {
            type: 'traceql',
            title: 'Traces for a specific user',
            traceql:
              '{resource.service.name="backstage" && span.http.route=~"/api/catalog/.*" && span.user.id="alice@example.com"}',
            // Backstage's spans go to its namespace tenant, not to `fawkes`.
            tenant: 'backstage',
          },
          {
            type: 'traceql',
            title: 'Deployment trace (commit to production)',
            traceql:
              '{resource.service.name="jenkins" || resource.service.name="argocd"} | {span.git.commit.sha="abc123def"}',
            // A delivery crosses the jenkins and argocd tenants: read both at once.
            tenant: ['jenkins', 'argocd'],
          },
          {
            type: 'traceql',
            title: 'Lead time for changes',
            traceql: '{span.git.commit.sha="abc123"} | {name="deploy-to-production"}',
            tenant: ['jenkins', 'argocd'],
          },
        ],
      },
    ],
  },
  gitops: false,
};

export const fawkes = defineEnvironment(FAWKES);

/**
 * A variant of the production stack with its own traffic and sampling (L509-511): Tempo's
 * components, its Kafka (partitions, broker volumes), the memcached pool and the collector
 * gateways are planned from that traffic, so its SUMMARY.md shows its own arithmetic; everything
 * else is production's.
 */
function variant(
  name: string,
  spansPerSecond: number,
  sampling: TailSamplingProps | 'keep-all',
): EnvironmentDefinition {
  const capacity = capacityOf(spansPerSecond, sampling);
  const plan = planCapacity(capacity, `${name}.tempo.microservices.capacity`);
  const tempo = FAWKES.tempo!;
  const collector = FAWKES.collector as CollectorStackProps;
  return defineEnvironment({
    ...FAWKES,
    name,
    tempo: { ...tempo, microservices: { ...tempo.microservices!, capacity } },
    collector: {
      ...collector,
      sampling:
        sampling === 'keep-all'
          ? CollectorSampling.keepAll()
          : CollectorSampling.tail({
              ...sampling,
              numTraces: plan.gateway.numTraces,
              expectedNewTracesPerSec: plan.gateway.expectedNewTracesPerSec,
            }),
      gateway: {
        ...collector.gateway,
        replicas: plan.gateway.replicas,
        resources: { requests: plan.gateway.requests, limits: plan.gateway.limits },
      },
    },
  });
}

/**
 * Development: every trace kept (L511), 1,000 spans/s. Every count of its plan is the model's
 * floor (two of each for HA, two Kafka partitions); span metrics stay at
 * the gateway, as in production. The ADR's architecture is kept, so development runs what
 * production runs (Kafka, zone-aware live-stores, their rollouts), at that size.
 */
export const fawkesDev = variant('fawkes-dev', SPANS_PER_SECOND.development, 'keep-all');

/**
 * Staging: every error and slow trace, 50 % of the rest (L510), of 8,000 spans/s. Its query
 * gateway signs people and CI in through the platform's single sign-on instead of htpasswd files
 * (staging tries it before production switches): "teams only see their traces" (L962) by their
 * IdP group, so joining a team is a change in the IdP, not a new htpasswd line. The ADR names no
 * IdP: a Keycloak realm is assumed, whose tokens carry `groups` (a group-membership mapper) and
 * the gateway's client in `aud` (an audience mapper); people and service accounts are both known
 * by `preferred_username` (Keycloak's `service-account-<client>` for a client-credentials token).
 */
const STAGING = variant('fawkes-staging', SPANS_PER_SECOND.staging, { ...SAMPLING, percentage: 50 });
export const fawkesStaging = defineEnvironment({
  ...STAGING,
  queryGateway: {
    ...STAGING.queryGateway!,
    auth: GatewayAuth.oidc({
      issuerUrl: 'https://sso.fawkes.example.com/realms/fawkes',
      clientId: 'tempo-gateway-staging',
      clientSecret: { name: 'tempo-gateway-oidc', key: 'client-secret' },
      cookieSecret: { name: 'tempo-gateway-oidc', key: 'cookie-secret' },
      userClaim: 'preferred_username',
      scopes: ['openid', 'email', 'profile', 'groups'],
      // The widest group first: a platform engineer who is also in a team reads every tenant.
      groups: {
        'platform-sre': SEVEN_DAY_TENANTS,
        'team-backstage': 'backstage',
        'team-jenkins': 'jenkins',
        'team-argocd': 'argocd',
      },
      grafanaHtpasswd: { secretName: 'tempo-gateway-grafana-htpasswd' },
    }),
    // The delivery pipeline's client-credentials account checks a deployment's trace (the ADR's
    // "commit to production", L525) across the jenkins and argocd tenants.
    users: { 'service-account-fawkes-delivery': ['jenkins', 'argocd'] },
    exposure: GatewayExposure.ingress({
      host: 'tempo.staging.fawkes.example.com',
      className: 'nginx',
      tlsSecretName: 'tempo-fawkes-staging-tls',
    }),
  },
});
