import { Size } from 'cdk8s';
import { CollectorSampling, LokiDatasource, TempoStorage } from '../index';
import { REPOSITORY } from './repository';
import { defineEnvironment } from './types';

/** Developer cluster: one small Tempo on a local PVC, one day of traces, every trace kept. */
export const dev = defineEnvironment({
  name: 'dev',
  tempo: {
    replicas: 1,
    storage: TempoStorage.local({ size: Size.gibibytes(10) }),
    retention: '24h',
    logLevel: 'debug',
    resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
  },
  collector: {
    // 100 % head sampling: the agents keep everything (the seeds' dev setting).
    sampling: CollectorSampling.head({ percentage: 100 }),
    gateway: {
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    },
  },
  grafana: {
    // Provisioned here, so its derived fields link log lines back to Tempo.
    loki: LokiDatasource.provisioned({
      name: 'Loki (tracing)',
      uid: 'loki-tracing',
      url: 'http://loki-gateway.loki.svc.cluster.local',
    }),
  },
  gitops: { repoURL: REPOSITORY },
});
