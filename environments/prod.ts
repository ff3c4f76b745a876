import { Size } from 'cdk8s';
import {
  CapacityInput,
  CollectorSampling,
  GatewayAuth,
  GatewayExposure,
  KafkaCluster,
  LokiDatasource,
  Memcached,
  planCapacity,
  TailSamplingProps,
  TempoStorage,
} from '../index';
import { REPOSITORY } from './repository';
import { defineEnvironment } from './types';

/** Tail sampling at the gateway: every error, every trace over 2s, 10 % of the rest. */
const PROD_SAMPLING: TailSamplingProps = { percentage: 10, latencyThreshold: '2s', decisionWait: '10s' };
/**
 * The traffic prod is sized for, stated once: 100,000 spans/s before sampling, and the sampling
 * percentage and decision wait of the collector's own policy. Tempo's components, its Kafka and
 * the gateway all follow from it.
 */
const PROD_TAIL = CollectorSampling.tail(PROD_SAMPLING);
const PROD_CAPACITY: CapacityInput = {
  spansPerSecond: 100_000,
  samplingPercent: PROD_TAIL.percentage,
  decisionWaitSeconds: PROD_TAIL.decisionWait.milliseconds / 1000,
};
const PROD_PLAN = planCapacity(PROD_CAPACITY, 'prod.tempo.microservices.capacity');

/**
 * Production: Amazon S3 through IRSA (no keys anywhere), SSE-KMS, 7 days of traces, span metrics
 * from the gateway (before tail sampling) and service graphs remote-written to the Prometheus Operator's Prometheus, multi-tenancy on.
 */
export const prod = defineEnvironment({
  name: 'prod',
  tempo: {
    // Tempo 3.0 microservices on a Strimzi Kafka, sized for 100,000 spans/s before 10 % tail
    // sampling (see SUMMARY.md for the arithmetic).
    microservices: {
      kafka: KafkaCluster.strimzi({ name: 'tempo-kafka', namespace: 'kafka', retention: '24h' }),
      capacity: PROD_CAPACITY,
      // The live-store zones pinned to two availability zones of eu-west-1.
      zones: ['eu-west-1a', 'eu-west-1b'],
      distributor: { autoscaling: { minReplicas: 2, maxReplicas: 6 } },
      querier: { autoscaling: { minReplicas: 9, maxReplicas: 18 } },
      // The rollout-operator's webhooks serve a certificate of the cluster's tracing CA (as the
      // collector's); it rolls one live-store zone at a time (docs/tempo.md).
      rollout: { issuerRef: { name: 'tracing-ca' } },
    },
    storage: TempoStorage.s3({
      bucket: 'acme-tracing-prod',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      sse: { type: 'SSE-KMS', kmsKeyId: 'alias/tracing-prod' },
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/tracing-prod-tempo' },
      volume: { size: Size.gibibytes(50) },
    }),
    retention: '168h',
    // The read path queries through memcached: one pool for blooms, trace-ID indexes, parquet
    // footers and indexes and the query-frontend's search results, sized by the plan from the
    // blooms of 7 days of traces (SUMMARY.md, read path).
    caches: [{ memcached: Memcached.deploy() }],
    multitenancy: true,
    receiverTls: { secretName: 'tempo-tls' },
    metricsGenerator: {
      // Span metrics come from the gateway's span_metrics connector, before tail sampling (the
      // generator would see only the kept 10 % plus every error and slow trace: biased ratios
      // and percentiles). Service graphs stay here. docs/collector.md.
      processors: ['service-graphs'],
      // Prometheus Operator's governing Service; needs enableRemoteWriteReceiver: true.
      remoteWrite: [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }],
      externalLabels: { cluster: 'prod', source: 'tempo' },
    },
    limits: { ingestionRateLimitBytes: 30_000_000, ingestionBurstSizeBytes: 40_000_000 },
  },
  collector: {
    // The same policy that sized the plan, with the tail sampler's memory bounds from the plan.
    sampling: CollectorSampling.tail({
      ...PROD_SAMPLING,
      numTraces: PROD_PLAN.gateway.numTraces,
      expectedNewTracesPerSec: PROD_PLAN.gateway.expectedNewTracesPerSec,
      maxTraceBytes: PROD_PLAN.gateway.maxTraceBytes,
      decisionCacheSize: PROD_PLAN.gateway.decisionCacheSize,
      shards: PROD_PLAN.gateway.shards,
    }),
    tenant: 'prod',
    // 15 minutes of each gateway's exports, on its volume (below) while Tempo is away.
    exportQueue: { queueSize: PROD_PLAN.gateway.queueSpans },
    // TLS on every hop that leaves a node: agents -> gateways (verifying the gateway Service's
    // name) and gateways -> Tempo. Applications send to the agent on their own node. The
    // Secrets come from cert-manager Certificates signed by the cluster's tracing CA.
    tls: {
      // cert-manager issues otel-gateway-tls for the gateway Service's names.
      gateway: { certificate: { issuerRef: { name: 'tracing-ca' } } },
      caSecret: { name: 'tracing-ca', key: 'ca.crt' },
    },
    tempoTls: { caSecret: { name: 'tracing-ca', key: 'ca.crt' } },
    // Zero-code SDKs for workloads annotated instrumentation.opentelemetry.io/inject-<language>:
    // "tracing-prod/tracesynth"; they keep every trace, the gateway's tail sampling decides.
    instrumentation: { resourceAttributes: { 'k8s.cluster.name': 'prod' } },
    gateway: {
      // Durable queue: a StatefulSet with a PVC per replica; a restarted, evicted or rescheduled
      // gateway delivers what it had accepted (docs/collector.md, "Rollouts that lose no spans").
      persistentQueue: { size: Size.gibibytes(PROD_PLAN.gateway.queueVolumeGi) },
      resources: { requests: PROD_PLAN.gateway.requests, limits: PROD_PLAN.gateway.limits },
      autoscaling: { minReplicas: PROD_PLAN.gateway.replicas, maxReplicas: PROD_PLAN.gateway.replicas * 2 },
    },
  },
  // Only the query gateway reaches Tempo's query-frontend: every client (Grafana included)
  // authenticates, and the tenant comes from who it is. Exposed on the platform's Gateway for
  // on-call laptops and CI outside the cluster; OTLP from outside goes through it too.
  queryGateway: {
    // htpasswd file in the Secret (openssl passwd -6), created by the secret manager.
    auth: GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' }),
    users: { oncall: 'prod', 'ci-synthetics': 'prod' },
    // Tempo's receivers serve TLS (receiverTls): the gateway verifies them with the tracing CA.
    ingest: { tempoCaSecret: { name: 'tracing-ca', key: 'ca.crt' } },
    exposure: GatewayExposure.gatewayApi({
      gateway: { name: 'external', namespace: 'gateway-system', sectionName: 'https' },
      hostnames: ['tempo.prod.example.com'],
    }),
  },
  grafana: {
    // Loki from the loki-stack chart; Prometheus from kube-prometheus-stack (uid `prometheus`).
    loki: LokiDatasource.existing({ uid: 'loki' }),
    tenant: 'prod',
    // Grafana's password for the gateway user `tracing-prod-tempo` (its datasource UID), in the
    // Secret mounted into Grafana (kube-prometheus-stack: grafana.extraSecretMounts).
    gatewayCredentials: { secretName: 'tempo-gateway-grafana' },
  },
  gitops: { repoURL: REPOSITORY },
});
