/**
 * Turns `TempoProps` into fully resolved settings: defaults applied, every value validated.
 * Pure (no constructs), so each error is unit-tested on its own.
 */
import { ResolvedResources, resolveResources } from '../../lib/resources';
import { ConfigError, ErrorCollector, show } from '../../lib/errors';
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import {
  checkBoolean,
  checkDnsLabel,
  checkDnsSubdomain,
  checkHttpUrl,
  checkLogLevel,
  checkPositiveInteger,
  checkTenantId,
  checkPrometheusLabels,
  resolveAutoscaling,
} from '../../lib/validate';
import { ContainerImage, IMAGES } from '../../lib/versions';
import { METRICS_GENERATOR_PROCESSORS, MetricsGeneratorProcessor } from './generated-metrics';
import { planPorts, TraceReceiverId } from '../common/receivers';
import {
  RemoteWriteTarget,
  TEMPO_PATHS,
  TempoBlockVersion,
  TempoConfigSettings,
  TempoEncoding,
  TempoOverrides,
} from './tempo-config';
import { StorageWiring, TEMPO_DATA_DIR, TempoStorage } from './tempo-storage';
import type { StrimziKafkaSettings } from '../kafka/kafka-cluster';
import type { CapacityPlan, CapacityPlan2, ComponentSizing } from './capacity';
import { CACHE_ROLES, TEMPO_VERSIONS, TempoVersion } from './tempo-props';
import type {
  TempoComponentProps,
  TempoMetricsGeneratorProps,
  TempoOverridesProps,
  TempoProps,
  TempoServerTlsProps,
} from './tempo-props';
import { resolveMicroservices3 } from './tempo-microservices-v3';
import { Memcached } from '../memcached/memcached';
import type { ReadPathInput } from './capacity';
import type { TempoCacheProps, TempoCacheRole } from './tempo-props';
import { resolveDistributed2 } from './tempo-distributed-v2';
import { backendVisibleAfter, TEMPO3_DEFAULTS } from './tempo-defaults';

/**
 * One Tempo workload (a `-target`): the monolithic binary, or one microservice. Built by the
 * line's topology (`tempo-microservices-v3.ts`, `tempo-distributed-v2.ts`); `TempoWorkload`
 * turns it into a StatefulSet or Deployment with its Services, PDB and HPA.
 */
export interface ResolvedComponent {
  /** Workload name suffix and `app.kubernetes.io/component` label, e.g. `live-store-zone-a`. */
  readonly component: string;
  /** `-target=<target>`; undefined for the monolithic binary (`target: all` in the config). */
  readonly target?: string;
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly replicas: number;
  readonly resources: ResolvedResources;
  readonly autoscaling?: {
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly targetCpuUtilizationPercent: number;
  };
  /** A PVC per pod (`volumeClaimTemplates`), else a scratch emptyDir of `scratchSize`. */
  readonly persistent: boolean;
  readonly scratchSize?: string;
  /** Serves the trace receivers (the distributor, or the monolithic binary). */
  readonly receives: boolean;
  /** Reads or writes Kafka (SASL credentials from the env, egress to the brokers). */
  readonly kafkaClient: boolean;
  /** Extra command-line flags. */
  readonly args: readonly string[];
  /** Zone-aware live-stores: Tempo's zone and the node zone the pods are pinned to. */
  readonly zone?: { readonly name: string; readonly nodeZone?: string; readonly otherZoneComponent: string };
  /**
   * Rolled by the rollout-operator (`OnDelete`, label `rollout-group`, annotation
   * `rollout-max-unavailable`), one StatefulSet of the group at a time.
   */
  readonly rollout?: { readonly group: string; readonly maxUnavailable: number };
  /** Time to flush on shutdown (WAL, blocks, a consumption cycle). */
  readonly terminationGracePeriodSeconds: number;
  /**
   * Seconds the startup probe allows before the liveness probe takes over; long where the
   * process replays data before its HTTP server is guaranteed to answer.
   */
  readonly startupSeconds: number;
}

/** One `tempo.caches` entry, validated; its Memcached is wired by the construct (it knows the namespace). */
export interface ResolvedCachePool {
  readonly memcached: Memcached;
  readonly roles: readonly TempoCacheRole[];
  readonly timeout: GoDuration;
  /** `tempo.caches[i]`, for errors. */
  readonly property: string;
}

/** Without `roles`: all but parquet-page ("very high volume", caching.md). */
const DEFAULT_CACHE_ROLES: readonly TempoCacheRole[] = CACHE_ROLES.filter((r) => r !== 'parquet-page');

