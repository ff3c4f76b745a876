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
  LokiDatasource,
  TempoProps,
  TempoStorage,
} from '../index';

const small = { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } };
const stateful = { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } };
/** The guide's S3 bucket (L116-125); the GCS and Azure variants swap only this. */
const S3 = TempoStorage.s3({
  bucket: 'honua-tempo-traces',
  endpoint: 's3.us-east-1.amazonaws.com',
  region: 'us-east-1',
  // "Enable encryption at rest in object storage" (L746).
  sse: { type: 'SSE-S3' },
  workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/tempo-s3-role' },
});

/** The `for` of the guide's recommended alerts (L477-493). */
const ALERT_FOR = {
  TempoIngesterAppendFailuresHigh: '5m',
  TempoQueryFrontendLatencyHigh: '10m',
  TempoTargetDown: '5m',
} as const;

const HONUA: EnvironmentDefinition = {
  name: 'honua',
  source: 'examples/honua.ts',
  namespace: 'observability',
  tempo: {
    // The team runs the 2.x ingester architecture (no Kafka yet): the supported 2.x line.
    version: '2.10',
    distributed: {
      distributor: { replicas: 3, resources: small },
      ingester: { replicas: 3, resources: stateful },
      querier: { replicas: 2, resources: small },
      compactor: { replicas: 1, resources: stateful },
      // `tempo.resources` of the Helm values (L190-196) for the components the table leaves out.
      queryFrontend: { resources: small },
      metricsGenerator: { resources: small },
    },
    storage: S3,
    retention: '168h',
    compactedBlockRetention: '24h',
    compactionWindow: '1h',
    ingester: { maxBlockDuration: '5m' },
    pool: { maxWorkers: 100, queueDepth: 10_000 },
    // `server.http_tls_config` (L723-730): the guide's server.crt / server.key from a Secret
    // (cert-manager layout, with the CA the PodMonitor verifies against).
    serverTls: { secretName: 'tempo-server-tls', certKey: 'server.crt', keyKey: 'server.key' },
    // "Resource Limits" (L423-428), in the scoped overrides format.
    limits: {
      maxTracesPerUser: 100_000,
      maxBytesPerTrace: 10_000_000,
      ingestionRateLimitBytes: 50_000_000,
      ingestionBurstSizeBytes: 100_000_000,
    },
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
  // The guide's recommended alerts: TempoHighIngestionErrors (append failures > 1/s for 5m),
  // TempoHighQueryLatency (P95 > 5 s for 10m); TempoCompactorDown is TempoTargetDown (5m).
  monitoring: {
    thresholds: { ingesterAppendFailuresPerSecond: 1, queryLatencyP95Seconds: 5 },
    alertFor: ALERT_FOR,
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

/** The guide's GCS backend (L142-156): the same stack on `gs://honua-tempo-traces` with GKE Workload Identity. */
export const honuaGcs = defineEnvironment({
  ...honua,
  name: 'honua-gcs',
  tempo: {
    ...honua.tempo,
    storage: TempoStorage.gcs({
      bucketName: 'honua-tempo-traces',
      workloadIdentity: { serviceAccount: 'honua-tempo@honua-project.iam.gserviceaccount.com' },
    }),
  },
});

/**
 * The guide's Azure backend (L158-173): container `honua-tempo-traces`; the account name is the
 * guide's `${AZURE_STORAGE_ACCOUNT}` placeholder (a value here), the key comes from a Secret.
 */
export const honuaAzure = defineEnvironment({
  ...honua,
  name: 'honua-azure',
  tempo: {
    ...honua.tempo,
    storage: TempoStorage.azure({
      containerName: 'honua-tempo-traces',
      storageAccountName: 'honuatempo',
      secret: { name: 'tempo-azure', key: 'storage-account-key' },
    }),
  },
});

/**
 * The guide's retention by environment (L405-406): single binaries on local storage, testing
 * keeping 24 hours and development 7 days. Tempo 3.0.3 monolithic: none of the production
 * table's ingester-era settings apply.
 */
const single = (name: string, retention: string) =>
  defineEnvironment({
    ...honua,
    name,
    tempo: {
      storage: TempoStorage.local(),
      retention,
      pool: honua.tempo!.pool,
      limits: honua.tempo!.limits,
      metricsGenerator: honua.tempo!.metricsGenerator,
    },
    // Tempo 3.0.3 has no ingesters, so the guide's append-failure alert has no metric here.
    monitoring: { thresholds: { queryLatencyP95Seconds: 5 }, alertFor: ALERT_FOR },
  });
export const honuaTesting = single('honua-testing', '24h');
export const honuaDev = single('honua-dev', '168h');
