/**
 * Turns `TempoProps` into fully resolved settings: defaults applied, every value validated.
 * Pure (no constructs), so each error is unit-tested on its own.
 */
import { ResolvedResources, resolveResources } from '../../lib/resources';
import { ConfigError, show } from '../../lib/errors';
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkHttpUrl,
  checkLogLevel,
  checkPositiveInteger,
  checkTenantId,
  resolveAutoscaling,
} from '../../lib/validate';
import { ContainerImage, IMAGES } from '../../lib/versions';
import { METRICS_GENERATOR_PROCESSORS, MetricsGeneratorProcessor } from './generated-metrics';
import { planPorts, TRACE_RECEIVER_CATALOG } from '../common/receivers';
import {
  RemoteWriteTarget,
  TEMPO_PATHS,
  TempoBlockVersion,
  TempoConfigSettings,
  TempoEncoding,
  TempoOverrides,
} from './tempo-config';
import { StorageWiring, TempoStorage } from './tempo-storage';
import { CapacityPlan, ComponentSizing, planCapacity } from './capacity';
import type {
  TempoComponentProps,
  TempoMetricsGeneratorProps,
  TempoOverridesProps,
  TempoProps,
  TempoTlsProps,
} from './tempo';

/** Tempo's microservices, each run with `-target=<component>`. */
export type TempoComponent =
  'distributor' | 'ingester' | 'querier' | 'query-frontend' | 'compactor' | 'metrics-generator';

export interface ResolvedComponent {
  readonly component: TempoComponent;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  readonly resources: ResolvedResources;
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilizationPercent: number;
  };
}

/** Memberlist gossip port (`memberlist.bind_port`). */
export const GOSSIP_PORT = 7946;

export interface TempoTlsSettings {
  readonly secretName: string;
  readonly certKey: string;
  readonly keyKey: string;
}

export interface TempoSettings extends TempoConfigSettings {
  readonly mode: 'single-binary' | 'distributed';
  /** Distributed mode: one entry per component. */
  readonly components: readonly ResolvedComponent[];
  /** Distributed mode sized from a capacity target: the plan and its reasons. */
  readonly capacity?: CapacityPlan;
  readonly name: string;
  readonly replicas: number;
  readonly image: ContainerImage;
  readonly storageBackend: TempoStorage;
  readonly storageWiring: StorageWiring;
  readonly resources: ResolvedResources;
  readonly tls?: TempoTlsSettings;
}

export const TEMPO_DEFAULTS = {
  name: 'tempo',
  httpPort: 3200,
  grpcPort: 9095,
  resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
  // Tempo's own defaults (manifest of 2.8): 14 days retention, 1h for compacted blocks.
  blockRetention: '336h',
  compactedBlockRetention: '1h',
  traceIdlePeriod: '10s',
  maxBlockDuration: '30m',
  maxBlockBytes: 524_288_000,
  ingestionRateLimitBytes: 15_000_000,
  ingestionBurstSizeBytes: 20_000_000,
  maxTracesPerUser: 10_000,
  maxBytesPerTrace: 5_000_000,
} as const;

/**
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<10 chars>`, a label value limited
 * to 63 characters, so the StatefulSet name itself must stay within 52.
 */
const STATEFULSET_NAME_MAX = 52;
const ENCODINGS: readonly TempoEncoding[] = [
  'none',
  'gzip',
  'lz4-64k',
  'lz4-256k',
  'lz4-1M',
  'lz4',
  'snappy',
  'zstd',
  's2',
];
const BLOCK_VERSIONS: readonly TempoBlockVersion[] = ['vParquet3', 'vParquet4'];

function duration(input: DurationInput | undefined, fallback: string, property: string): GoDuration {
  return toDuration(input ?? fallback, property);
}

function optionalDuration(input: DurationInput | undefined, property: string): GoDuration | undefined {
  return input === undefined ? undefined : positiveDuration(toDuration(input, property), property);
}

function positiveDuration(d: GoDuration, property: string): GoDuration {
  if (d.milliseconds <= 0) throw new ConfigError(property, `${show(d.toString())} must be longer than 0s`);
  return d;
}

