/**
 * Capacity model: sizes Tempo (and its Kafka) and the collector gateway from a spans-per-second
 * target, in MB/s as Grafana publishes its sizing. Pure and typed; every number is explained in
 * `reasons` (shown in SUMMARY.md / plan).
 *
 * Tempo 3.0 (`planCapacity`; grafana/tempo v3.0.3
 * `docs/sources/tempo/set-up-for-tracing/setup-tempo/plan/size.md`): distributor 1 per 10 MB/s
 * (2 cores, 2 GB); live-store 1 per 6–10 MB/s (1 core, 4–20 GB); block-builder 1 per partition
 * (0.5 core, 5–10 GB); querier 1 per 1–2 MB/s received (4–20 GB); query-frontend 2;
 * backend-scheduler 1 (0.5 core, 1–2 GB); backend-worker "by compaction load" (0.5 core,
 * 1–2 GB); Kafka about 10 MB/s per partition (`migrate-to-3.md`). Each partition is owned by one
 * live-store per zone and consumed by one block-builder (`components/kafka.md`), so the plan
 * picks the partitions first and derives both from them.
 *
 * Tempo 2.10 (`planCapacity2`, the 2.x sizing of `docs/sources/tempo/setup/size.md`):
 * ingester 1 per 3–5 MB/s of *replicated* traffic (2.5 cores, 4–20 GB); compactor 1 per
 * 3–5 MB/s (1 core). The model takes the middle of each range.
 *
 * The traffic is stated once: environments pass the percentage and decision wait of their own
 * `CollectorSampling` (`samplingPercent: sampling.percentage`), not a second literal. The collector
 * gateway figures are this project's planning assumptions, stated below.
 */
import { ConfigError, show } from '../../lib/errors';
import { checkPositiveNumber } from '../../lib/validate';
import type { TempoCacheRole } from './tempo-props';
import { MEMCACHED_POOL_MINIMUM } from '../memcached/memcached';

export interface CapacityInput {
  /** Spans per second produced by the applications, before sampling. */
  readonly spansPerSecond: number;
  /** Average span size in bytes (OTLP protobuf). @default 1000 (1 KB) */
  readonly avgSpanBytes?: number;
  /**
   * Share of traces the collector keeps, in percent (0, 100]: pass the environment's
   * `CollectorSampling` percentage (`sampling.percentage`), so the traffic is stated once.
   * @default 100
   */
  readonly samplingPercent?: number;
  /** The tail sampler's decision wait in seconds (`sampling.decisionWait`). @default 10 */
  readonly decisionWaitSeconds?: number;
  /**
   * Whether the collector gateway tail-samples: its in-flight traces, decision caches and shards
   * are planned (and shown) only then. `false` for head sampling or none, where the gateway
   * passes spans on and is sized by throughput alone.
   * @default true
   */
  readonly tailSampling?: boolean;
  /** Tempo 2.10: ingester replication factor. @default 3 */
  readonly replicationFactor?: number;
  /** Growth headroom as a fraction: 0.3 plans for 30 % more traffic. @default 0.3 */
  readonly headroom?: number;
  /** Average spans per trace (sizes the tail sampler's in-flight traces). @default 10 */
  readonly spansPerTrace?: number;
  /**
   * Minutes of Tempo outage the gateway's durable sending queue rides out (its exports queue on
   * each replica's volume meanwhile): sizes `gateway.queueSpans` and `gateway.queueVolumeGi`.
   * @default 15
   */
  readonly gatewayQueueMinutes?: number;
  /**
   * Sanity cap: a plan that needs more replicas than this for one component is an error (a typo
   * in `spansPerSecond` should not become YAML). @default 1000 (REPLICA_LIMIT)
   */
  readonly replicaLimit?: number;
}

/** Default cap on the replicas of one workload, planned or set (`replicaLimit`). */
export const REPLICA_LIMIT = 1000;

