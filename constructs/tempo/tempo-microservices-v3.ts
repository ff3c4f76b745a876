/**
 * The Tempo 3.0 microservices topology (grafana/tempo v3.0.3 `deployment-modes.md`,
 * `components/*.md`, `partition-ring.md`, `operations/jsonnet/microservices/`), with Kafka as
 * the write path:
 *
 *   distributors ──▶ Kafka topic (P partitions) ──▶ block-builders ──▶ object storage
 *                                 │                 (each pod: a fixed set of partitions)
 *                                 ├──▶ live-stores, zone a and zone b (pod k owns partition k)
 *                                 └──▶ metrics-generators
 *   queriers ──gRPC──▶ live-stores (recent data) and object storage; query-frontends (2) in front
 *   backend-scheduler (exactly one) ──gRPC──▶ backend-workers (compaction, retention)
 *
 * The rules that keep it correct, each a synth error when broken: every partition in use has
 * one live-store per zone (live-stores are a multiple of the two zones, at most the partitions
 * per zone); block-builders consume whole partitions by explicit assignment, so there are at
 * most as many as partitions in use; one backend-scheduler; the query-frontend is not
 * autoscaled (two replicas, scaled vertically). Pure: props in, workloads out.
 */
import { ConfigError, show } from '../../lib/errors';
import { GoDuration, toDuration } from '../../lib/duration';
import { checkDnsSubdomain, checkPositiveInteger } from '../../lib/validate';
import { resolveResources } from '../../lib/resources';
import { KafkaCluster, StrimziKafkaCluster } from '../kafka/kafka-cluster';
import { planCapacity, ReadPathInput, withReadPath } from './capacity';
import type { TempoComponentProps, TempoMicroservicesProps } from './tempo-props';
import type { ResolvedResources } from '../../lib/resources';
import { COMPONENT_RESOURCES } from './component-resources';
import { backendVisibleAfter, TEMPO3_DEFAULTS } from './tempo-defaults';
import { componentSizing, ResolvedComponent, ResolvedRollout, ResolvedTopology } from './tempo-settings';

/** Tempo's names of the two live-store zones (`-live-store.instance-availability-zone`). */
export const LIVE_STORE_ZONES = ['zone-a', 'zone-b'] as const;

const DEFAULTS = {
  distributor: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.distributor,
  },
  liveStore: {
    replicas: 1,
    resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } },
  },
  blockBuilder: {
    replicas: 1,
    resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '5Gi' } },
  },
  querier: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.querier,
  },
  queryFrontend: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.small,
  },
  backendScheduler: {
    replicas: 1,
    resources: COMPONENT_RESOURCES.small,
  },
  backendWorker: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.small,
  },
  metricsGenerator: {
    replicas: 1,
    resources: COMPONENT_RESOURCES.small,
  },
} satisfies Record<string, { replicas: number; resources: ResolvedResources }>;

const P = 'tempo.microservices';

/** Tempo's jsonnet (v3.0.3 `config.libsonnet`): `live_store.downscale_delay`. */
const PARTITION_DRAIN_DELAY = '35m';
/** The rollout-operator's container (its jsonnet: requests 100m / 100Mi, memory limit 200Mi). */
const ROLLOUT_OPERATOR_RESOURCES = {
  requests: { cpu: '100m', memory: '100Mi' },
  limits: { cpu: '1', memory: '200Mi' },
};

