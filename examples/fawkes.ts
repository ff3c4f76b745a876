/**
 * Seed 003, the Fawkes ADR: collectors on every node with Kubernetes enrichment, tail sampling
 * (every error, everything slower than 1 s, 10 % of the rest) and scrubbing (Authorization and
 * Cookie headers deleted, db.statement hashed); Tempo with 3 replicas on S3 for 100K+ spans/s,
 * 7 days of traces, service graphs and span metrics to Prometheus with exemplars, team
 * isolation through multi-tenancy, trace-based SLIs.
 */
import {
  CapacityInput,
  CollectorSampling,
  defineEnvironment,
  KafkaCluster,
  planCapacity,
  TailSamplingProps,
  TempoStorage,
} from '../index';

/** The ADR's policy: every error, everything slower than 1 s, 10 % of the rest. */
const SAMPLING: TailSamplingProps = { percentage: 10, latencyThreshold: '1s', decisionWait: '10s' };
const TAIL = CollectorSampling.tail(SAMPLING);
const CAPACITY: CapacityInput = {
  spansPerSecond: 100_000,
  samplingPercent: TAIL.percentage,
  decisionWaitSeconds: TAIL.decisionWait.milliseconds / 1000,
};
const PLAN = planCapacity(CAPACITY, 'fawkes.tempo.microservices.capacity');

export const fawkes = defineEnvironment({
  name: 'fawkes',
  source: 'examples/fawkes.ts',
  namespace: 'fawkes-observability',
  // The ADR gives the tracing stack this namespace of its own.
  manageNamespace: true,
  tempo: {
    // A new design at 100K spans/s: Tempo 3.0 microservices, Kafka from Strimzi.
    microservices: { capacity: CAPACITY, kafka: KafkaCluster.strimzi({ namespace: 'fawkes-kafka' }) },
    storage: TempoStorage.s3({
      bucket: 'fawkes-tempo-traces',
      endpoint: 's3.amazonaws.com',
      region: 'us-east-1',
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/fawkes-tempo' },
    }),
    retention: '168h',
    pool: { maxWorkers: 100, queueDepth: 10_000 },
    multitenancy: true,
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
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
    },
    tenant: 'fawkes',
    gateway: {
      replicas: PLAN.gateway.replicas,
      resources: { requests: PLAN.gateway.requests, limits: PLAN.gateway.limits },
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
  grafana: { tenant: 'fawkes' },
  gitops: false,
});