export interface ComponentSizing {
  readonly replicas: number;
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

interface PlanBase {
  /** Bytes per second reaching Tempo (after sampling, with headroom), in MB/s (10^6). */
  readonly tempoMBps: number;
  /** Traces per second reaching Tempo (after sampling, with headroom). */
  readonly tracesPerSecond: number;
  /** The sampling percentage the plan assumed. */
  readonly samplingPercent: number;
  readonly distributor: ComponentSizing;
  readonly querier: ComponentSizing;
  readonly queryFrontend: ComponentSizing;
  readonly gateway: ComponentSizing & {
    readonly numTraces: number;
    readonly expectedNewTracesPerSec: number;
    /** tail_sampling `maximum_trace_size_bytes`: 1,000 times the average trace. */
    readonly maxTraceBytes: number;
    /** tail_sampling `decision_cache` sizes (sampled and not sampled each): 10 × numTraces. */
    readonly decisionCacheSize: number;
    /** tail_sampling `num_shards`: one per core of the replica. */
    readonly shards: number;
    /** Spans each replica's Tempo exporter queues: `gatewayQueueMinutes` of its export rate. */
    readonly queueSpans: number;
    /** The PVC per replica holding that queue, in GiB (×2 for bbolt pages and free list). */
    readonly queueVolumeGi: number;
  };
  /** One line per decision, for reviewers. */
  readonly reasons: readonly string[];
  /**
   * The memcached each `tempo.caches` entry needs (in order), once Tempo's settings are known;
   * the read path's querier and query-frontend sizes and reasons are merged into the plan.
   */
  readonly caches?: readonly CachePoolPlan[];
}

/** Tempo 3.0 microservices and their Kafka. */
export interface CapacityPlan extends PlanBase {
  readonly line: '3.0';
  /** Kafka partitions of the topic (also live-stores per zone and block-builders). */
  readonly partitions: number;
  /** Live-stores per zone (the total is twice this, over two zones). */
  readonly liveStore: ComponentSizing;
  readonly blockBuilder: ComponentSizing;
  readonly backendScheduler: ComponentSizing;
  readonly backendWorker: ComponentSizing;
}

/** Tempo 2.10 distributed (ingesters, compactor). */
export interface CapacityPlan2 extends PlanBase {
  readonly line: '2.10';
  readonly ingester: ComponentSizing;
  readonly compactor: ComponentSizing;
}

/** Per-replica throughput the model plans with. */
export const CAPACITY_RULES = {
  distributorMBps: 10,
  ingesterMBps: 4,
  querierMBps: 1.5,
  compactorMBps: 4,
  queryFrontendReplicas: 2,
  /** 3.0: live-store 1 per 6–10 MB/s (middle 8); Kafka about 10 MB/s per partition. */
  liveStoreMBps: 8,
  kafkaPartitionMBps: 10,
  /** 3.0: Grafana gives no rate for backend-workers; planning assumption, 1 per 5 MB/s. */
  backendWorkerMBps: 5,
  /** Planning assumption: one 2-core gateway replica tail-samples about 15,000 spans/s. */
  gatewaySpansPerSecond: 15_000,
  gatewayCores: 2,
  /** Bytes of memory per entry of the tail sampler's decision caches (LRU of 64-bit IDs). */
  decisionCacheEntryBytes: 100,
  /** Bytes on the queue's volume per byte of span: bbolt pages and free list. */
  queueDiskFactor: 2,
} as const;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** What both lines' plans start from: the traffic Tempo receives and the sizing helper. */
function traffic(input: CapacityInput, property: string) {
  const spans = checkPositiveNumber(input.spansPerSecond, `${property}.spansPerSecond`);
  const bytes = checkPositiveNumber(input.avgSpanBytes ?? 1000, `${property}.avgSpanBytes`);
  const samplingPercent = checkPositiveNumber(input.samplingPercent ?? 100, `${property}.samplingPercent`);
  if (samplingPercent > 100)
    throw new ConfigError(
      `${property}.samplingPercent`,
      `${samplingPercent} is above 100; give a share in (0, 100]`,
    );
  const decisionWait = checkPositiveNumber(
    input.decisionWaitSeconds ?? 10,
    `${property}.decisionWaitSeconds`,
  );
  const headroom = input.headroom ?? 0.3;
  if (typeof headroom !== 'number' || !Number.isFinite(headroom) || headroom < 0) {
    throw new ConfigError(
      `${property}.headroom`,
      `${show(headroom)} is not a fraction >= 0; give e.g. 0.3 for 30 % headroom`,
    );
  }
  const spansPerTrace = checkPositiveNumber(input.spansPerTrace ?? 10, `${property}.spansPerTrace`);
  const tailSampling = input.tailSampling ?? true;
  const queueMinutes = checkPositiveNumber(
    input.gatewayQueueMinutes ?? 15,
    `${property}.gatewayQueueMinutes`,
  );
  const limit = input.replicaLimit ?? REPLICA_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > 2 ** 31 - 1)
    throw new ConfigError(
      `${property}.replicaLimit`,
      `${show(limit)} is not valid; expected an integer from 1 to 2147483647`,
    );

