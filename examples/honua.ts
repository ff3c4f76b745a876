/**
 * Seed 002, the Honua deployment guide: OpenTelemetry Collector with 10 % head sampling in front
 * of tempo-distributed on S3 (IRSA) in `observability`, resources 500m/1Gi → 2/4Gi, 7 days of
 * traces with compacted blocks kept 24h, 5-minute blocks, span metrics to Prometheus, and the
 * production component table (distributors 3, ingesters 3, queriers 2, compactor 1).
 */
import { CollectorSampling, defineEnvironment, TempoStorage } from '../index';

const small = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
const stateful = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };

export const honua = defineEnvironment({
  name: 'honua',
  source: 'examples/honua.ts',
  namespace: 'observability',
  tempo: {
    // The team runs the 2.x ingester architecture (no Kafka yet): the supported 2.x line.
    version: '2.10',
    distributed: {
      distributor: { replicas: 3, resources: small },
      ingester: { replicas: 3, resources: stateful },
      querier: { replicas: 2, resources: small },
      compactor: { replicas: 1, resources: stateful },
    },
    storage: TempoStorage.s3({
      bucket: 'honua-tempo-traces',
      endpoint: 's3.us-east-1.amazonaws.com',
      region: 'us-east-1',
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/tempo-s3-role' },
    }),
    retention: '168h',
    compactedBlockRetention: '24h',
    ingester: { maxBlockDuration: '5m' },
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      remoteWrite: [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }],
    },
  },
  collector: {
    sampling: CollectorSampling.head({ percentage: 10 }),
  },
  // The guide's recommended alerts: TempoHighIngestionErrors (append failures > 1/s for 5m),
  // TempoHighQueryLatency (P95 > 5 s for 10m); TempoCompactorDown is TempoTargetDown (5m).
  monitoring: {
    thresholds: { ingesterAppendFailuresPerSecond: 1, queryLatencyP95Seconds: 5 },
    alertFor: {
      TempoIngesterAppendFailuresHigh: '5m',
      TempoQueryFrontendLatencyHigh: '10m',
      TempoTargetDown: '5m',
    },
  },
  gitops: false,
});
