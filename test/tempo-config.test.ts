import { parse } from 'yaml';
import { GoDuration } from '../lib/duration';
import { TRACE_RECEIVER_CATALOG } from '../constructs/common/receivers';
import {
  buildTempoConfig,
  buildTenantOverrides,
  renderTempoConfig,
  renderTenantOverrides,
} from '../constructs/tempo/tempo-config';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { tempoConfigProblems, tenantOverridesProblems } from './helpers/tempo-schema';

describe('Tempo config model', () => {
  const defaults = resolveTempoSettings();

  test('defaults render a config Tempo 2.8.2 accepts key by key', () => {
    expect(tempoConfigProblems(buildTempoConfig(defaults))).toEqual([]);
  });

  test('rendered YAML parses back to the same object', () => {
    expect(parse(renderTempoConfig(defaults))).toEqual(buildTempoConfig(defaults));
  });

  test('every receiver listens on 0.0.0.0 (the OTLP default is localhost since Tempo 2.7)', () => {
    const receivers = (buildTempoConfig(defaults) as any).distributor.receivers;
    expect(receivers).toEqual({
      otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } },
      jaeger: {
        protocols: {
          grpc: { endpoint: '0.0.0.0:14250' },
          thrift_http: { endpoint: '0.0.0.0:14268' },
          thrift_compact: { endpoint: '0.0.0.0:6831' },
          thrift_binary: { endpoint: '0.0.0.0:6832' },
        },
      },
      zipkin: { endpoint: '0.0.0.0:9411' },
    });
  });

  test('server, ingester, compactor, storage, overrides and switches carry the settings', () => {
    const config: any = buildTempoConfig(
      resolveTempoSettings({
        retention: '72h',
        compactedBlockRetention: '2h',
        httpPort: 3300,
        grpcPort: 9096,
        logLevel: 'warn',
        logFormat: 'json',
        multitenancy: true,
        usageReporting: true,
        streamOverHttp: false,
        ingester: { traceIdlePeriod: GoDuration.seconds(20), maxBlockDuration: '1h', maxBlockBytes: 1000 },
        limits: {
          ingestionRateLimitBytes: 1,
          ingestionBurstSizeBytes: 2,
          maxTracesPerUser: 3,
          maxBytesPerTrace: 4,
        },
      }),
    );
    expect(config.server).toEqual({
      http_listen_port: 3300,
      grpc_listen_port: 9096,
      log_level: 'warn',
      log_format: 'json',
    });
    expect(config.ingester).toEqual({
      trace_idle_period: '20s',
      max_block_bytes: 1000,
      max_block_duration: '1h',
    });
    expect(config.compactor).toEqual({
      compaction: { block_retention: '72h', compacted_block_retention: '2h' },
    });
    expect(config.storage).toEqual({
      trace: { backend: 'local', local: { path: '/var/tempo/traces' }, wal: { path: '/var/tempo/wal' } },
    });
    expect(config.overrides).toEqual({
      defaults: {
        ingestion: { rate_limit_bytes: 1, burst_size_bytes: 2, max_traces_per_user: 3 },
        global: { max_bytes_per_trace: 4 },
      },
      per_tenant_override_config: '/runtime-config/overrides.yaml',
    });
    expect(config.multitenancy_enabled).toBe(true);
    expect(config.usage_report).toEqual({ reporting_enabled: true });
    expect(config.stream_over_http_enabled).toBe(false);
    expect(tempoConfigProblems(config)).toEqual([]);
  });

  test('usage reporting is off unless asked for (Tempo defaults it to on)', () => {
    expect((buildTempoConfig(defaults) as any).usage_report.reporting_enabled).toBe(false);
  });

  test('a disabled receiver disappears from the config; a moved one keeps its protocol', () => {
    const config: any = buildTempoConfig(
      resolveTempoSettings({
        receivers: { zipkin: false, jaegerThriftCompact: false, otlpHttp: { port: 14318 } },
      }),
    );
    expect(config.distributor.receivers.zipkin).toBeUndefined();
    expect(config.distributor.receivers.jaeger.protocols.thrift_compact).toBeUndefined();
    expect(config.distributor.receivers.otlp.protocols.http).toEqual({ endpoint: '0.0.0.0:14318' });
  });

  test('no legacy (flat) overrides keys: -config.verify fails on their deprecation warning', () => {
    const overrides = (buildTempoConfig(defaults) as any).overrides;
    expect(Object.keys(overrides)).toEqual(['defaults', 'per_tenant_override_config']);
  });
});