  const factor = 1 + headroom;
  const receivedMBps = (spans * bytes * (samplingPercent / 100)) / 1e6;
  const tempoMBps = receivedMBps * factor;
  const r = CAPACITY_RULES;
  const reasons: string[] = [
    `Tempo receives ${spans.toLocaleString('en-US')} spans/s × ${bytes} B × ${samplingPercent} % = ${round1(receivedMBps)} MB/s; with ${Math.round(headroom * 100)} % headroom ${round1(tempoMBps)} MB/s`,
  ];
  const size = (
    name: string,
    replicas: number,
    cpu: string,
    memoryGi: number,
    why: string,
    limitCpu = cpu,
  ): ComponentSizing => {
    if (replicas > limit)
      throw new ConfigError(
        `${property}.spansPerSecond`,
        `${show(spans)} spans/s plans ${replicas} ${name} replicas, above the replica limit of ${limit}; check spansPerSecond and samplingPercent, or raise ${property}.replicaLimit`,
      );
    reasons.push(`${name}: ${replicas} (${why})`);
    return {
      replicas,
      requests: { cpu, memory: `${memoryGi}Gi` },
      limits: { cpu: limitCpu, memory: `${Math.ceil(memoryGi * 1.25)}Gi` },
    };
  };
  const distributor = size(
    'distributor',
    Math.max(2, Math.ceil(tempoMBps / r.distributorMBps)),
    '2',
    2,
    `${round1(tempoMBps)} / ${r.distributorMBps} MB/s per replica, at least 2 for HA`,
  );
  const querier = size(
    'querier',
    Math.max(2, Math.ceil(tempoMBps / r.querierMBps)),
    '1',
    4,
    `${round1(tempoMBps)} / ${r.querierMBps} MB/s per replica (1–2 MB/s), at least 2`,
  );
  const queryFrontend = size(
    'query-frontend',
    r.queryFrontendReplicas,
    '1',
    4,
    'fixed at 2 for HA, scaled vertically',
  );

  // The gateway sees every span before sampling.
  const gatewaySpans = spans * factor;
  const gatewayReplicas = Math.max(2, Math.ceil(gatewaySpans / r.gatewaySpansPerSecond));
  const tracesPerSecondPerReplica = gatewaySpans / spansPerTrace / gatewayReplicas;
  // Traces waiting for a decision, doubled so late spans of a trace still find it.
  const numTraces = Math.ceil((2 * tracesPerSecondPerReplica * decisionWait) / 1000) * 1000;
  const inFlightMiB = (numTraces * spansPerTrace * bytes) / 2 ** 20;
  // Decisions outlive the spans 10 times over (tail_sampling README: caches "at least an order
  // of magnitude greater" than num_traces), in two caches.
  const decisionCacheSize = 10 * numTraces;
  const cacheMiB = (2 * decisionCacheSize * r.decisionCacheEntryBytes) / 2 ** 20;
  // Without tail sampling the gateway holds no traces: its memory is the 512 MiB base.
  const gatewayMemoryGi = Math.max(
    1,
    Math.ceil(((tailSampling ? inFlightMiB * 2 + cacheMiB : 0) + 512) / 1024),
  );
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const gatewayWhy = `${fmt(gatewaySpans)} spans/s before sampling at ${r.gatewaySpansPerSecond.toLocaleString('en-US')} per replica; `;
  const gateway = {
    ...size(
      'collector gateway',
      gatewayReplicas,
      String(r.gatewayCores),
      gatewayMemoryGi,
      tailSampling
        ? gatewayWhy +
            `num_traces ${fmt(numTraces)} per replica = 2 × ${fmt(tracesPerSecondPerReplica)} traces/s × ${decisionWait}s decision wait, ` +
            `~${Math.round(inFlightMiB)} MiB in flight, memory 2× that + ${Math.round(cacheMiB)} MiB of decision caches + 512 MiB`
        : `${gatewayWhy}no tail sampling, so no traces held: the 512 MiB base`,
    ),
    numTraces,
    expectedNewTracesPerSec: Math.ceil(tracesPerSecondPerReplica),
    maxTraceBytes: 1000 * spansPerTrace * bytes,
    decisionCacheSize,
    shards: r.gatewayCores,
    queueSpans: 0,
    queueVolumeGi: 0,
  };
  if (tailSampling)
    reasons.push(
      `collector gateway tail sampling: traces over ${fmt(gateway.maxTraceBytes)} B (1,000 × ${spansPerTrace} spans × ${bytes} B) dropped before the decision; decision caches ${fmt(decisionCacheSize)} trace IDs each (10 × num_traces); ${r.gatewayCores} shards (one per core)`,
    );
  // What one replica exports after sampling, queued on its volume while Tempo is away.
  const exportPerReplica = (gatewaySpans * (samplingPercent / 100)) / gatewayReplicas;
  gateway.queueSpans = Math.ceil((exportPerReplica * queueMinutes * 60) / 1000) * 1000;
  gateway.queueVolumeGi = Math.max(1, Math.ceil((gateway.queueSpans * bytes * r.queueDiskFactor) / 2 ** 30));
  reasons.push(
    `collector gateway queue: ${queueMinutes} min of ${fmt(exportPerReplica)} spans/s exported per replica = ${fmt(gateway.queueSpans)} spans; × ${bytes} B × ${r.queueDiskFactor} (bbolt) → PVC ${gateway.queueVolumeGi}Gi per replica`,
  );
  const tracesPerSecond = (tempoMBps * 1e6) / bytes / spansPerTrace;
  return {
    tempoMBps,
    tracesPerSecond,
    samplingPercent,
    reasons,
    size,
    distributor,
    querier,
    queryFrontend,
    gateway,
  };
}

