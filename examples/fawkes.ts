/**
 * Seed 003, the Fawkes ADR: collectors on every node with Kubernetes enrichment, tail sampling
 * (every error, everything slower than 1 s, 10 % of the rest) and scrubbing (Authorization and
 * Cookie headers deleted, db.statement hashed); Tempo with 3 replicas on S3 for 100K+ spans/s,
 * 7 days of traces, service graphs and span metrics to Prometheus with exemplars, team
 * isolation through multi-tenancy, trace-based SLIs.
 */
import {
  CapacityInput,
  CollectorSampling,
  defineEnvironment,
  KafkaCluster,
  LokiDatasource,
  planCapacity,
  PrometheusDatasource,
  TailSamplingProps,
  TempoStorage,
} from '../index';

/** The ADR's policy: every error, everything slower than 1 s, 10 % of the rest. */
const SAMPLING: TailSamplingProps = { percentage: 10, latencyThreshold: '1s', decisionWait: '10s' };
const TAIL = CollectorSampling.tail(SAMPLING);
const CAPACITY: CapacityInput = {
  spansPerSecond: 100_000,
  samplingPercent: TAIL.percentage,
  decisionWaitSeconds: TAIL.decisionWait.milliseconds / 1000,
};
const PLAN = planCapacity(CAPACITY, 'fawkes.tempo.microservices.capacity');

export const fawkes = defineEnvironment({
  name: 'fawkes',
  namespace: 'fawkes-observability',
  // The ADR gives the tracing stack this namespace of its own.
  manageNamespace: true,
  tempo: {
    // A new design at 100K spans/s: Tempo 3.0 microservices, Kafka from Strimzi.
    microservices: { capacity: CAPACITY, kafka: KafkaCluster.strimzi({ namespace: 'fawkes-kafka' }) },
    storage: TempoStorage.s3({
      bucket: 'fawkes-tempo-traces',
      endpoint: 's3.amazonaws.com',
      region: 'us-east-1',
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/fawkes-tempo' },
    }),
    retention: '168h',
    pool: { maxWorkers: 100, queueDepth: 10_000 },
    multitenancy: true,
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics'],
      remoteWrite: [
        {
          url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write',
          sendExemplars: true,
        },
      ],
      externalLabels: { platform: 'fawkes' },
    },
  },
  collector: {
    // Tail sampling needs whole traces: agents route by trace ID to the gateway, which decides.
    sampling: CollectorSampling.tail({
      ...SAMPLING,
      numTraces: PLAN.gateway.numTraces,
      expectedNewTracesPerSec: PLAN.gateway.expectedNewTracesPerSec,
    }),
    scrubbing: {
      deleteAttributes: ['http.request.header.authorization', 'http.request.header.cookie'],
      hashAttributes: ['db.statement'],
    },
    tenant: 'fawkes',
    gateway: {
      replicas: PLAN.gateway.replicas,
      resources: { requests: PLAN.gateway.requests, limits: PLAN.gateway.limits },
    },
  },
  monitoring: { thresholds: { serviceLatencyP95Seconds: 1, serviceErrorRatio: 0.05 } },
  grafana: {
    tenant: 'fawkes',
    // The ADR's links point at datasource UID `tempo` (L458).
    tempoDatasource: { uid: 'tempo' },
    // `loki:3100` (L455) resolves in Grafana's namespace (`monitoring`); the default regex
    // matches the ADR's JSON log lines (`"trace_id": "4bf9…"`, L439).
    loki: LokiDatasource.provisioned({
      name: 'Loki',
      uid: 'loki',
      url: 'http://loki.monitoring.svc.cluster.local:3100',
    }),
    // Exemplars link metrics to traces (L126, L790): kube-prometheus-stack's Prometheus is not
    // ours, so a second datasource on it carries the links, for Tempo's generator (`traceID`)
    // and for the collector's Prometheus exporter (`trace_id`).
    traceLinks: {
      prometheus: PrometheusDatasource.provisioned({
        name: 'Prometheus (exemplars)',
        uid: 'prometheus-exemplars',
        url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
        exemplarLabels: ['traceID', 'trace_id'],
      }),
    },
    // The ADR's TraceQL queries (L474-492, L525-526); see the corrections table.
    dashboards: [
      {
        title: 'Fawkes trace queries',
        slug: 'fawkes-queries',
        panels: [
          {
            type: 'traceql',
            title: 'Slow database queries',
            traceql: '{span.db.system="postgresql" && duration > 1s}',
          },
          {
            type: 'traceql',
            title: 'Errors in production',
            traceql: '{status=error && resource.k8s.namespace.name="production"}',
          },
          {
            type: 'traceql',
            title: 'Traces for a specific user',
            traceql:
              '{resource.service.name="backstage" && span.http.route=~"/api/catalog/.*" && span.user.id="alice@example.com"}',
          },
          {
            type: 'traceql',
            title: 'Deployment trace (commit to production)',
            traceql:
              '{resource.service.name="jenkins" || resource.service.name="argocd"} | {span.git.commit.sha="abc123def"}',
          },
          {
            type: 'traceql',
            title: 'Lead time for changes',
            traceql: '{span.git.commit.sha="abc123"} | {name="deploy-to-production"}',
          },
        ],
      },
    ],
  },
  gitops: false,
});
