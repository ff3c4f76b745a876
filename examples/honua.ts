/**
 * Seed 002, the Honua deployment guide: OpenTelemetry Collector with 10 % head sampling in front
 * of tempo-distributed on S3 (IRSA) in `observability`, resources 500m/1Gi → 2/4Gi, 7 days of
 * traces with compacted blocks kept 24h, 5-minute blocks, span metrics to Prometheus, and the
 * production component table (distributors 3, ingesters 3, queriers 2, compactor 1).
 */
import { CollectorSampling, defineEnvironment, LokiDatasource, TempoStorage } from '../index';

const small = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
const stateful = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };

export const honua = defineEnvironment({
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
  },
  grafana: {
    // "Loki will extract trace IDs and provide links" (L577) from lines written as
    // `… TraceId: {TraceId}` (L569; .NET's Activity.TraceId: 32 lowercase hex digits). The
    // guide's Loki is local (L90): the in-cluster URL is inferred, next to Tempo.
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.observability.svc.cluster.local:3100',
      matcherRegex: 'TraceId: ([0-9a-f]{32})',
    }),
    // The guide's TraceQL examples (L531-555), the service scoped as a resource attribute.
    dashboards: [
      {
        title: 'honua-cli-ai queries',
        slug: 'honua-queries',
        panels: [
          { type: 'traceql', title: 'All traces', traceql: '{ resource.service.name="honua-cli-ai" }' },
          {
            type: 'traceql',
            title: 'Slow traces',
            traceql: '{ resource.service.name="honua-cli-ai" && duration > 1s }',
          },
          {
            type: 'traceql',
            title: 'Error traces',
            traceql: '{ resource.service.name="honua-cli-ai" && status=error }',
          },
          {
            type: 'traceql',
            title: 'Deployment process',
            traceql: '{ resource.service.name="honua-cli-ai" && span.process.name="DeploymentProcess" }',
          },
          {
            type: 'traceql',
            title: 'Slow or failed deployment validation',
            traceql:
              '{ resource.service.name="honua-cli-ai" && (duration > 500ms || status=error) && span.step.name="ValidateDeployment" }',
          },
        ],
      },
    ],
  },
  gitops: false,
});
