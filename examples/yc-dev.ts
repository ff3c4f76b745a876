/**
 * Seed 000, the yc-dev deployment report: Tempo 2.8.2 single binary in the shared `monitoring`
 * namespace (next to kube-prometheus-stack, Helm release `prometheus`), 10Gi PVC on
 * `yc-network-hdd`, 7 days of traces, every receiver port, applications sending straight to Tempo
 * (no collector, 100 % of traces), Grafana linked to the existing Loki and Prometheus.
 */
import { Size } from 'cdk8s';
import { LokiDatasource, PrometheusDatasource } from '../constructs/grafana/datasources';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { defineEnvironment } from '../environments/types';

export const ycDev = defineEnvironment({
  name: 'yc-dev',
  namespace: 'monitoring',
  // kube-prometheus-stack lives there too (node-exporter needs host access): not ours to restrict.
  manageNamespace: false,
  tempo: {
    storage: TempoStorage.local({ size: Size.gibibytes(10), storageClassName: 'yc-network-hdd' }),
    retention: '168h',
    // Their trace-to-metrics query reads span metrics, which only exist with the generator.
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      remoteWrite: [
        {
          url: 'http://prometheus-kube-prometheus-prometheus.monitoring.svc.cluster.local:9090/api/v1/write',
        },
      ],
      externalLabels: { cluster: 'yc-dev' },
    },
  },
  collector: false,
  monitoring: { prometheusLabels: { release: 'prometheus' } },
  grafana: {
    loki: LokiDatasource.existing({ uid: 'loki' }),
    prometheus: PrometheusDatasource.existing({ uid: 'prometheus' }),
    logLabels: {
      'service.name': 'service',
      job: 'job',
      instance: 'instance',
      'k8s.pod.name': 'pod',
      'k8s.namespace.name': 'namespace',
    },
    metricLabels: { 'service.name': 'service', job: 'job' },
  },
  gitops: false,
});