function optionalInt(value: number | undefined, property: string): number | undefined {
  return value === undefined ? undefined : checkPositiveInteger(value, property);
}

function oneOf<T extends string>(
  value: T | undefined,
  allowed: readonly T[],
  property: string,
): T | undefined {
  if (value !== undefined && !allowed.includes(value))
    throw new ConfigError(property, `${show(value)} is not valid; expected one of ${allowed.join(', ')}`);
  return value;
}

function checkRetention(d: GoDuration, property: string): GoDuration {
  if (d.compare(GoDuration.hours(1)) < 0) {
    throw new ConfigError(
      property,
      `${show(d.toString())} is below the minimum of 1h; traces would be deleted before they are compacted`,
    );
  }
  return d;
}

function resolveProcessors(
  list: readonly MetricsGeneratorProcessor[] | undefined,
  property: string,
): MetricsGeneratorProcessor[] | undefined {
  if (list === undefined) return undefined;
  for (const p of list) {
    if (!METRICS_GENERATOR_PROCESSORS.includes(p)) {
      throw new ConfigError(
        property,
        `unknown metrics-generator processor ${show(p)}; expected ${METRICS_GENERATOR_PROCESSORS.join(', ')}`,
      );
    }
  }
  return [...new Set(list)];
}

function resolveOverrides(o: TempoOverridesProps, property: string): TempoOverrides {
  const resolved: TempoOverrides = {
    ingestionRateLimitBytes: optionalInt(o.ingestionRateLimitBytes, `${property}.ingestionRateLimitBytes`),
    ingestionBurstSizeBytes: optionalInt(o.ingestionBurstSizeBytes, `${property}.ingestionBurstSizeBytes`),
    maxTracesPerUser: optionalInt(o.maxTracesPerUser, `${property}.maxTracesPerUser`),
    maxBytesPerTrace: optionalInt(o.maxBytesPerTrace, `${property}.maxBytesPerTrace`),
    blockRetention:
      o.retention === undefined
        ? undefined
        : checkRetention(toDuration(o.retention, `${property}.retention`), `${property}.retention`),
    metricsGeneratorProcessors: resolveProcessors(
      o.metricsGeneratorProcessors,
      `${property}.metricsGeneratorProcessors`,
    ),
  };
  const rate = resolved.ingestionRateLimitBytes;
  const burst = resolved.ingestionBurstSizeBytes;
  if (rate !== undefined && burst !== undefined && burst < rate) {
    throw new ConfigError(
      `${property}.ingestionBurstSizeBytes`,
      `${burst} is below ingestionRateLimitBytes (${rate}); the burst caps the rate, so set it at least as high`,
    );
  }
  return resolved;
}

function resolveMetricsGenerator(
  props: TempoMetricsGeneratorProps | undefined,
): TempoSettings['metricsGenerator'] {
  if (props === undefined || props.enabled === false) return undefined;
  const p = 'tempo.metricsGenerator';
  const processors = resolveProcessors(
    props.processors ?? ['service-graphs', 'span-metrics'],
    `${p}.processors`,
  )!;
  if (processors.length === 0)
    throw new ConfigError(
      `${p}.processors`,
      "is empty; enable at least one of 'service-graphs', 'span-metrics', 'local-blocks' or disable the metrics generator",
    );
  const remoteWrite: RemoteWriteTarget[] = (props.remoteWrite ?? []).map((r, i) => {
    checkHttpUrl(
      r.url,
      `${p}.remoteWrite[${i}].url`,
      'http://prometheus-operated.monitoring.svc:9090/api/v1/write',
    );
    return { url: r.url, sendExemplars: r.sendExemplars ?? true };
  });
  const needsRemoteWrite = processors.some((x) => x !== 'local-blocks');
  if (needsRemoteWrite && remoteWrite.length === 0) {
    throw new ConfigError(
      `${p}.remoteWrite`,
      'is empty; span-metrics and service-graphs write their series to Prometheus/Mimir via remote_write, so give at least one URL',
    );
  }
  const externalLabels = { ...props.externalLabels };
  for (const name of Object.keys(externalLabels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name))
      throw new ConfigError(
        `${p}.externalLabels.${name}`,
        'is not a valid Prometheus label name; use [a-zA-Z_][a-zA-Z0-9_]*',
      );
  }
  return { processors, remoteWrite, externalLabels };
}

