/**
 * Tempo props the seeds needed (issue 15): live-store and block-builder block settings, the bloom
 * filter, the memory ballast per line, per-line ingestion defaults, receiver port names, the
 * config ConfigMap name and mount path. Pure: settings and config models, no synth.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { buildEnvironment } from '../charts/environment';
import { KafkaCluster } from '../constructs/kafka/kafka-cluster';
import { buildTempoConfig } from '../constructs/tempo/tempo-config';
import type { TempoProps } from '../constructs/tempo/tempo-props';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { expectError } from './helpers/errors';
import { keyLine, tempoConfigProblems } from './helpers/tempo-schema';

const s3 = () => TempoStorage.s3({ bucket: 'traces', endpoint: 's3.us-east-1.amazonaws.com' });
const kafka = () =>
  KafkaCluster.existing({
    bootstrapServers: 'kafka-bootstrap.data.svc.cluster.local:9092',
    topic: 'tempo',
    partitions: 2,
    brokers: { namespace: 'data', podLabels: { app: 'kafka' } },
  });
const topology = {
  joinMember: 'dns+tempo-gossip-ring:7946',
  clusterLabel: 'tempo.ns',
  gossipPort: 7946,
  frontendAddress: 'tempo-query-frontend-discovery:9095',
  backendSchedulerAddress: 'tempo-backend-scheduler-headless:9095',
};
/** The config of these props, checked against the pinned key model of its line. */
function config(props: TempoProps, distributed = false): any {
  const s = resolveTempoSettings(props);
  const doc = buildTempoConfig(s, distributed ? topology : undefined);
  expect(tempoConfigProblems(JSON.parse(JSON.stringify(doc)), keyLine(s.line))).toEqual([]);
  return doc;
}
const t = (props: TempoProps) => () => resolveTempoSettings(props);

describe('block settings per line', () => {
  test('3.0 monolithic: the live-store cuts and flushes the blocks', () => {
    const c = config({
      liveStore: { maxBlockDuration: '5m', maxBlockBytes: 1_000_000, maxTraceIdle: '10s' },
    });
    expect(c.live_store).toMatchObject({
      max_block_duration: '5m',
      max_block_bytes: 1_000_000,
      max_trace_idle: '10s',
    });
    expect(c.block_builder).toBeUndefined();
  });

  test('3.0 microservices: the block-builder cycle and block size', () => {
    const c = config(
      {
        storage: s3(),
        microservices: { kafka: kafka() },
        blockBuilder: { consumeCycleDuration: '10m', maxBlockBytes: 2_147_483_648 },
      },
      true,
    );
    expect(c.block_builder).toMatchObject({
      consume_cycle_duration: '10m',
      block: { max_block_bytes: 2_147_483_648 },
    });
  });

  test('the bloom filter rate on both lines', () => {
    expect(config({ block: { bloomFilterFalsePositive: 0.01 } }).storage.trace.block).toEqual({
      bloom_filter_false_positive: 0.01,
    });
    expect(
      config({ version: '2.10', block: { bloomFilterFalsePositive: 0.05 } }).storage.trace.block,
    ).toEqual({ bloom_filter_false_positive: 0.05 });
  });

  test('errors: block-builder outside microservices, 2.10, bad bloom rate, ingester on 3.0 microservices', () => {
    expectError(
      t({ blockBuilder: { consumeCycleDuration: '5m' } }),
      'tempo.blockBuilder: applies to Tempo 3.0 microservices only; the monolithic live-store cuts the blocks itself: use tempo.liveStore.maxBlockDuration and .maxBlockBytes',
    );
    expectError(
      t({ version: '2.10', blockBuilder: { maxBlockBytes: 1 } }),
      'tempo.blockBuilder: exists only on Tempo 3.0 microservices; on 2.10 the ingester cuts the blocks (tempo.ingester.maxBlockDuration, .maxBlockBytes)',
    );
    expectError(
      t({ block: { bloomFilterFalsePositive: 1 } }),
      'tempo.block.bloomFilterFalsePositive: 1 is not a false-positive rate; give a number between 0 and 1 (exclusive) such as 0.01',
    );
    expectError(
      t({ storage: s3(), microservices: { kafka: kafka() }, ingester: { maxBlockBytes: 1_000_000 } }),
      "tempo.ingester: exists only on Tempo 2.10; Tempo 3.0 has no ingesters: block-builders cut the blocks, use tempo.blockBuilder.consumeCycleDuration and .maxBlockBytes (and tempo.liveStore.maxTraceIdle for traceIdlePeriod). Remove it, or set tempo.version: '2.10'",
    );
    expectError(
      t({ blockBuilder: { consumeCycleDuration: '0s' }, storage: s3(), microservices: { kafka: kafka() } }),
      "tempo.blockBuilder.consumeCycleDuration: '0s' must be longer than 0s; give a positive duration such as '10s'",
    );
  });
});