function resolveCachePools(caches: readonly TempoCacheProps[] | undefined): ResolvedCachePool[] {
  if (caches === undefined) return [];
  if (!Array.isArray(caches))
    throw new ConfigError(
      'tempo.caches',
      `${show(caches)} is not a list; give [{ memcached: Memcached.deploy() }]`,
    );
  const claimed = new Map<string, string>();
  return caches.map((c, i) => {
    const property = `tempo.caches[${i}]`;
    if (!(c?.memcached instanceof Memcached))
      throw new ConfigError(
        `${property}.memcached`,
        `${c?.memcached === undefined ? 'is missing' : `${show(c.memcached)} is not a Memcached`}; a cache is a typed reference, not a hostname: give Memcached.deploy() or Memcached.existing({ host, service, port, servers })`,
      );
    const roles = c.roles ?? DEFAULT_CACHE_ROLES;
    if (!Array.isArray(roles) || roles.length === 0)
      throw new ConfigError(`${property}.roles`, `is empty; give at least one of ${CACHE_ROLES.join(', ')}`);
    for (const role of roles) {
      if (!CACHE_ROLES.includes(role))
        throw new ConfigError(
          `${property}.roles`,
          `${show(role)} is not a cache role of Tempo; use ${CACHE_ROLES.join(', ')}`,
        );
      const other = claimed.get(role);
      if (other)
        throw new ConfigError(
          `${property}.roles`,
          `${show(role)} is already served by ${other}; Tempo gives each role to one cache (modules/cache/config.go), so remove it from one of them`,
        );
      claimed.set(role, property);
    }
    const timeout = positiveDuration(
      toDuration(c.timeout ?? '200ms', `${property}.timeout`),
      `${property}.timeout`,
    );
    return { memcached: c.memcached, roles: [...roles], timeout, property };
  });
}

/** Tempo 3.0 microservices: the rollout-operator and the live-stores' rollout group. */
export interface ResolvedRollout {
  /** The `rollout-group` label value of both live-store zones (`<name>-live-store`). */
  readonly group: string;
  readonly maxUnavailable: number;
  /** Read-only time of a partition before its live-stores may go; also `delete_inactive_partition_after`. */
  readonly partitionDrainDelay: GoDuration;
  /** The webhook certificate's issuer; undefined: a CA of the operator's own. */
  readonly issuerRef?: {
    readonly name: string;
    readonly kind: 'Issuer' | 'ClusterIssuer';
    readonly group: string;
  };
  readonly resources: ResolvedResources;
}

/** What a line's topology resolves: its workloads and, with a capacity target, the plan. */
export interface ResolvedTopology {
  readonly components: ResolvedComponent[];
  readonly capacity?: CapacityPlan | CapacityPlan2;
  readonly kafka?: TempoConfigSettings['kafka'];
  readonly blockBuilderPartitions?: TempoConfigSettings['blockBuilderPartitions'];
  /** The Strimzi objects to emit, when the Kafka is `KafkaCluster.strimzi()`. */
  readonly strimzi?: StrimziKafkaSettings;
  /** 3.0 microservices: how the live-stores roll and scale in. */
  readonly rollout?: ResolvedRollout;
}

/** Memberlist gossip port (`memberlist.bind_port`). */
export const GOSSIP_PORT = 7946;

export interface TempoTlsSettings {
  readonly secretName: string;
  readonly certKey: string;
  readonly keyKey: string;
}

export interface ServerTlsSettings extends TempoTlsSettings {
  readonly caKey: string;
}

export interface TempoSettings extends TempoConfigSettings {
  /** `single-binary`: monolithic (3.0) or single binary (2.10); `distributed`: microservices. */
  readonly mode: 'single-binary' | 'distributed';
  /** Every workload; one entry (`single-binary`) in monolithic mode. */
  readonly components: readonly ResolvedComponent[];
  /** Microservices sized from a capacity target: the plan and its reasons. */
  readonly capacity?: CapacityPlan | CapacityPlan2;
  /** `KafkaCluster.strimzi()`: the Strimzi objects to emit. */
  readonly strimzi?: ResolvedTopology['strimzi'];
  /** 3.0 microservices: the rollout-operator of the live-stores. */
  readonly rollout?: ResolvedRollout;
  /** `tempo.caches`, validated; wired to memcached by the construct. */
  readonly cachePools: readonly ResolvedCachePool[];
  readonly name: string;
  readonly replicas: number;
  readonly image: ContainerImage;
  readonly storageBackend: TempoStorage;
  readonly storageWiring: StorageWiring;
  readonly resources: ResolvedResources;
  readonly tls?: TempoTlsSettings;
  /** TLS on the HTTP API port: the Secret mounted at `TEMPO_PATHS.serverTlsDir`. */
  readonly serverTls?: ServerTlsSettings;
  /** Name of the config ConfigMap. */
  readonly configMapName: string;
  /** Where the config ConfigMap is mounted. */
  readonly configDir: string;
}