describe('Tempo key checker (guards the model above)', () => {
  test.each([
    [{ overrides: { ingestion_rate_limit_bytes: 1 } }, 'overrides.ingestion_rate_limit_bytes: unknown key'],
    [
      { query_frontend: { search: { cache: { enable_fifocache: true } } } },
      'query_frontend.search.cache: unknown key',
    ],
    [{ limits: {} }, 'limits: unknown key'],
    [
      { storage: { trace: { block: { index_downsample_bytes: 1 } } } },
      'storage.trace.block.index_downsample_bytes: unknown key',
    ],
    [
      { distributor: { receivers: { otlp: { protocols: { grcp: {} } } } } },
      'distributor.receivers.otlp.protocols.grcp: unknown key',
    ],
    [
      { compactor: { compaction: { block_retention: '7d' } } },
      'compactor.compaction.block_retention: expected a Go duration, got "7d"',
    ],
    [{ server: { http_listen_port: '3200' } }, 'server.http_listen_port: expected an integer, got "3200"'],
  ])('rejects %j', (config, problem) => {
    expect(tempoConfigProblems(config)).toEqual([problem]);
  });
});

describe('receiver catalog', () => {
  test('ports, names and protocols are the documented ones', () => {
    expect(resolveTempoSettings().ports.map((p) => `${p.name}:${p.port}/${p.protocol}`)).toEqual([
      'http:3200/TCP',
      'grpc:9095/TCP',
      'otlp-grpc:4317/TCP',
      'otlp-http:4318/TCP',
      'jaeger-grpc:14250/TCP',
      'jaeger-thrift:14268/TCP',
      'jaeger-compact:6831/UDP',
      'jaeger-binary:6832/UDP',
      'zipkin:9411/TCP',
    ]);
  });

  test('port names fit IANA_SVC_NAME (container ports: at most 15 characters)', () => {
    for (const r of TRACE_RECEIVER_CATALOG)
      expect(r.portName).toMatch(/^(?=.{1,15}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });
});

describe('GoDuration', () => {
  test.each([
    ['24h', '24h'],
    ['168h', '168h'],
    ['90m', '1h30m'],
    ['1h30m', '1h30m'],
    ['30s', '30s'],
    ['1500ms', '1s500ms'],
    ['0.5h', '30m'],
  ])('%s normalizes to %s', (input, canonical) => {
    expect(GoDuration.parse(input, 'x').toString()).toBe(canonical);
  });
  test('days are converted to hours, which Go understands', () => {
    expect(GoDuration.days(7).toString()).toBe('168h');
  });
});

describe('overrides, metrics generator, TLS, search', () => {
  const settings = resolveTempoSettings({
    multitenancy: true,
    retention: '168h',
    compactionWindow: '2h',
    limits: { ingestionRateLimitBytes: 10_000_000, ingestionBurstSizeBytes: 12_000_000 },
    tenants: {
      'team-a': {
        ingestionRateLimitBytes: 50_000_000,
        ingestionBurstSizeBytes: 60_000_000,
        retention: '720h',
        metricsGeneratorProcessors: ['local-blocks'],
      },
      'team-b': { maxBytesPerTrace: 10_000_000 },
    },
    metricsGenerator: {
      processors: ['service-graphs', 'span-metrics', 'local-blocks'],
      remoteWrite: [
        { url: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write' },
        { url: 'https://mimir.example.com/api/v1/push', sendExemplars: false },
      ],
      externalLabels: { cluster: 'prod' },
    },
    receiverTls: { secretName: 'tempo-tls' },
    search: {
      maxDuration: '72h',
      queryBackendAfter: '15m',
      queryIngestersUntil: '30m',
      defaultResultLimit: 50,
    },
    queryFrontend: { maxOutstandingPerTenant: 4000 },
    querier: { maxConcurrentQueries: 10, searchQueryTimeout: '1m' },
    pool: { maxWorkers: 200, queueDepth: 10_000 },
    wal: { encoding: 'zstd' },
    block: { version: 'vParquet4' },
  });
  const config: any = buildTempoConfig(settings);

  test('the whole config passes the Tempo 2.8.2 key check', () => {
    expect(tempoConfigProblems(config)).toEqual([]);
  });

  test('defaults carry limits and generator processors; tenants go to the runtime file', () => {
    expect(config.overrides).toEqual({
      defaults: {
        ingestion: {
          rate_limit_bytes: 10_000_000,
          burst_size_bytes: 12_000_000,
          max_traces_per_user: 10_000,
        },
        metrics_generator: { processors: ['service-graphs', 'span-metrics', 'local-blocks'] },
        global: { max_bytes_per_trace: 5_000_000 },
      },
      per_tenant_override_config: '/runtime-config/overrides.yaml',
    });
    const tenants = buildTenantOverrides(settings);
    expect(tenants).toEqual({
      overrides: {
        'team-a': {
          ingestion: { rate_limit_bytes: 50_000_000, burst_size_bytes: 60_000_000 },
          compaction: { block_retention: '720h' },
          metrics_generator: { processors: ['local-blocks'] },
        },
        'team-b': { global: { max_bytes_per_trace: 10_000_000 } },
      },
    });
    expect(tenantOverridesProblems(parse(renderTenantOverrides(settings)))).toEqual([]);
  });

  test('metrics generator: registry labels, WAL path, remote_write with exemplars, traces storage for local-blocks', () => {
    expect(config.metrics_generator).toEqual({
      registry: { external_labels: { cluster: 'prod' } },
      storage: {
        path: '/var/tempo/generator/wal',
        remote_write: [
          { url: 'http://prometheus-operated.monitoring.svc:9090/api/v1/write', send_exemplars: true },
          { url: 'https://mimir.example.com/api/v1/push', send_exemplars: false },
        ],
      },
      traces_storage: { path: '/var/tempo/generator/traces' },
    });
  });

  test('TLS applies to both OTLP receivers and nothing else', () => {
    const tls = { cert_file: '/tls/tls.crt', key_file: '/tls/tls.key' };
    expect(config.distributor.receivers.otlp.protocols).toEqual({
      grpc: { endpoint: '0.0.0.0:4317', tls },
      http: { endpoint: '0.0.0.0:4318', tls },
    });
    expect(config.distributor.receivers.zipkin).toEqual({ endpoint: '0.0.0.0:9411' });
  });

  test('search, query frontend, querier, pool, WAL and block settings', () => {
    expect(config.query_frontend).toEqual({
      max_outstanding_per_tenant: 4000,
      search: {
        default_result_limit: 50,
        max_duration: '72h',
        query_backend_after: '15m',
        query_ingesters_until: '30m',
      },
    });
    expect(config.querier).toEqual({ max_concurrent_queries: 10, search: { query_timeout: '1m' } });
    expect(config.storage.trace.pool).toEqual({ max_workers: 200, queue_depth: 10_000 });
    expect(config.storage.trace.wal).toEqual({ path: '/var/tempo/wal', v2_encoding: 'zstd' });
    expect(config.storage.trace.block).toEqual({ version: 'vParquet4' });
    expect(config.compactor.compaction.compaction_window).toBe('2h');
  });

  test('without generator, tenants or optional settings no such key is emitted', () => {
    const plain: any = buildTempoConfig(resolveTempoSettings());
    expect(Object.keys(plain)).toEqual([
      'target',
      'multitenancy_enabled',
      'stream_over_http_enabled',
      'usage_report',
      'server',
      'distributor',
      'ingester',
      'compactor',
      'storage',
      'overrides',
    ]);
    expect(buildTenantOverrides(resolveTempoSettings())).toEqual({ overrides: {} });
  });
});