describe('memory ballast and ingestion defaults per line', () => {
  test('2.10 takes the ballast flag on every component; 3.0 refuses it', () => {
    const s = resolveTempoSettings({ version: '2.10', memoryBallastMiB: 1024 });
    expect(s.components.map((c) => c.args)).toEqual([['-mem-ballast-size-mbs=1024']]);
    expectError(
      t({ memoryBallastMiB: 1024 }),
      "tempo.memoryBallastMiB: exists only on Tempo 2.10; Tempo 3.0 has no memory ballast (-mem-ballast-size-mbs was removed in 3.0.0); the container already gets GOMEMLIMIT at 0.8 × its memory limit. Remove it, or set tempo.version: '2.10'",
    );
  });

  test("unset rate and burst are each line's own defaults (reference dumps)", () => {
    const ingestion = (version: '3.0' | '2.10') => config({ version }).overrides.defaults.ingestion;
    expect(ingestion('3.0')).toMatchObject({ rate_limit_bytes: 30_000_000, burst_size_bytes: 30_000_000 });
    expect(ingestion('2.10')).toMatchObject({ rate_limit_bytes: 15_000_000, burst_size_bytes: 20_000_000 });
  });
});

describe('receiver port names, config ConfigMap name and mount', () => {
  test('a receiver keeps its port under another name; bad and duplicate names are refused', () => {
    const s = resolveTempoSettings({ receivers: { jaegerThriftHttp: { name: 'jaeger-http' } } });
    expect(s.ports.find((p) => p.receiver?.id === 'jaegerThriftHttp')).toMatchObject({
      name: 'jaeger-http',
      port: 14268,
    });
    expectError(
      t({ receivers: { jaegerThriftBinary: { name: 'jaeger-thrift-binary' } } }),
      "tempo.receivers.jaegerThriftBinary.name: 'jaeger-thrift-binary' is not a port name; use at most 15 lowercase letters, digits and single hyphens with at least one letter (e.g. 'jaeger-http')",
    );
    expectError(
      t({ receivers: { zipkin: { name: 'http' } } }),
      "tempo.receivers: port name 'http' is used twice; give each receiver its own name",
    );
  });

  test('the ConfigMap name and mount path', () => {
    const s = resolveTempoSettings({ configMapName: 'tempo', configMountPath: '/etc/tempo' });
    expect([s.configMapName, s.configDir]).toEqual(['tempo', '/etc/tempo']);
    expect(resolveTempoSettings({}).configMapName).toBe('tempo-config');
    expectError(
      t({ configMapName: 'tempo-overrides' }),
      "tempo.configMapName: 'tempo-overrides' is the runtime overrides ConfigMap; choose another name (e.g. 'tempo')",
    );
    expectError(
      t({ configMountPath: '/var/tempo/conf' }),
      "tempo.configMountPath: '/var/tempo/conf' overlaps /var/tempo, which the container already mounts; use a directory of its own such as '/etc/tempo'",
    );
    expectError(
      t({ configMountPath: 'etc/tempo' }),
      "tempo.configMountPath: 'etc/tempo' is not an absolute directory path; use a directory of its own such as '/etc/tempo'",
    );
  });
});

describe('TLS on the HTTP API (serverTls)', () => {
  test('config, mount, HTTPS probes, a verifying PodMonitor and an https datasource', () => {
    const charts = buildEnvironment(Testing.app(), {
      name: 'tls',
      namespace: 'tracing',
      tempo: { serverTls: { secretName: 'tempo-https', caKey: 'ca.pem' } },
      collector: false,
      gitops: false,
    });
    const objects = [charts.tempo, charts.monitoring!, charts.grafana!].flatMap((c) => Testing.synth(c));
    const sts = objects.find((o) => o.kind === 'StatefulSet');
    const container = sts.spec.template.spec.containers[0];
    const config: any = parse(
      objects.find((o) => o.kind === 'ConfigMap' && o.data['tempo.yaml']).data['tempo.yaml'],
    );
    expect(config.server.http_tls_config).toEqual({
      cert_file: '/server-tls/tls.crt',
      key_file: '/server-tls/tls.key',
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'server-tls',
      mountPath: '/server-tls',
      readOnly: true,
    });
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe'])
      expect(container[probe].httpGet.scheme).toBe('HTTPS');
    const endpoint = objects.find((o) => o.kind === 'PodMonitor' && o.metadata.name === 'tempo').spec
      .podMetricsEndpoints[0];
    expect([endpoint.scheme, endpoint.tlsConfig]).toEqual([
      'https',
      {
        ca: { secret: { name: 'tempo-https', key: 'ca.pem' } },
        serverName: 'tempo.tracing.svc.cluster.local',
      },
    ]);
    const datasources = objects.find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith('-datasources'),
    );
    expect(JSON.stringify(datasources.data)).toContain('https://tempo.tracing.svc.cluster.local:3200');
  });

  test('errors: the CA key must be a key of its own', () => {
    expectError(
      t({ serverTls: { secretName: 'tempo-https', caKey: 'tls.crt' } }),
      "tempo.serverTls.caKey: 'tls.crt' is also the certificate or key; the issuing CA's certificate is a key of its own (cert-manager: 'ca.crt')",
    );
    expectError(
      t({ serverTls: { secretName: 'tempo-https', caKey: 'ca crt' } }),
      "tempo.serverTls.caKey: 'ca crt' is not a key of the Secret; name the key that holds the issuing CA's certificate (e.g. 'ca.crt')",
    );
  });
});