export const TEMPO_DEFAULTS = {
  name: 'tempo',
  httpPort: 3200,
  grpcPort: 9095,
  resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
  // Tempo's own defaults (both reference dumps): 14 days retention, 1h for compacted blocks.
  blockRetention: '336h',
  compactedBlockRetention: '1h',
  traceIdlePeriod: '10s',
  maxBlockDuration: '30m',
  maxBlockBytes: 524_288_000,
  maxTracesPerUser: 10_000,
  maxBytesPerTrace: 5_000_000,
} as const;

/**
 * Default ingestion rate and burst per line, as each binary reports them (`overrides.defaults.
 * ingestion` in `schemas/tempo/tempo-3.0.3-defaults.yaml` and `tempo-2.10.8-defaults.yaml`):
 * 3.0 raised both to 30 MB.
 */
export const TEMPO_INGESTION_DEFAULTS: Record<
  TempoVersion,
  { readonly ingestionRateLimitBytes: number; readonly ingestionBurstSizeBytes: number }
> = {
  '3.0': { ingestionRateLimitBytes: 30_000_000, ingestionBurstSizeBytes: 30_000_000 },
  '2.10': { ingestionRateLimitBytes: 15_000_000, ingestionBurstSizeBytes: 20_000_000 },
};

/**
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<10 chars>`, a label value limited
 * to 63 characters, so the StatefulSet name itself must stay within 52.
 */
export const STATEFULSET_NAME_MAX = 52;
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
/** Block formats each line writes (`tempodb/encoding/versioned.go`; 3.0 reads vParquet3 but writes 4 and 5). */
const BLOCK_VERSIONS: Record<TempoVersion, readonly TempoBlockVersion[]> = {
  '3.0': ['vParquet4', 'vParquet5'],
  '2.10': ['vParquet3', 'vParquet4', 'vParquet5'],
};
/** Receivers whose spans carry no `X-Scope-OrgID` (UDP Thrift): lost with multi-tenancy on. */
const HEADERLESS_RECEIVERS: readonly TraceReceiverId[] = ['jaegerThriftCompact', 'jaegerThriftBinary'];
const DEFAULT_RECEIVERS: readonly TraceReceiverId[] = [
  'otlpGrpc',
  'otlpHttp',
  'jaegerGrpc',
  'jaegerThriftHttp',
  'zipkin',
];

export function duration(input: DurationInput | undefined, fallback: string, property: string): GoDuration {
  return toDuration(input ?? fallback, property);
}

export function optionalDuration(input: DurationInput | undefined, property: string): GoDuration | undefined {
  return input === undefined ? undefined : positiveDuration(toDuration(input, property), property);
}

export function positiveDuration(d: GoDuration, property: string): GoDuration {
  if (d.milliseconds <= 0)
    throw new ConfigError(
      property,
      `${show(d.toString())} must be longer than 0s; give a positive duration such as '10s'`,
    );
  return d;
}

export function optionalInt(value: number | undefined, property: string): number | undefined {
  return value === undefined ? undefined : checkPositiveInteger(value, property);
}

export function oneOf<T extends string>(
  value: T | undefined,
  allowed: readonly T[],
  property: string,
): T | undefined {
  if (value !== undefined && !allowed.includes(value))
    throw new ConfigError(property, `${show(value)} is not valid; expected one of ${allowed.join(', ')}`);
  return value;
}

export function checkRetention(d: GoDuration, property: string): GoDuration {
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
  checkPrometheusLabels(externalLabels, `${p}.externalLabels`);
  return { processors, remoteWrite, externalLabels };
}

const SECRET_KEY_WHAT = {
  certKey: ['certificate', 'tls.crt'],
  keyKey: ['private key', 'tls.key'],
  caKey: ["issuing CA's certificate", 'ca.crt'],
} as const;

function resolveTls(
  tls: TempoServerTlsProps | undefined,
  p: string,
  withCa = false,
): (TempoTlsSettings & { readonly caKey?: string }) | undefined {
  if (tls === undefined) return undefined;
  checkDnsSubdomain(tls.secretName, `${p}.secretName`);
  const keys = {
    certKey: tls.certKey ?? 'tls.crt',
    keyKey: tls.keyKey ?? 'tls.key',
    ...(withCa ? { caKey: tls.caKey ?? 'ca.crt' } : {}),
  };
  for (const [prop, value] of Object.entries(keys) as [keyof typeof SECRET_KEY_WHAT, string][]) {
    if (!/^[-._a-zA-Z0-9]+$/.test(value)) {
      throw new ConfigError(
        `${p}.${prop}`,
        `${show(value)} is not a key of the Secret; name the key that holds the ${SECRET_KEY_WHAT[prop][0]} (e.g. '${SECRET_KEY_WHAT[prop][1]}')`,
      );
    }
  }
  if (keys.certKey === keys.keyKey)
    throw new ConfigError(
      `${p}.keyKey`,
      `is the same key as certKey (${show(keys.certKey)}); the certificate and the private key are two keys of the Secret`,
    );
  if (keys.caKey !== undefined && (keys.caKey === keys.certKey || keys.caKey === keys.keyKey))
    throw new ConfigError(
      `${p}.caKey`,
      `${show(keys.caKey)} is also the certificate or key; the issuing CA's certificate is a key of its own (cert-manager: 'ca.crt')`,
    );
  return { secretName: tls.secretName, ...keys };
}