/** The live-stores' rollout (`TempoRolloutProps`): validated, defaults applied. */
function resolveRollout(
  d: TempoMicroservicesProps,
  ctx: { name: string; consumeCycle?: GoDuration },
  perZone: number,
): ResolvedRollout {
  const r = d.rollout ?? {};
  const property = `${P}.rollout`;
  const maxUnavailable =
    r.maxUnavailable === undefined
      ? perZone
      : checkPositiveInteger(r.maxUnavailable, `${property}.maxUnavailable`);
  const drain = toDuration(r.partitionDrainDelay ?? PARTITION_DRAIN_DELAY, `${property}.partitionDrainDelay`);
  const cycle = ctx.consumeCycle ?? TEMPO3_DEFAULTS.consumeCycle;
  const least = backendVisibleAfter(cycle);
  if (drain.compare(least) < 0) {
    throw new ConfigError(
      `${property}.partitionDrainDelay`,
      `${show(drain.toString())} is shorter than one block-builder cycle (${cycle}) plus two blocklist polls (${TEMPO3_DEFAULTS.blocklistPoll} each); a removed live-store's traces would not yet be queryable from object storage, so use at least ${least}`,
    );
  }
  if (r.issuerRef !== undefined) {
    checkDnsSubdomain(r.issuerRef.name, `${property}.issuerRef.name`);
    if (r.issuerRef.kind !== undefined && !['Issuer', 'ClusterIssuer'].includes(r.issuerRef.kind))
      throw new ConfigError(
        `${property}.issuerRef.kind`,
        `${show(r.issuerRef.kind)} is not a cert-manager issuer kind; use 'Issuer' or 'ClusterIssuer'`,
      );
  }
  return {
    group: `${ctx.name}-live-store`,
    maxUnavailable,
    partitionDrainDelay: drain,
    issuerRef: r.issuerRef && {
      name: r.issuerRef.name,
      kind: r.issuerRef.kind ?? 'ClusterIssuer',
      group: r.issuerRef.group ?? 'cert-manager.io',
    },
    resources: resolveResources(r.resources, ROLLOUT_OPERATOR_RESOURCES, `${property}.resources`),
  };
}