/** Tempo 3.0 microservices on Kafka. */
export function planCapacity(input: CapacityInput, property = 'capacity'): CapacityPlan {
  const t = traffic(input, property);
  const r = CAPACITY_RULES;
  const mbps = t.tempoMBps;
  // Enough partitions for both the live-store rate and Kafka's per-partition rate, at least 2.
  const partitions = Math.max(2, Math.ceil(mbps / r.liveStoreMBps), Math.ceil(mbps / r.kafkaPartitionMBps));
  t.reasons.push(
    `Kafka partitions: ${partitions} (max of ${round1(mbps)} / ${r.liveStoreMBps} MB/s per live-store and ${round1(mbps)} / ${r.kafkaPartitionMBps} MB/s per partition, at least 2); ${round1(mbps / partitions)} MB/s each`,
  );
  const liveStore = t.size(
    'live-store per zone',
    partitions,
    '1',
    8,
    `one per partition in each of 2 zones (${partitions * 2} in all), ${round1(mbps / partitions)} MB/s each (6–10 MB/s), 4–20 GB`,
    '2',
  );
  const blockBuilder = t.size('block-builder', partitions, '500m', 6, 'one per partition (5–10 GB)', '1');
  const backendScheduler = t.size('backend-scheduler', 1, '500m', 1, 'exactly one', '1');
  const backendWorker = t.size(
    'backend-worker',
    Math.max(2, Math.ceil(mbps / r.backendWorkerMBps)),
    '500m',
    2,
    `${round1(mbps)} / ${r.backendWorkerMBps} MB/s (planning assumption; Grafana sizes it by compaction load), at least 2`,
    '1',
  );
  return {
    line: '3.0',
    tempoMBps: mbps,
    tracesPerSecond: t.tracesPerSecond,
    samplingPercent: t.samplingPercent,
    partitions,
    distributor: t.distributor,
    liveStore,
    blockBuilder,
    querier: t.querier,
    queryFrontend: t.queryFrontend,
    backendScheduler,
    backendWorker,
    gateway: t.gateway,
    reasons: t.reasons,
  };
}

/** Tempo 2.10 distributed (ingesters with replication, compactor). */
export function planCapacity2(input: CapacityInput, property = 'capacity'): CapacityPlan2 {
  const t = traffic(input, property);
  const r = CAPACITY_RULES;
  const rf = input.replicationFactor ?? 3;
  if (!Number.isInteger(rf) || rf < 1)
    throw new ConfigError(
      `${property}.replicationFactor`,
      `${show(rf)} is not a positive integer; give e.g. 3`,
    );
  const ingesterTraffic = t.tempoMBps * rf;
  const ingester = t.size(
    'ingester',
    Math.max(rf, Math.ceil(ingesterTraffic / r.ingesterMBps)),
    '2500m',
    8,
    `replication factor ${rf} makes ${round1(ingesterTraffic)} MB/s of ingester traffic, 1 per ${r.ingesterMBps} MB/s, at least ${rf}`,
  );
  const compactor = t.size(
    'compactor',
    Math.max(1, Math.ceil(t.tempoMBps / r.compactorMBps)),
    '1',
    4,
    `1 per ${r.compactorMBps} MB/s`,
  );
  return {
    line: '2.10',
    tempoMBps: t.tempoMBps,
    tracesPerSecond: t.tracesPerSecond,
    samplingPercent: t.samplingPercent,
    distributor: t.distributor,
    ingester,
    querier: t.querier,
    queryFrontend: t.queryFrontend,
    compactor,
    gateway: t.gateway,
    reasons: t.reasons,
  };
}

