import { Size } from 'cdk8s';
import { CollectorSampling, LokiDatasource, TempoStorage } from '../index';
import { REPOSITORY } from './repository';
import { defineEnvironment } from './types';

/**
 * Pre-production: in-cluster MinIO (S3-compatible) with an access key pair from the existing
 * Secret `tempo-s3-credentials` (keys AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), 72h retention.
 */
export const staging = defineEnvironment({
  name: 'staging',
  tempo: {
    storage: TempoStorage.s3({
      bucket: 'tempo-traces',
      endpoint: 'minio.minio.svc.cluster.local:9000',
      insecure: true,
      forcePathStyle: true,
      secret: { name: 'tempo-s3-credentials' },
      volume: { size: Size.gibibytes(20) },
    }),
    retention: '72h',
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      remoteWrite: [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }],
      externalLabels: { cluster: 'staging', source: 'tempo' },
    },
  },
  collector: {
    // Head sampling at the agents, 50 % of traces (the seeds' staging setting).
    sampling: CollectorSampling.head({ percentage: 50 }),
  },
  grafana: { loki: LokiDatasource.existing({ uid: 'loki' }) },
  gitops: { repoURL: REPOSITORY },
});
