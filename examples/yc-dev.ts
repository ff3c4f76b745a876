/**
 * Seed 000, the yc-dev deployment report (Tempo 2.8.2, now 3.0.3 monolithic): single binary in the shared `monitoring`
 * namespace (next to kube-prometheus-stack, Helm release `prometheus`), 10Gi PVC on
 * `yc-network-hdd`, 7 days of traces, every receiver port, applications sending straight to Tempo
 * (no collector, 100 % of traces), Grafana linked to the existing Loki and Prometheus.
 */
import { Size } from 'cdk8s';
import { defineEnvironment, LokiDatasource, PrometheusDatasource, TempoStorage } from '../index';

export const ycDev = defineEnvironment({
  name: 'yc-dev',
  source: 'examples/yc-dev.ts',
  namespace: 'monitoring',
  // kube-prometheus-stack lives there too (node-exporter needs host access): not ours to restrict.
  manageNamespace: false,
  tempo: {
    storage: TempoStorage.local({ size: Size.gibibytes(10), storageClassName: 'yc-network-hdd' }),
    // The report opens every receiver port; Jaeger Thrift over UDP is opt-in (it carries no
    // tenant header, fine here: multi-tenancy is off).
    receivers: { jaegerThriftCompact: true, jaegerThriftBinary: true },
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
