/**
 * The public API of tracesynth: everything a cdk8s app needs to compose a tracing stack, from one
 * entry point. Environments, examples and the README import from here; deep imports are internal
 * and may change between versions.
 */

// One environment → its charts, and the environment definition itself.
export * from './charts/environment-definition';
export { buildEnvironment } from './charts/environment';
export type { EnvironmentCharts } from './charts/environment';
export { summarizeEnvironment } from './charts/summary';
export * from './charts/collector-chart';
export * from './charts/gateway-chart';
export * from './charts/gitops-chart';
export * from './charts/grafana-chart';
export * from './charts/monitoring-chart';
export * from './charts/namespace-chart';
export * from './charts/network-chart';
export * from './charts/tempo-chart';

// Constructs, by area.
export { Tempo } from './constructs/tempo/tempo';
export * from './constructs/tempo/tempo-props';
export { KafkaCluster, ExistingKafkaCluster, StrimziKafkaCluster } from './constructs/kafka/kafka-cluster';
export type {
  ExistingKafkaProps,
  KafkaBrokerPeer,
  KafkaSaslProps,
  KafkaSecretKeyRef,
  StrimziKafkaProps,
} from './constructs/kafka/kafka-cluster';
export { Memcached, DeployedMemcached, ExistingMemcached } from './constructs/memcached/memcached';
export type {
  DeployedMemcachedProps,
  ExistingMemcachedProps,
  MemcachedServerPeer,
} from './constructs/memcached/memcached';
export * from './constructs/tempo/tempo-storage';
export { planCapacity } from './constructs/tempo/capacity';
export type { CapacityInput, CapacityPlan } from './constructs/tempo/capacity';
export * from './constructs/otel-collector/otel-collector-agent';
export * from './constructs/otel-collector/otel-collector-gateway';
export * from './constructs/otel-collector/sampling';
export type { ScrubbingProps } from './constructs/otel-collector/scrubbing';
export type { BatchProps, PersistentQueueProps } from './constructs/otel-collector/exporter-queue';
export type { PrometheusExporterProps, SpanMetricsProps } from './constructs/otel-collector/span-metrics';
export { COLLECTOR_SPAN_METRICS, stackSpanMetrics } from './constructs/otel-collector/span-metric-catalog';
export type { SpanMetricCatalog } from './constructs/otel-collector/span-metric-catalog';
export { AutoInstrumentation, injectAnnotation } from './constructs/otel-collector/auto-instrumentation';
export type {
  AutoInstrumentationProps,
  AutoInstrumentationSampler,
  Propagator,
} from './constructs/otel-collector/auto-instrumentation';
export type {
  CertificateProps,
  CollectorTlsProps,
  ReceiverTlsProps,
} from './constructs/otel-collector/collector-tls';
export * from './constructs/grafana/datasources';
export * from './constructs/grafana/custom-dashboards';
export * from './constructs/grafana/grafana-provisioning';
export * from './constructs/grafana/tempo-datasource-plan';
export * from './constructs/gateway/query-gateway';
export type { GatewayUpstream, GatewayUser } from './constructs/gateway/nginx-config';
export * from './constructs/monitoring/tracing-monitoring';
export { ALERT_FOR_DEFAULTS } from './constructs/monitoring/monitoring-config';
export type {
  AlertForProps,
  MonitoringProps,
  MonitoringThresholdsProps,
} from './constructs/monitoring/monitoring-config';
export type { TempoSloProps } from './constructs/monitoring/slo';
export * from './constructs/network/network-policies';
export * from './constructs/platform/gitops';
export * from './constructs/platform/namespace';
export * from './constructs/stack/workloads';
export type { ReceiverSettings, TraceReceiverId } from './constructs/common/receivers';
export * from './constructs/common/flows';

// Synthesis, the command line and the shared value types.
export { runCli, selectEnvironments } from './lib/cli';
export type { CliApp } from './lib/cli';
export { renderEnvironment, synthesize } from './lib/synth';
export type { NamedEnvironment, RenderedEnvironment, RenderedFile, SynthOptions } from './lib/synth';
export { ConfigError } from './lib/errors';
export { GoDuration } from './lib/duration';
export type { DurationInput } from './lib/duration';
export type { ResourceQuantities, ResourceRequirements } from './lib/resources';
export type { SecretKeyRef } from './lib/secrets';
export { IMAGES, VERSIONS } from './lib/versions';
export type { ContainerImage } from './lib/versions';
export type { Manifest } from './lib/k8s';
