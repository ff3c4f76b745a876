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
    // The report's datasource: "Tempo", HTTP method GET, node graph on, in ConfigMap `tempo-datasource`.
    tempoDatasource: { name: 'Tempo', httpMethod: 'GET', nodeGraph: true },
    datasourcesConfigMap: 'tempo-datasource',
    loki: LokiDatasource.existing({ uid: 'loki' }),
    prometheus: PrometheusDatasource.existing({ uid: 'prometheus' }),
    // Logs → traces ("click trace_id link"): loki-stack's datasource is not ours to change, so a
    // second datasource on the same Loki carries the derived field. The URL is inferred: release
    // `loki` of loki-stack (ConfigMap `loki-loki-stack`, L481) serves Loki as Service `loki` on 3100.
    traceLinks: {
      loki: LokiDatasource.provisioned({
        name: 'Loki (trace links)',
        uid: 'loki-trace-links',
        url: 'http://loki.monitoring.svc.cluster.local:3100',
      }),
    },
    logLabels: {
      'service.name': 'service',
      job: 'job',
      instance: 'instance',
      'k8s.pod.name': 'pod',
      'k8s.namespace.name': 'namespace',
    },
    metricLabels: { 'service.name': 'service', job: 'job' },
    // The report's example queries (L244-256, L424), attributes scoped as TraceQL needs them.
    dashboards: [
      {
        title: 'Example queries',
        slug: 'example-queries',
        panels: [
          {
            type: 'traceql',
            title: 'All traces for a service',
            traceql: '{resource.service.name="webapp-backend"}',
          },
          { type: 'traceql', title: 'Slow traces (>1s duration)', traceql: '{duration > 1s}' },
          { type: 'traceql', title: 'Error traces', traceql: '{status=error}' },
          { type: 'traceql', title: 'Traces with a specific tag', traceql: '{span.http.method="POST"}' },
          {
            type: 'traceql',
            title: 'Complex query',
            traceql:
              '{resource.service.name="webapp-backend" && span.http.status_code>=500 && duration>100ms}',
          },
          {
            type: 'logs',
            title: 'Errors in the default namespace',
            logql: '{namespace="default"} |= "error"',
          },
        ],
      },
    ],
  },
  gitops: false,
});