/** What the read path is sized from, besides the traffic: the environment's Tempo settings. */
export interface ReadPathInput {
  /** `block_retention`, in seconds: how many traces' bloom filters the queriers look at. */
  readonly retentionSeconds: number;
  /** `storage.trace.block.bloom_filter_false_positive` (Tempo's default 0.01). */
  readonly bloomFalsePositive: number;
  /** `overrides.defaults.global.max_bytes_per_trace`: the largest trace a query returns. */
  readonly maxBytesPerTrace: number;
  /** `querier.max_concurrent_queries` (Tempo's default 20): jobs one querier runs at once. */
  readonly querierConcurrency: number;
  /** The roles of each cache pool (`tempo.caches[i].roles`; none: no memcached is planned). */
  readonly cachePools: readonly (readonly TempoCacheRole[])[];
}

/** One memcached pool of the plan. */
export interface CachePoolPlan {
  /** Memory the pool's roles need, in MiB. */
  readonly requiredMiB: number;
  /** Pods of a pool this app deploys, and memcached's `-m` of each. */
  readonly replicas: number;
  readonly memoryMiBPerReplica: number;
}

/** The read path's plan: querier and query-frontend memory, and the memcached the roles need. */
export interface ReadPathPlan {
  readonly querier: ComponentSizing;
  readonly queryFrontend: ComponentSizing;
  /** Bloom filters of every block in retention (Tempo's `caching.md`: the minimum working set), MiB. */
  readonly bloomMiB: number;
  /** One plan per `tempo.caches` entry, in order. */
  readonly caches: readonly CachePoolPlan[];
  readonly reasons: readonly string[];
}

/**
 * Read-path sizing rules. Queriers and query-frontend: Tempo's size.md gives 4–20 GB "determined
 * by trace composition and queries"; the model starts at its 4 GB and adds what concurrent jobs
 * hold (planning assumptions, stated in the reasons). memcached: Tempo's `caching.md` (v3.0.3,
 * "Cache size control": the querier reads the bloom filters of every block, so the cache must hold
 * at least all of them).
 */
