/**
 * Seed 002, the Honua deployment guide: OpenTelemetry Collector with 10 % head sampling in front
 * of tempo-distributed on S3 (IRSA) in `observability`, resources 500m/1Gi → 2/4Gi, 7 days of
 * traces with compacted blocks kept 24h, 5-minute blocks, span metrics to Prometheus, and the
 * production component table (distributors 3, ingesters 3, queriers 2, compactor 1).
 */
import {
  CollectorSampling,
  CollectorStackProps,
  defineEnvironment,
  EnvironmentDefinition,
  TempoProps,
  TempoStorage,
} from '../index';

const small = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
const stateful = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };

const HONUA: EnvironmentDefinition = {
  name: 'honua',
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
    // L707-716: TLS on the collector's OTLP receivers, the pair of files server.crt/server.key
    // (here keys of a kubernetes.io/tls-style Secret, mounted under /var/run/secrets/otel-tls/).
    tls: { agent: { secretName: 'otel-collector-tls', certKey: 'server.crt', keyKey: 'server.key' } },
    agent: {
      // L88/L378/L646: apps export to `otel-collector:4317` (gRPC) / `:4318`: the node-local
      // agent carries that name (other namespaces: otel-collector.observability.svc).
      name: 'otel-collector',
    },
  },
  gitops: false,
};

export const honua = defineEnvironment(HONUA);

/**
 * The guide's tail-sampling alternative (L316-343): every error (`errors-policy`), every trace
 * slower than 1000 ms (`slow-traces-policy`), 5 % of the rest (`random-ok-policy`), decided after
 * 10 s at the gateway. Span metrics then move to the gateway, before sampling, and Tempo's
 * generator keeps only the service graphs.
 */
export const honuaTail = defineEnvironment({
  ...HONUA,
  name: 'honua-tail',
  tempo: {
    ...(HONUA.tempo as TempoProps),
    metricsGenerator: {
      ...(HONUA.tempo as TempoProps).metricsGenerator!,
      processors: ['service-graphs'],
    },
  },
  collector: {
    ...(HONUA.collector as CollectorStackProps),
    sampling: CollectorSampling.tail({
      decisionWait: '10s',
      latencyThreshold: '1000ms',
      percentage: 5,
      policyNames: {
        errors: 'errors-policy',
        latency: 'slow-traces-policy',
        probabilistic: 'random-ok-policy',
      },
    }),
  },
});