export function resolveMicroservices3(
  d: TempoMicroservicesProps,
  ctx: { name: string; metricsGenerator: boolean; consumeCycle?: GoDuration; readPath: ReadPathInput },
): ResolvedTopology {
  if (!(d.kafka instanceof KafkaCluster)) {
    throw new ConfigError(
      `${P}.kafka`,
      `${d.kafka === undefined ? 'is missing' : `${show(d.kafka)} is not a KafkaCluster`}; microservices write through Kafka: give KafkaCluster.existing({ bootstrapServers, topic, partitions, brokers }) or KafkaCluster.strimzi()`,
    );
  }
  const capacity = d.capacity
    ? withReadPath(planCapacity(d.capacity, `${P}.capacity`), ctx.readPath)
    : undefined;
  const strimzi =
    d.kafka instanceof StrimziKafkaCluster
      ? d.kafka.resolve(`${P}.kafka`, capacity?.partitions, capacity?.tempoMBps)
      : undefined;
  const kafka = d.kafka.wiring(`${P}.kafka`, capacity?.partitions);
  const partitions = kafka.partitions;

  const size = (
    key: keyof typeof DEFAULTS,
    given: TempoComponentProps | undefined,
    planned: Parameters<typeof componentSizing>[1],
    noAutoscaling?: string,
  ) => componentSizing(given, planned, DEFAULTS[key], `${P}.${key}`, noAutoscaling);
  const stateful =
    'is not supported: it owns Kafka partitions (or the job list), so its replicas are set explicitly';

  // Live-stores: one per partition in use, in each zone.
  const perZonePlanned = capacity ? Math.min(capacity.partitions, partitions) : partitions;
  const liveStoreGiven = d.liveStore;
  const liveStoreSizing = size(
    'liveStore',
    liveStoreGiven,
    capacity?.liveStore && { ...capacity.liveStore, replicas: perZonePlanned * 2 },
    stateful,
  );
  const liveStores = liveStoreGiven?.replicas ?? perZonePlanned * 2;
  if (liveStores % LIVE_STORE_ZONES.length !== 0) {
    throw new ConfigError(
      `${P}.liveStore.replicas`,
      `${liveStores} is not a multiple of the ${LIVE_STORE_ZONES.length} zones; every partition has one live-store in each zone, so use an even number (e.g. ${liveStores + 1})`,
    );
  }
  const perZone = liveStores / LIVE_STORE_ZONES.length;
  if (perZone > partitions) {
    throw new ConfigError(
      `${P}.liveStore.replicas`,
      `${liveStores} means ${perZone} live-stores per zone but the Kafka topic has ${partitions} partitions; each live-store owns one partition, so run at most ${partitions * 2} or add partitions first`,
    );
  }
  const inUse = perZone;

  // Block-builders: whole partitions each, assigned explicitly (block-builder-i gets i, i+B, …).
  const bb = size(
    'blockBuilder',
    d.blockBuilder,
    capacity?.blockBuilder && { ...capacity.blockBuilder, replicas: inUse },
    stateful,
  );
  const builders = d.blockBuilder?.replicas ?? inUse;
  if (builders > inUse) {
    throw new ConfigError(
      `${P}.blockBuilder.replicas`,
      `${builders} is more than the ${inUse} partitions in use (${inUse} live-stores per zone; the topic has ${partitions}); each partition is consumed by exactly one block-builder, so run at most ${inUse}`,
    );
  }
  // Every partition of the topic is assigned, not only those in use: a partition being drained
  // for a live-store scale-in (INACTIVE, no new writes) is still consumed until its last traces
  // are in object storage, and a later scale-out finds its block-builder already there. An unused
  // partition costs a block-builder nothing (it has no records).
  const blockBuilderPartitions: Record<string, number[]> = {};
  for (let i = 0; i < builders; i++) {
    blockBuilderPartitions[`${ctx.name}-block-builder-${i}`] = Array.from(
      { length: partitions },
      (_, j) => j,
    ).filter((j) => j % builders === i);
  }
  const rollout = resolveRollout(d, ctx, perZone);

  const scheduler = size('backendScheduler', d.backendScheduler, capacity?.backendScheduler, stateful);
  if (scheduler.replicas !== 1) {
    throw new ConfigError(
      `${P}.backendScheduler.replicas`,
      `${scheduler.replicas}: exactly one backend-scheduler may run (it owns the compaction and retention job list; plan/size.md), so use 1`,
    );
  }
  const frontend = size(
    'queryFrontend',
    d.queryFrontend,
    capacity?.queryFrontend,
    'is not supported: the query-frontend is kept at 2 replicas and scaled vertically (deployment-modes.md); raise its resources instead',
  );

  const zones: readonly (string | undefined)[] = d.zones ?? [undefined, undefined];
  const component = (
    c: Omit<
      ResolvedComponent,
      'args' | 'kafkaClient' | 'receives' | 'persistent' | 'terminationGracePeriodSeconds' | 'startupSeconds'
    > &
      Partial<ResolvedComponent>,
  ): ResolvedComponent => ({
    args: [],
    kafkaClient: false,
    receives: false,
    persistent: false,
    scratchSize: '1Gi',
    terminationGracePeriodSeconds: 60,
    startupSeconds: 60,
    ...c,
  });
  const components: ResolvedComponent[] = [
    component({
      component: 'distributor',
      target: 'distributor',
      kind: 'Deployment',
      ...size('distributor', d.distributor, capacity?.distributor),
      receives: true,
      kafkaClient: true,
    }),
    ...LIVE_STORE_ZONES.map((zone, i) =>
      component({
        component: `live-store-${zone}`,
        target: 'live-store',
        kind: 'StatefulSet',
        ...liveStoreSizing,
        replicas: perZone,
        persistent: true,
        kafkaClient: true,
        args: [`-live-store.instance-availability-zone=${zone}`],
        zone: { name: zone, nodeZone: zones[i], otherZoneComponent: `live-store-${LIVE_STORE_ZONES[1 - i]}` },
        // Rolled by the rollout-operator, one zone at a time (docs/tempo.md).
        rollout: { group: rollout.group, maxUnavailable: rollout.maxUnavailable },
        // Time to flush in-memory traces to the WAL and hand the partition over (the jsonnet's 1200s).
        terminationGracePeriodSeconds: 1200,
        startupSeconds: 300,
      }),
    ),
    component({
      component: 'block-builder',
      target: 'block-builder',
      kind: 'StatefulSet',
      ...bb,
      replicas: builders,
      kafkaClient: true,
      scratchSize: '10Gi',
      startupSeconds: 120,
    }),
    component({
      component: 'querier',
      target: 'querier',
      kind: 'Deployment',
      ...size('querier', d.querier, capacity?.querier),
    }),
    component({ component: 'query-frontend', target: 'query-frontend', kind: 'Deployment', ...frontend }),
    component({
      component: 'backend-scheduler',
      target: 'backend-scheduler',
      kind: 'StatefulSet',
      ...scheduler,
      persistent: true,
    }),
    component({
      component: 'backend-worker',
      target: 'backend-worker',
      kind: 'Deployment',
      ...size('backendWorker', d.backendWorker, capacity?.backendWorker),
    }),
    ...(ctx.metricsGenerator
      ? [
          component({
            component: 'metrics-generator',
            target: 'metrics-generator',
            kind: 'StatefulSet',
            ...size('metricsGenerator', d.metricsGenerator, undefined, stateful),
            persistent: true,
            kafkaClient: true,
            startupSeconds: 300,
          }),
        ]
      : []),
  ];
  return { components, capacity, kafka, blockBuilderPartitions, strimzi, rollout };
}