/** Replicas, resources and autoscaling of one component: given props over the plan over defaults. */
export function componentSizing(
  given: TempoComponentProps | undefined,
  planned: ComponentSizing | undefined,
  defaults: { replicas: number; resources: ResolvedResources },
  property: string,
  /** Why this component has no HPA; undefined when it may autoscale. */
  noAutoscaling?: string,
): Pick<ResolvedComponent, 'replicas' | 'resources' | 'autoscaling'> {
  const base = planned
    ? {
        replicas: planned.replicas,
        resources: { requests: { ...planned.requests }, limits: { ...planned.limits } },
      }
    : defaults;
  if (given?.autoscaling && noAutoscaling !== undefined)
    throw new ConfigError(`${property}.autoscaling`, noAutoscaling);
  const autoscaling = given?.autoscaling && resolveAutoscaling(given.autoscaling, `${property}.autoscaling`);
  return {
    replicas: checkPositiveInteger(
      given?.replicas ?? autoscaling?.minReplicas ?? base.replicas,
      `${property}.replicas`,
    ),
    resources: resolveResources(given?.resources, base.resources, `${property}.resources`),
    ...(autoscaling ? { autoscaling } : {}),
  };
}

/** Options that exist on one line only, and what to use instead on the other. */
function checkLineOptions(props: TempoProps, line: TempoVersion): void {
  const only2 = (value: unknown, property: string, instead: string) => {
    if (value !== undefined && line === '3.0') {
      throw new ConfigError(
        property,
        `exists only on Tempo 2.10; Tempo 3.0 has ${instead}. Remove it, or set tempo.version: '2.10'`,
      );
    }
  };
  only2(
    props.distributed,
    'tempo.distributed',
    'no ingesters or compactor: use tempo.microservices (Kafka, live-stores, block-builders, backend-scheduler and workers)',
  );
  only2(
    props.ingester,
    'tempo.ingester',
    props.microservices
      ? 'no ingesters: block-builders cut the blocks, use tempo.blockBuilder.consumeCycleDuration and .maxBlockBytes (and tempo.liveStore.maxTraceIdle for traceIdlePeriod)'
      : 'no ingesters: the live-store cuts the blocks, use tempo.liveStore.maxBlockDuration, .maxBlockBytes and .maxTraceIdle',
  );
  only2(
    props.memoryBallastMiB,
    'tempo.memoryBallastMiB',
    'no memory ballast (-mem-ballast-size-mbs was removed in 3.0.0); the container already gets GOMEMLIMIT at 0.8 × its memory limit',
  );
  only2(props.wal, 'tempo.wal', 'no v2 encodings (WAL settings live in storage.trace.block)');
  only2(props.block?.encoding, 'tempo.block.encoding', 'no v2 blocks (vParquet4 or newer only)');
  only2(
    props.search?.queryIngestersUntil,
    'tempo.search.queryIngestersUntil',
    'no ingesters to search (recent data comes from the live-stores)',
  );
  if (line === '2.10') {
    if (props.microservices !== undefined) {
      throw new ConfigError(
        'tempo.microservices',
        "exists only on Tempo 3.0 (Kafka write path); on 2.10 use tempo.distributed, or set tempo.version: '3.0'",
      );
    }
    if (props.blockBuilder !== undefined) {
      throw new ConfigError(
        'tempo.blockBuilder',
        'exists only on Tempo 3.0 microservices; on 2.10 the ingester cuts the blocks (tempo.ingester.maxBlockDuration, .maxBlockBytes)',
      );
    }
    if (props.liveStore !== undefined) {
      throw new ConfigError(
        'tempo.liveStore',
        'exists only on Tempo 3.0; on 2.10 the ingester holds recent traces (tempo.ingester)',
      );
    }
  }
}