function resolveTls(tls: TempoTlsProps | undefined): TempoTlsSettings | undefined {
  if (tls === undefined) return undefined;
  const p = 'tempo.receiverTls';
  checkDnsSubdomain(tls.secretName, `${p}.secretName`);
  const certKey = tls.certKey ?? 'tls.crt';
  const keyKey = tls.keyKey ?? 'tls.key';
  for (const [prop, value] of [
    ['certKey', certKey],
    ['keyKey', keyKey],
  ] as const) {
    if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
      throw new ConfigError(
        `${p}.${prop}`,
        `${show(value)} is not a key of the Secret; name the key that holds the ${prop === 'certKey' ? 'certificate' : 'private key'} (e.g. '${prop === 'certKey' ? 'tls.crt' : 'tls.key'}')`,
      );
    }
  }
  if (certKey === keyKey)
    throw new ConfigError(
      `${p}.keyKey`,
      `is the same key as certKey (${show(certKey)}); the certificate and the private key are two keys of the Secret`,
    );
  return { secretName: tls.secretName, certKey, keyKey };
}

export function resolveTempoSettings(props: TempoProps = {}): TempoSettings {
  const distributed = props.distributed !== undefined;
  // Distributed names carry a component suffix (`-metrics-generator` is the longest, 18).
  const name = checkDnsLabel(
    props.name ?? TEMPO_DEFAULTS.name,
    'tempo.name',
    distributed ? STATEFULSET_NAME_MAX - 18 : STATEFULSET_NAME_MAX,
  );
  const replicas = checkPositiveInteger(props.replicas ?? 1, 'tempo.replicas');
  const storage = props.storage ?? TempoStorage.local();
  if (distributed && props.replicas !== undefined) {
    throw new ConfigError(
      'tempo.replicas',
      'applies to the single binary only; in distributed mode set tempo.distributed.<component>.replicas or a capacity target',
    );
  }
  if (distributed && !storage.shared) {
    throw new ConfigError(
      'tempo.storage',
      `distributed mode needs object storage shared by every component; '${storage.backend}' keeps blocks on one pod. Use TempoStorage.s3(), .gcs() or .azure()`,
    );
  }
  if (replicas > 1) {
    const why = storage.shared
      ? 'single-binary replicas each keep their own in-memory ring, so recent traces would be split between them and every replica would compact the same blocks'
      : `'${storage.backend}' storage would make them independent Tempo instances, each holding part of the traces`;
    throw new ConfigError(
      'tempo.replicas',
      `${replicas} replicas of the single binary: ${why}; use replicas: 1, or distributed mode with object storage to scale out`,
    );
  }
  const wiring = storage.wiring();

  const ports = planPorts(
    {
      fixed: [
        {
          name: 'http',
          port: props.httpPort ?? TEMPO_DEFAULTS.httpPort,
          property: 'tempo.httpPort',
          appProtocol: 'http',
        },
        {
          name: 'grpc',
          port: props.grpcPort ?? TEMPO_DEFAULTS.grpcPort,
          property: 'tempo.grpcPort',
          appProtocol: 'grpc',
        },
      ],
      receivers: props.receivers,
      // Tempo serves every protocol by default.
      enabledByDefault: TRACE_RECEIVER_CATALOG.map((r) => r.id),
    },
    'tempo',
  );

  const traceIdlePeriod = positiveDuration(
    duration(
      props.ingester?.traceIdlePeriod,
      TEMPO_DEFAULTS.traceIdlePeriod,
      'tempo.ingester.traceIdlePeriod',
    ),
    'tempo.ingester.traceIdlePeriod',
  );
  const maxBlockDuration = positiveDuration(
    duration(
      props.ingester?.maxBlockDuration,
      TEMPO_DEFAULTS.maxBlockDuration,
      'tempo.ingester.maxBlockDuration',
    ),
    'tempo.ingester.maxBlockDuration',
  );
  if (traceIdlePeriod.compare(maxBlockDuration) >= 0) {
    throw new ConfigError(
      'tempo.ingester.traceIdlePeriod',
      `${traceIdlePeriod} must be shorter than ingester.maxBlockDuration (${maxBlockDuration}); a trace must go idle before its block is cut`,
    );
  }
  const maxBlockBytes = checkPositiveInteger(
    props.ingester?.maxBlockBytes ?? TEMPO_DEFAULTS.maxBlockBytes,
    'tempo.ingester.maxBlockBytes',
  );

  const blockRetention = checkRetention(
    duration(props.retention, TEMPO_DEFAULTS.blockRetention, 'tempo.retention'),
    'tempo.retention',
  );
  if (blockRetention.compare(maxBlockDuration) < 0) {
    throw new ConfigError(
      'tempo.retention',
      `${show(blockRetention.toString())} is shorter than ingester.maxBlockDuration (${maxBlockDuration}); blocks would expire before they are complete. Raise retention or lower maxBlockDuration`,
    );
  }
  const compactedBlockRetention = positiveDuration(
    duration(
      props.compactedBlockRetention,
      TEMPO_DEFAULTS.compactedBlockRetention,
      'tempo.compactedBlockRetention',
    ),
    'tempo.compactedBlockRetention',
  );
  const compactionWindow = optionalDuration(props.compactionWindow, 'tempo.compactionWindow');

  const defaults = resolveOverrides(
    {
      ingestionRateLimitBytes:
        props.limits?.ingestionRateLimitBytes ?? TEMPO_DEFAULTS.ingestionRateLimitBytes,
      ingestionBurstSizeBytes:
        props.limits?.ingestionBurstSizeBytes ?? TEMPO_DEFAULTS.ingestionBurstSizeBytes,
      maxTracesPerUser: props.limits?.maxTracesPerUser ?? TEMPO_DEFAULTS.maxTracesPerUser,
      maxBytesPerTrace: props.limits?.maxBytesPerTrace ?? TEMPO_DEFAULTS.maxBytesPerTrace,
    },
    'tempo.limits',
  );
  const limits = {
    ingestionRateLimitBytes: defaults.ingestionRateLimitBytes!,
    ingestionBurstSizeBytes: defaults.ingestionBurstSizeBytes!,
    maxTracesPerUser: defaults.maxTracesPerUser!,
    maxBytesPerTrace: defaults.maxBytesPerTrace!,
  };

  const metricsGenerator = resolveMetricsGenerator(props.metricsGenerator);
  const tenants: Record<string, TempoOverrides> = {};
  for (const [tenant, overrides] of Object.entries(props.tenants ?? {})) {
    checkTenantId(tenant, `tempo.tenants.${tenant}`);
    const resolved = resolveOverrides(overrides, `tempo.tenants.${tenant}`);
    if (resolved.metricsGeneratorProcessors?.length && !metricsGenerator) {
      throw new ConfigError(
        `tempo.tenants.${tenant}.metricsGeneratorProcessors`,
        'is set but the metrics generator is disabled; enable tempo.metricsGenerator (with a remoteWrite target) first',
      );
    }
    tenants[tenant] = resolved;
  }
  if (Object.keys(tenants).length > 0 && !props.multitenancy) {
    throw new ConfigError(
      'tempo.tenants',
      "per-tenant overrides need multitenancy: true (without it every span belongs to the tenant 'single-tenant')",
    );
  }

  const tls = resolveTls(props.receiverTls);
  if (tls && !ports.some((p) => p.receiver?.configPath[0] === 'otlp')) {
    throw new ConfigError(
      'tempo.receiverTls',
      'is set but both OTLP receivers are disabled; TLS applies to the OTLP receivers',
    );
  }

  const logLevel = checkLogLevel(props.logLevel ?? 'info', 'tempo.logLevel');
  const logFormat = props.logFormat ?? 'logfmt';
  if (!['logfmt', 'json'].includes(logFormat)) {
    throw new ConfigError(
      'tempo.logFormat',
      `${show(logFormat)} is not a log format; expected logfmt or json`,
    );
  }

  const search = props.search && {
    concurrentJobs: optionalInt(props.search.concurrentJobs, 'tempo.search.concurrentJobs'),
    targetBytesPerJob: optionalInt(props.search.targetBytesPerJob, 'tempo.search.targetBytesPerJob'),
    defaultResultLimit: optionalInt(props.search.defaultResultLimit, 'tempo.search.defaultResultLimit'),
    maxResultLimit:
      props.search.maxResultLimit === undefined
        ? undefined
        : checkPositiveInteger(props.search.maxResultLimit, 'tempo.search.maxResultLimit', 0),
    maxDuration: optionalDuration(props.search.maxDuration, 'tempo.search.maxDuration'),
    queryBackendAfter: optionalDuration(props.search.queryBackendAfter, 'tempo.search.queryBackendAfter'),
    queryIngestersUntil: optionalDuration(
      props.search.queryIngestersUntil,
      'tempo.search.queryIngestersUntil',
    ),
  };
  if (
    search?.queryBackendAfter &&
    search.queryIngestersUntil &&
    search.queryBackendAfter.compare(search.queryIngestersUntil) > 0
  ) {
    throw new ConfigError(
      'tempo.search.queryBackendAfter',
      `${search.queryBackendAfter} is after queryIngestersUntil (${search.queryIngestersUntil}); traces between the two would be searched nowhere`,
    );
  }

  let capacity: CapacityPlan | undefined;
  const components: ResolvedComponent[] = [];
  if (props.distributed) {
    const d = props.distributed;
    capacity = d.capacity
      ? planCapacity(
          { ...d.capacity, replicationFactor: d.replicationFactor ?? d.capacity.replicationFactor },
          'tempo.distributed.capacity',
        )
      : undefined;
    const sizing = (c: TempoComponent): ComponentSizing | undefined => {
      if (!capacity) return undefined;
      return {
        distributor: capacity.distributor,
        ingester: capacity.ingester,
        querier: capacity.querier,
        'query-frontend': capacity.queryFrontend,
        compactor: capacity.compactor,
        'metrics-generator': capacity.distributor,
      }[c];
    };
    const defaultsFor: Record<TempoComponent, { replicas: number; resources: ResolvedResources }> = {
      distributor: {
        replicas: 2,
        resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
      },
      ingester: {
        replicas: 3,
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2500m', memory: '8Gi' } },
      },
      querier: {
        replicas: 2,
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '4Gi' } },
      },
      'query-frontend': {
        replicas: 2,
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      },
      compactor: {
        replicas: 1,
        resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
      },
      'metrics-generator': {
        replicas: 1,
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      },
    };
    const propsFor: Record<TempoComponent, TempoComponentProps | undefined> = {
      distributor: d.distributor,
      ingester: d.ingester,
      querier: d.querier,
      'query-frontend': d.queryFrontend,
      compactor: d.compactor,
      'metrics-generator': d.metricsGenerator,
    };
    const list: TempoComponent[] = [
      'distributor',
      'ingester',
      'querier',
      'query-frontend',
      'compactor',
      ...(metricsGenerator ? ['metrics-generator' as const] : []),
    ];
    for (const c of list) {
      const p = `tempo.distributed.${c === 'query-frontend' ? 'queryFrontend' : c === 'metrics-generator' ? 'metricsGenerator' : c}`;
      const given = propsFor[c];
      const planned = c === 'metrics-generator' ? undefined : sizing(c);
      const base = planned
        ? {
            replicas: planned.replicas,
            resources: { requests: { ...planned.requests }, limits: { ...planned.limits } },
          }
        : defaultsFor[c];
      if (given?.autoscaling && !['distributor', 'querier', 'query-frontend'].includes(c)) {
        throw new ConfigError(
          `${p}.autoscaling`,
          'is only supported for the distributor, querier and query-frontend (stateful components do not scale on CPU)',
        );
      }
      const autoscaling = given?.autoscaling && resolveAutoscaling(given.autoscaling, `${p}.autoscaling`);
      components.push({
        component: c,
        kind: c === 'ingester' || c === 'metrics-generator' ? 'StatefulSet' : 'Deployment',
        replicas: checkPositiveInteger(
          given?.replicas ?? autoscaling?.minReplicas ?? base.replicas,
          `${p}.replicas`,
        ),
        resources: resolveResources(given?.resources, base.resources, `${p}.resources`),
        ...(autoscaling ? { autoscaling } : {}),
      });
    }
    const rf = d.replicationFactor ?? d.capacity?.replicationFactor ?? 3;
    checkPositiveInteger(rf, 'tempo.distributed.replicationFactor');
    const ingesters = components.find((c) => c.component === 'ingester')!.replicas;
    if (rf > ingesters) {
      throw new ConfigError(
        'tempo.distributed.replicationFactor',
        `${rf} is larger than the ${ingesters} ingester replicas; every trace must fit on ${rf} distinct ingesters, so run at least ${rf}`,
      );
    }
    if (ports.some((p) => p.port === GOSSIP_PORT)) {
      throw new ConfigError(
        'tempo.receivers',
        `port ${GOSSIP_PORT} is the memberlist gossip port in distributed mode; move the receiver`,
      );
    }
  }

  return {
    mode: distributed ? 'distributed' : 'single-binary',
    components,
    capacity,
    replicationFactor: props.distributed
      ? (props.distributed.replicationFactor ?? props.distributed.capacity?.replicationFactor ?? 3)
      : 1,
    name,
    replicas,
    image: props.image ?? IMAGES.tempo,
    storageBackend: storage,
    storageWiring: wiring,
    resources: resolveResources(props.resources, TEMPO_DEFAULTS.resources, 'tempo.resources'),
    ports,
    logLevel,
    logFormat,
    multitenancyEnabled: props.multitenancy ?? false,
    usageReportingEnabled: props.usageReporting ?? false,
    streamOverHttpEnabled: props.streamOverHttp ?? true,
    ingester: { traceIdlePeriod, maxBlockDuration, maxBlockBytes },
    compaction: { blockRetention, compactedBlockRetention, compactionWindow },
    storage: {
      backend: storage.backend,
      backendConfig: wiring.config,
      walEncoding: oneOf(props.wal?.encoding, ENCODINGS, 'tempo.wal.encoding'),
      blockVersion: oneOf(props.block?.version, BLOCK_VERSIONS, 'tempo.block.version'),
      blockEncoding: oneOf(props.block?.encoding, ENCODINGS, 'tempo.block.encoding'),
      pool: props.pool && {
        maxWorkers: optionalInt(props.pool.maxWorkers, 'tempo.pool.maxWorkers'),
        queueDepth: optionalInt(props.pool.queueDepth, 'tempo.pool.queueDepth'),
      },
    },
    search,
    queryFrontend: props.queryFrontend && {
      maxOutstandingPerTenant: optionalInt(
        props.queryFrontend.maxOutstandingPerTenant,
        'tempo.queryFrontend.maxOutstandingPerTenant',
      ),
      maxRetries:
        props.queryFrontend.maxRetries === undefined
          ? undefined
          : checkPositiveInteger(props.queryFrontend.maxRetries, 'tempo.queryFrontend.maxRetries', 0),
    },
    querier: props.querier && {
      maxConcurrentQueries: optionalInt(
        props.querier.maxConcurrentQueries,
        'tempo.querier.maxConcurrentQueries',
      ),
      searchQueryTimeout: optionalDuration(
        props.querier.searchQueryTimeout,
        'tempo.querier.searchQueryTimeout',
      ),
    },
    limits,
    tenants,
    metricsGenerator,
    tls,
    receiverTls: tls && {
      certFile: `${TEMPO_PATHS.tlsDir}/${tls.certKey}`,
      keyFile: `${TEMPO_PATHS.tlsDir}/${tls.keyKey}`,
    },
    expandEnv: wiring.expandEnv,
  };
}
