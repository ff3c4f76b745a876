/**
 * Seed 004, the YBUILT stack guide: Tempo on S3 (us-east-1) with 3 days of hot traces in
 * `observability`, Loki next to it, Grafana with Tempo, Loki and Prometheus linked, 10 %
 * sampling in production.
 */
import {
  CollectorSampling,
  defineEnvironment,
  LokiDatasource,
  PrometheusDatasource,
  TempoStorage,
} from '../index';

export const ybuilt = defineEnvironment({
  name: 'ybuilt',
  source: 'examples/ybuilt.ts',
  namespace: 'observability',
  tempo: {
    storage: TempoStorage.s3({
      bucket: 'ybuilt-tempo-traces',
      endpoint: 's3.amazonaws.com',
      region: 'us-east-1',
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/ybuilt-tempo' },
    }),
    retention: '72h',
  },
  collector: {
    // The guide samples 10 % in the SDK; doing it once, at the agents, keeps whole traces
    // consistent across services (set the SDKs to parent-based always-on).
    sampling: CollectorSampling.head({ percentage: 10 }),
  },
  grafana: {
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.observability.svc.cluster.local:3100',
    }),
    // kube-prometheus-stack already provisions (and defaults) its Prometheus: link to it.
    prometheus: PrometheusDatasource.existing({ uid: 'prometheus' }),
  },
  // The guide installs Grafana in `observability` (L181-186): it may query Tempo there.
  networkPolicies: { grafanaNamespace: 'observability' },
  gitops: false,
});