export const READ_PATH_RULES = {
  memoryFloorGi: 4,
  memoryCeilingGi: 20,
  /** A querier job decodes and combines up to this many times the largest trace (planning assumption). */
  querierTraceCopies: 8,
  /** The query-frontend holds each job result of every querier twice (decode, combine; planning assumption). */
  frontendTraceCopies: 2,
  /** Trace-ID indexes, footers and column/offset indexes: counted as much again as the blooms (assumption). */
  indexToBloomRatio: 1,
  /** memcached's slab and item overhead on top of the values. */
  slabOverhead: 0.25,
  /** frontend-search job results, a fixed allowance. */
  frontendSearchMiB: 512,
  /** parquet-page caches the data pages of recent queries: a fixed allowance, the rest is evicted. */
  parquetPageMiB: 8192,
  /** A deployed pool's floor (`MEMCACHED_POOL_MINIMUM`): pods, and `-m` per pod. */
  minReplicas: MEMCACHED_POOL_MINIMUM.replicas,
  minMemoryMiB: MEMCACHED_POOL_MINIMUM.memoryMiB,
  /** Largest `-m` of one pod before the plan adds a pod. */
  maxMemoryMiBPerReplica: 16_384,
} as const;

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** Queriers, query-frontends and memcached for a Tempo plan (both lines). */
export function planReadPath(plan: CapacityPlan | CapacityPlan2, input: ReadPathInput): ReadPathPlan {
  const r = READ_PATH_RULES;
  const reasons: string[] = [];
  const clampGi = (gi: number) => Math.min(r.memoryCeilingGi, Math.max(r.memoryFloorGi, Math.ceil(gi)));
  const traceMB = input.maxBytesPerTrace / 1e6;
  const querierGi = clampGi(
    r.memoryFloorGi + (input.querierConcurrency * input.maxBytesPerTrace * r.querierTraceCopies) / GiB,
  );
  reasons.push(
    `querier memory: ${querierGi} Gi = 4 Gi (size.md's floor) + ${input.querierConcurrency} concurrent jobs × ${round1(traceMB)} MB max trace × ${r.querierTraceCopies} (decoded and combined), within 4–20 Gi`,
  );
  const queriers = plan.querier.replicas;
  const frontendGi = clampGi(
    r.memoryFloorGi +
      (queriers * input.querierConcurrency * input.maxBytesPerTrace * r.frontendTraceCopies) / GiB,
  );
  reasons.push(
    `query-frontend memory: ${frontendGi} Gi = 4 Gi + ${queriers} queriers × ${input.querierConcurrency} jobs × ${round1(traceMB)} MB × ${r.frontendTraceCopies} (every job's result in flight, decoded and combined), within 4–20 Gi`,
  );
  const sized = (c: ComponentSizing, gi: number): ComponentSizing => ({
    ...c,
    requests: { ...c.requests, memory: `${gi}Gi` },
    limits: { ...c.limits, memory: `${Math.ceil(gi * 1.25)}Gi` },
  });
  const bitsPerTrace = -Math.log(input.bloomFalsePositive) / Math.LN2 ** 2;
  const traces = plan.tracesPerSecond * input.retentionSeconds;
  const bloomBytes = (traces * bitsPerTrace) / 8;
  const bloomMiB = Math.ceil(bloomBytes / MiB);
  if (input.cachePools.length)
    reasons.push(
      `cache working set: blooms of ${Math.round(plan.tracesPerSecond).toLocaleString('en-US')} traces/s × ${Math.round(input.retentionSeconds / 3600)}h retention × ${round1(bitsPerTrace)} bits (false-positive rate ${input.bloomFalsePositive}) = ${bloomMiB.toLocaleString('en-US')} MiB, the minimum working set (caching.md)`,
    );
  const indexRoles: readonly TempoCacheRole[] = [
    'trace-id-index',
    'parquet-footer',
    'parquet-column-idx',
    'parquet-offset-idx',
  ];
  const caches = input.cachePools.map((roles, i): CachePoolPlan => {
    const has = (role: TempoCacheRole) => roles.includes(role);
    const backend =
      (has('bloom') ? bloomBytes : 0) + (indexRoles.some(has) ? bloomBytes * r.indexToBloomRatio : 0);
    const requiredMiB = Math.ceil(
      (backend * (1 + r.slabOverhead)) / MiB +
        (has('frontend-search') ? r.frontendSearchMiB : 0) +
        (has('parquet-page') ? r.parquetPageMiB : 0),
    );
    const replicas = Math.max(r.minReplicas, Math.ceil(requiredMiB / r.maxMemoryMiBPerReplica));
    const memoryMiBPerReplica = Math.max(r.minMemoryMiB, Math.ceil(requiredMiB / replicas / 256) * 256);
    const parts = [
      ...(has('bloom') ? ['the blooms'] : []),
      ...(indexRoles.some(has) ? ['index and footer roles as much again'] : []),
      ...(has('frontend-search') ? [`${r.frontendSearchMiB} MiB search results`] : []),
      ...(has('parquet-page') ? [`${r.parquetPageMiB} MiB pages`] : []),
    ];
    reasons.push(
      `cache pool ${i} (${roles.join(', ')}): ${requiredMiB.toLocaleString('en-US')} MiB (${parts.join(', ')}; ${Math.round(r.slabOverhead * 100)} % slab overhead on backend items) = ${replicas} pods × ${memoryMiBPerReplica.toLocaleString('en-US')} MiB`,
    );
    return { requiredMiB, replicas, memoryMiBPerReplica };
  });
  return {
    querier: sized(plan.querier, querierGi),
    queryFrontend: sized(plan.queryFrontend, frontendGi),
    bloomMiB,
    caches,
    reasons,
  };
}

/** A plan with its read path: queriers and query-frontends re-sized, the reasons extended. */
export function withReadPath<P extends CapacityPlan | CapacityPlan2>(plan: P, input: ReadPathInput): P {
  const readPath = planReadPath(plan, input);
  return {
    ...plan,
    querier: readPath.querier,
    queryFrontend: readPath.queryFrontend,
    caches: readPath.caches,
    reasons: [...plan.reasons, ...readPath.reasons],
  };
}
