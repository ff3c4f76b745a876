import { Size } from 'cdk8s';
import { LokiDatasource } from '../constructs/grafana/datasources';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { defineEnvironment } from './types';

/**
 * Production: Amazon S3 through IRSA (no keys anywhere), SSE-KMS, 7 days of traces, span metrics
 * and service graphs remote-written to the Prometheus Operator's Prometheus, multi-tenancy on.
 */
export const prod = defineEnvironment({
  name: 'prod',
  tempo: {
    storage: TempoStorage.s3({
      bucket: 'acme-tracing-prod',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      sse: { type: 'SSE-KMS', kmsKeyId: 'alias/tracing-prod' },
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/tracing-prod-tempo' },
      volume: { size: Size.gibibytes(50) },
    }),
    retention: '168h',
    multitenancy: true,
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      // Prometheus Operator's governing Service; needs enableRemoteWriteReceiver: true.
      remoteWrite: [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }],
      externalLabels: { cluster: 'prod', source: 'tempo' },
    },
    resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
    limits: { ingestionRateLimitBytes: 30_000_000, ingestionBurstSizeBytes: 40_000_000 },
  },
  collector: {
    // Tail sampling at the gateway: every error, every trace over 2s, 10 % of the rest.
    sampling: CollectorSampling.tail({ percentage: 10, latencyThreshold: '2s', decisionWait: '10s' }),
    tenant: 'prod',
    gateway: {
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      autoscaling: { minReplicas: 3, maxReplicas: 6 },
    },
  },
  grafana: {
    // Loki from the loki-stack chart; Prometheus from kube-prometheus-stack (uid `prometheus`).
    loki: LokiDatasource.existing({ uid: 'loki' }),
    tenant: 'prod',
  },
});