/** The config mount: absolute, and clear of every other directory the container mounts. */
function checkConfigDir(dir: string): string {
  const taken = [
    TEMPO_DATA_DIR,
    TEMPO_PATHS.overridesDir,
    TEMPO_PATHS.tlsDir,
    TEMPO_PATHS.serverTlsDir,
    '/tmp',
  ];
  const clash = taken.find((t) => dir === t || dir.startsWith(`${t}/`) || t.startsWith(`${dir}/`));
  if (clash || !/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(dir)) {
    throw new ConfigError(
      'tempo.configMountPath',
      `${show(dir)} ${clash ? `overlaps ${clash}, which the container already mounts` : 'is not an absolute directory path'}; use a directory of its own such as '/etc/tempo'`,
    );
  }
  return dir;
}

export function resolveTempoSettings(props: TempoProps = {}): TempoSettings {
  const line = props.version ?? '3.0';
  if (!TEMPO_VERSIONS.includes(line)) {
    throw new ConfigError(
      'tempo.version',
      `${show(line)} is not a supported Tempo line; use '3.0' (3.0.3, the default) or '2.10' (2.10.8, for clusters not yet migrated)`,
    );
  }
  // Options of the other line stop here: everything below assumes the line's own.
  checkLineOptions(props, line);
  // Independent checks are collected, so one synth names every problem of Tempo's settings; a
  // check whose value later ones need (a name, a port, a duration) still stops at once.
  const found = new ErrorCollector();
  const distributed = props.distributed !== undefined || props.microservices !== undefined;
  // Component names carry a suffix (`-live-store-zone-a` and `-metrics-generator` are the longest, 18).
  const name = checkDnsLabel(
    props.name ?? TEMPO_DEFAULTS.name,
    'tempo.name',
    distributed ? STATEFULSET_NAME_MAX - 18 : STATEFULSET_NAME_MAX,
  );
  const replicas = checkPositiveInteger(props.replicas ?? 1, 'tempo.replicas');
  const configMapName = checkDnsSubdomain(props.configMapName ?? `${name}-config`, 'tempo.configMapName');
  if (configMapName === `${name}-overrides`) {
    found.add(
      new ConfigError(
        'tempo.configMapName',
        `${show(configMapName)} is the runtime overrides ConfigMap; choose another name (e.g. '${name}')`,
      ),
    );
  }
  const configDir = checkConfigDir(props.configMountPath ?? TEMPO_PATHS.configDir);
  const storage = props.storage ?? TempoStorage.local();
  const modeProp = line === '3.0' ? 'tempo.microservices' : 'tempo.distributed';
  if (distributed && props.replicas !== undefined) {
    found.add(
      new ConfigError(
        'tempo.replicas',
        `applies to the single binary only; in microservices mode set ${modeProp}.<component>.replicas or a capacity target`,
      ),
    );
  }
  if (distributed && !storage.shared) {
    // Everything below assumes the storage the mode needs.
    found.fail(
      new ConfigError(
        'tempo.storage',
        `microservices need object storage shared by every component; '${storage.backend}' keeps blocks on one pod. Use TempoStorage.s3(), .gcs() or .azure()`,
      ),
    );
  }
  if (!distributed && replicas > 1) {
    const why = storage.shared
      ? 'single-binary replicas each keep their own in-memory ring, so recent traces would be split between them and every replica would compact the same blocks'
      : `'${storage.backend}' storage would make them independent Tempo instances, each holding part of the traces`;
    found.add(
      new ConfigError(
        'tempo.replicas',
        `${replicas} replicas of the single binary: ${why}; use replicas: 1, or ${modeProp} with object storage to scale out`,
      ),
    );
  }
  const wiring = storage.wiring();
  const multitenancyEnabled = props.multitenancy ?? false;
  if (multitenancyEnabled) {
    for (const id of HEADERLESS_RECEIVERS) {
      if (props.receivers?.[id]) {
        found.add(
          new ConfigError(
            `tempo.receivers.${id}`,
            "carries no X-Scope-OrgID header (Jaeger Thrift over UDP), so with multitenancy on Tempo drops every span sent there ('no org id'); send Jaeger spans over jaegerGrpc or jaegerThriftHttp with the header, or turn multitenancy off",
          ),
        );
      }
    }
  }

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
      enabledByDefault: DEFAULT_RECEIVERS,
    },
    'tempo',
  );

  let ingester: TempoSettings['ingester'];
  let maxBlockDuration: GoDuration | undefined;
  if (line === '2.10') {
    const traceIdlePeriod = positiveDuration(
      duration(
        props.ingester?.traceIdlePeriod,
        TEMPO_DEFAULTS.traceIdlePeriod,
        'tempo.ingester.traceIdlePeriod',
      ),
      'tempo.ingester.traceIdlePeriod',
    );
    maxBlockDuration = positiveDuration(
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
    ingester = { traceIdlePeriod, maxBlockDuration, maxBlockBytes };
  }
  const liveStore =
    line === '3.0'
      ? {
          maxTraceIdle: optionalDuration(props.liveStore?.maxTraceIdle, 'tempo.liveStore.maxTraceIdle'),
          maxTraceLive: optionalDuration(props.liveStore?.maxTraceLive, 'tempo.liveStore.maxTraceLive'),
          completeBlockTimeout: optionalDuration(
            props.liveStore?.completeBlockTimeout,
            'tempo.liveStore.completeBlockTimeout',
          ),
          maxBlockDuration: optionalDuration(
            props.liveStore?.maxBlockDuration,
            'tempo.liveStore.maxBlockDuration',
          ),
          maxBlockBytes: optionalInt(props.liveStore?.maxBlockBytes, 'tempo.liveStore.maxBlockBytes'),
        }
      : undefined;
  if (props.blockBuilder !== undefined && line === '3.0' && !props.microservices) {
    found.add(
      new ConfigError(
        'tempo.blockBuilder',
        'applies to Tempo 3.0 microservices only; the monolithic live-store cuts the blocks itself: use tempo.liveStore.maxBlockDuration and .maxBlockBytes',
      ),
    );
  }
  const blockBuilder = props.blockBuilder && {
    consumeCycleDuration: optionalDuration(
      props.blockBuilder.consumeCycleDuration,
      'tempo.blockBuilder.consumeCycleDuration',
    ),
    maxBlockBytes: optionalInt(props.blockBuilder.maxBlockBytes, 'tempo.blockBuilder.maxBlockBytes'),
  };
  const ballast = optionalInt(props.memoryBallastMiB, 'tempo.memoryBallastMiB');
  const bloom = props.block?.bloomFilterFalsePositive;
  if (bloom !== undefined && !(typeof bloom === 'number' && bloom > 0 && bloom < 1)) {
    // The read-path plan below is sized from it.
    found.fail(
      new ConfigError(
        'tempo.block.bloomFilterFalsePositive',
        `${show(bloom)} is not a false-positive rate; give a number between 0 and 1 (exclusive) such as 0.01`,
      ),
    );
  }
  if (
    liveStore?.maxTraceIdle &&
    liveStore.maxTraceLive &&
    liveStore.maxTraceIdle.compare(liveStore.maxTraceLive) > 0
  ) {
    found.add(
      new ConfigError(
        'tempo.liveStore.maxTraceIdle',
        `${liveStore.maxTraceIdle} is longer than maxTraceLive (${liveStore.maxTraceLive}); a trace is flushed at maxTraceLive at the latest, so lower maxTraceIdle`,
      ),
    );
  }

  const blockRetention = checkRetention(
    duration(props.retention, TEMPO_DEFAULTS.blockRetention, 'tempo.retention'),
    'tempo.retention',
  );
  if (maxBlockDuration && blockRetention.compare(maxBlockDuration) < 0) {
    found.add(
      new ConfigError(
        'tempo.retention',
        `${show(blockRetention.toString())} is shorter than ingester.maxBlockDuration (${maxBlockDuration}); blocks would expire before they are complete. Raise retention or lower maxBlockDuration`,
      ),
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
        props.limits?.ingestionRateLimitBytes ?? TEMPO_INGESTION_DEFAULTS[line].ingestionRateLimitBytes,
      ingestionBurstSizeBytes:
        props.limits?.ingestionBurstSizeBytes ?? TEMPO_INGESTION_DEFAULTS[line].ingestionBurstSizeBytes,
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
  const localBlocks = (list: readonly string[] | undefined, property: string) => {
    if (line === '3.0' && list?.includes('local-blocks')) {
      found.add(
        new ConfigError(
          property,
          "'local-blocks' is removed in Tempo 3.0 (block-builders and the live-store build blocks; migrate-to-3.md); remove it",
        ),
      );
    }
  };
  localBlocks(metricsGenerator?.processors, 'tempo.metricsGenerator.processors');
  const tenants: Record<string, TempoOverrides> = {};
  for (const [tenant, overrides] of Object.entries(props.tenants ?? {})) {
    found.attempt(() => {
      checkTenantId(tenant, `tempo.tenants.${tenant}`);
      const resolved = resolveOverrides(overrides, `tempo.tenants.${tenant}`);
      if (resolved.metricsGeneratorProcessors?.length && !metricsGenerator) {
        throw new ConfigError(
          `tempo.tenants.${tenant}.metricsGeneratorProcessors`,
          'is set but the metrics generator is disabled; enable tempo.metricsGenerator (with a remoteWrite target) first',
        );
      }
      localBlocks(resolved.metricsGeneratorProcessors, `tempo.tenants.${tenant}.metricsGeneratorProcessors`);
      tenants[tenant] = resolved;
    });
  }
  if (Object.keys(props.tenants ?? {}).length > 0 && !multitenancyEnabled) {
    found.add(
      new ConfigError(
        'tempo.tenants',
        "per-tenant overrides need multitenancy: true (without it every span belongs to the tenant 'single-tenant'); set multitenancy: true or remove tenants",
      ),
    );
  }

  const tls = resolveTls(props.receiverTls, 'tempo.receiverTls');
  const serverTls = resolveTls(props.serverTls, 'tempo.serverTls', true) as ServerTlsSettings | undefined;
  if (tls && !ports.some((p) => p.receiver?.configPath[0] === 'otlp')) {
    found.add(
      new ConfigError(
        'tempo.receiverTls',
        'is set but both OTLP receivers are disabled; TLS applies to the OTLP receivers',
      ),
    );
  }

  const logLevel = checkLogLevel(props.logLevel ?? 'info', 'tempo.logLevel');
  const logFormat = props.logFormat ?? 'logfmt';
  if (!['logfmt', 'json'].includes(logFormat)) {
    found.add(
      new ConfigError('tempo.logFormat', `${show(logFormat)} is not a log format; expected logfmt or json`),
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
    found.add(
      new ConfigError(
        'tempo.search.queryBackendAfter',
        `${search.queryBackendAfter} is after queryIngestersUntil (${search.queryIngestersUntil}); traces between the two would be searched nowhere`,
      ),
    );
  }
  const recentReads =
    line === '3.0'
      ? found.attempt(() =>
          resolveRecentReads(props, search?.queryBackendAfter, liveStore, blockBuilder, distributed),
        )
      : undefined;
  if (distributed && ports.some((p) => p.port === GOSSIP_PORT)) {
    found.add(
      new ConfigError(
        'tempo.receivers',
        `port ${GOSSIP_PORT} is the memberlist gossip port in microservices mode; move the receiver`,
      ),
    );
  }

  const resources = found.attempt(() =>
    resolveResources(props.resources, TEMPO_DEFAULTS.resources, 'tempo.resources'),
  );
  const cachePools = found.attempt(() => resolveCachePools(props.caches));
  // The topology is sized from the read path (cache pools) and holds the single binary's resources.
  if (!resources || !cachePools) {
    found.throwIfAny();
    throw new Error('resolveTempoSettings: a failed check was not reported');
  }
  // What the read path is sized from (capacity.ts planReadPath); Tempo's defaults where unset.
  const readPath: ReadPathInput = {
    retentionSeconds: blockRetention.milliseconds / 1000,
    bloomFalsePositive: bloom ?? 0.01,
    maxBytesPerTrace: limits.maxBytesPerTrace,
    querierConcurrency: props.querier?.maxConcurrentQueries ?? 20,
    cachePools: cachePools.map((c) => c.roles),
  };
  const topology = found.attempt((): ResolvedTopology =>
    props.microservices
      ? resolveMicroservices3(props.microservices, {
          name,
          metricsGenerator: metricsGenerator !== undefined,
          consumeCycle: blockBuilder?.consumeCycleDuration,
          readPath,
        })
      : props.distributed
        ? resolveDistributed2(props.distributed, {
            metricsGenerator: metricsGenerator !== undefined,
            readPath,
          })
        : {
            components: [
              {
                component: 'single-binary',
                kind: 'StatefulSet',
                replicas,
                resources,
                persistent: true,
                receives: true,
                kafkaClient: false,
                args: [],
                // Flushes the live-store (3.0) or the ingester WAL (2.10) on shutdown.
                terminationGracePeriodSeconds: 300,
                startupSeconds: 300,
              },
            ],
          },
  );
  const storageSettings = found.attempt(() => ({
    backend: storage.backend,
    backendConfig: wiring.config,
    walEncoding: oneOf(props.wal?.encoding, ENCODINGS, 'tempo.wal.encoding'),
    blockVersion: oneOf(props.block?.version, BLOCK_VERSIONS[line], 'tempo.block.version'),
    blockEncoding: oneOf(props.block?.encoding, ENCODINGS, 'tempo.block.encoding'),
    bloomFilterFalsePositive: bloom,
    pool: props.pool && {
      maxWorkers: optionalInt(props.pool.maxWorkers, 'tempo.pool.maxWorkers'),
      queueDepth: optionalInt(props.pool.queueDepth, 'tempo.pool.queueDepth'),
    },
  }));
  found.throwIfAny();
  if (!topology || !storageSettings) throw new Error('resolveTempoSettings: a failed check was not reported');
  const rf =
    line === '2.10' && props.distributed
      ? (props.distributed.replicationFactor ?? props.distributed.capacity?.replicationFactor ?? 3)
      : 1;

  return {
    line,
    mode: distributed ? 'distributed' : 'single-binary',
    components:
      ballast === undefined
        ? topology.components
        : topology.components.map((c) => ({ ...c, args: [...c.args, `-mem-ballast-size-mbs=${ballast}`] })),
    capacity: topology.capacity,
    strimzi: topology.strimzi,
    rollout: topology.rollout,
    cachePools,
    liveStorePartitionDrain: topology.rollout?.partitionDrainDelay,
    kafka: topology.kafka,
    blockBuilderPartitions: topology.blockBuilderPartitions,
    replicationFactor: rf,
    name,
    replicas,
    configMapName,
    configDir,
    image: props.image ?? (line === '3.0' ? IMAGES.tempo : IMAGES.tempo2),
    storageBackend: storage,
    storageWiring: wiring,
    resources,
    ports,
    logLevel,
    logFormat,
    multitenancyEnabled,
    usageReportingEnabled: props.usageReporting ?? false,
    streamOverHttpEnabled: props.streamOverHttp ?? true,
    ingester,
    liveStore,
    blockBuilder,
    recentReads,
    compaction: { blockRetention, compactedBlockRetention, compactionWindow },
    compactionDisabled: props.compactionDisabled ?? false,
    storage: storageSettings,
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
    serverTls,
    httpTls: serverTls && {
      certFile: `${TEMPO_PATHS.serverTlsDir}/${serverTls.certKey}`,
      keyFile: `${TEMPO_PATHS.serverTlsDir}/${serverTls.keyKey}`,
    },
    receiverTls: tls && {
      certFile: `${TEMPO_PATHS.tlsDir}/${tls.certKey}`,
      keyFile: `${TEMPO_PATHS.tlsDir}/${tls.keyKey}`,
    },
    expandEnv: wiring.expandEnv || (topology.kafka?.env.length ?? 0) > 0,
  };
}

/**
 * Tempo 3.0's recent-data window, checked as a whole (docs/tempo.md "Recent data"), from
 * Tempo's defaults (`TEMPO3_DEFAULTS`).
 */
function resolveRecentReads(
  props: TempoProps,
  queryBackendAfter: GoDuration | undefined,
  liveStore: { readonly completeBlockTimeout?: GoDuration } | undefined,
  blockBuilder: { readonly consumeCycleDuration?: GoDuration } | undefined,
  microservices: boolean,
): NonNullable<TempoConfigSettings['recentReads']> {
  const after = queryBackendAfter ?? TEMPO3_DEFAULTS.queryBackendAfter;
  const cutoff = TEMPO3_DEFAULTS.queryEndCutoff;
  const held = liveStore?.completeBlockTimeout ?? TEMPO3_DEFAULTS.completeBlockTimeout;
  // The query-frontend asks the live-stores for [now - after, now]: they must still hold it.
  if (after.compare(held) > 0)
    throw new ConfigError(
      'tempo.search.queryBackendAfter',
      `${after} is longer than the live-stores hold completed blocks (liveStore.completeBlockTimeout, ${held}); recent TraceQL-metrics queries would fail with "time range must be within last ${held}" and older recent traces be searched nowhere; give at most ${held}`,
    );
  // Tempo refuses to start otherwise (modules/frontend/frontend.go).
  if (after.compare(cutoff) <= 0)
    throw new ConfigError(
      'tempo.search.queryBackendAfter',
      `${after} is not after query_end_cutoff (${cutoff}); Tempo refuses to start; give e.g. '15m'`,
    );
  if (microservices) {
    // A trace reaches a backend block within one block-builder cycle, and the queriers see the
    // block two blocklist polls later (`backendVisibleAfter`): until then only the live-stores have it.
    const cycle = blockBuilder?.consumeCycleDuration ?? TEMPO3_DEFAULTS.consumeCycle;
    const visible = backendVisibleAfter(cycle);
    const poll = TEMPO3_DEFAULTS.blocklistPoll;
    if (after.compare(visible) < 0)
      throw new ConfigError(
        'tempo.search.queryBackendAfter',
        `${after} is shorter than a trace takes to be searchable in the backend (blockBuilder.consumeCycleDuration ${cycle} + two ${poll} blocklist polls = ${visible}); traces of that age would be searched only where they are not yet; give at least ${visible}`,
      );
  }
  const fail = props.liveStore?.failOnHighLag;
  if (fail !== undefined) checkBoolean(fail, 'tempo.liveStore.failOnHighLag');
  if (fail !== undefined && !microservices)
    throw new ConfigError(
      'tempo.liveStore.failOnHighLag',
      'applies to microservices only: the monolithic live-store reads no Kafka and is never lagged (modules/livestore/live_store.go isLagged); remove it',
    );
  return {
    queryBackendAfter: after,
    ...(microservices ? { failOnHighLag: fail ?? false } : {}),
  };
}
