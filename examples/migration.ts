/**
 * A worked Tempo 2.x → 3.0 migration, as grafana/tempo v3.0.3
 * `docs/sources/tempo/set-up-for-tracing/setup-tempo/migrate-to-3.md` describes it for
 * microservices: a parallel deployment, 3.0 beside 2.x on the same bucket, then a traffic switch,
 * then the 2.x deployment is decommissioned. There is no in-place downgrade from 3.0.
 *
 * Two environments, each synthesized and validated like any other:
 *  - `migration-2x`: the running Tempo 2.10.8 (ingesters, compactor) in `tracing-2x`, still
 *    compacting the shared bucket. Its clients keep sending to it until the switch.
 *  - `migration-3`: Tempo 3.0.3 microservices on a Strimzi Kafka in `tracing-3`, reading the
 *    same bucket (it queries the 2.x RF3 blocks and its own RF1 blocks together) with
 *    compaction disabled for every tenant: only one compaction system may write to shared
 *    storage at a time, and during the parallel run that is 2.x's.
 *
 * The steps (the guide's order): deploy `migration-3`; check `tempo_live_store_ready` = 1 and
 * zero `tempo_block_builder_fetch_errors_total`; point the collectors at 3.0 (here: the
 * `migration-3` gateway; `migration-2x` has no collector of its own, its senders are switched);
 * wait for the 2.x ingesters to flush (`max_block_duration` + `complete_block_timeout`); scale
 * the 2.x compactor to 0 and set `compactionDisabled: false` in `migration-3`; then delete
 * `migration-2x` (never the bucket). The 2.x blocks age out under 3.0's retention.
 *
 * Note: the issue that asked for this example says the 2.x side is the one with
 * `compaction_disabled`; the upstream guide (and `tempo-cli migrate config`, which writes
 * `compaction_disabled: true` into the 3.0 config) disables it on 3.0 while 2.x compactors run.
 * This example follows the upstream guide.
 */
import { CollectorSampling, defineEnvironment, KafkaCluster, Memcached, TempoStorage } from '../index';

/** The bucket both deployments read; one IAM role with access to it. */
const sharedBucket = () =>
  TempoStorage.s3({
    bucket: 'acme-tempo-traces',
    endpoint: 's3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/acme-tempo' },
  });
const retention = '168h';
const tenants = { 'team-a': { ingestionRateLimitBytes: 20_000_000, ingestionBurstSizeBytes: 30_000_000 } };

export const migration2x = defineEnvironment({
  name: 'migration-2x',
  source: 'examples/migration.ts',
  namespace: 'tracing-2x',
  tempo: {
    version: '2.10',
    distributed: { distributor: { replicas: 2 }, ingester: { replicas: 3 }, querier: { replicas: 2 } },
    storage: sharedBucket(),
    retention,
    // The 2.x deployment already queries through the platform team's memcached (not deployed
    // here): referenced by its SRV name, port and pods, so the NetworkPolicy lets Tempo reach it.
    caches: [
      {
        memcached: Memcached.existing({
          host: 'memcached.cache.svc.cluster.local',
          service: 'memcache',
          port: 11211,
          servers: { namespace: 'cache', podLabels: { 'app.kubernetes.io/name': 'memcached' } },
          memoryMiB: 8192,
        }),
      },
    ],
    multitenancy: true,
    tenants,
  },
  collector: false,
  grafana: { tenant: 'team-a' },
  gitops: false,
});

export const migration3 = defineEnvironment({
  name: 'migration-3',
  source: 'examples/migration.ts',
  namespace: 'tracing-3',
  tempo: {
    microservices: { kafka: KafkaCluster.strimzi({ namespace: 'kafka-tempo3' }) },
    storage: sharedBucket(),
    retention,
    // 3.0 gets a pool of its own beside it (its keys are block IDs of the shared bucket).
    caches: [{ memcached: Memcached.deploy() }],
    multitenancy: true,
    tenants,
    // Until the 2.x compactor is scaled to 0 (then set false and re-synth).
    compactionDisabled: true,
  },
  collector: { sampling: CollectorSampling.keepAll(), tenant: 'team-a' },
  grafana: { tenant: 'team-a' },
  gitops: false,
});
