import { parse } from 'yaml';
import { KafkaCluster } from '../constructs/kafka/kafka-cluster';
import { planCapacity } from '../constructs/tempo/capacity';
import { TempoProps } from '../constructs/tempo/tempo';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { PROD, PROD_CAPACITY, renderStack } from './fixtures/stacks';
import { expectTempoConfigsAccepted } from './helpers/environment-checks';
import { EXAMPLES } from '../examples';
import { buildEnvironment, EnvironmentCharts } from '../charts/environment';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { kafka, s3, synthTempo as synth } from './helpers/tempo-chart';
import { validateAll } from './helpers/k8s-schema';
import { restrictedViolations, selectorViolations } from './helpers/invariants';
import { tempoConfigProblems } from './helpers/tempo-schema';

describe('Tempo 3.0 capacity model (size.md, hand-computed)', () => {
  test('100K spans/s × 1 KB at 10 % tail sampling, 30 % headroom: 13 MB/s', () => {
    const p = planCapacity({ spansPerSecond: 100_000, samplingPercent: 10, decisionWaitSeconds: 10 });
    expect(p.samplingPercent).toBe(10);
    expect(p.tempoMBps).toBeCloseTo(13);
    // partitions: max(13/8 → 2, 13/10 → 2, 2) = 2; a live-store per partition and zone; a
    // block-builder per partition; distributor 13/10 → 2; querier 13/1.5 → 9; backend-worker 13/5 → 3.
    expect(p.partitions).toBe(2);
    expect(
      [
        p.distributor,
        p.liveStore,
        p.blockBuilder,
        p.querier,
        p.queryFrontend,
        p.backendScheduler,
        p.backendWorker,
      ].map((c) => c.replicas),
    ).toEqual([2, 2, 2, 9, 2, 1, 3]);
    expect(p.liveStore.requests).toEqual({ cpu: '1', memory: '8Gi' });
    expect(p.blockBuilder.requests).toEqual({ cpu: '500m', memory: '6Gi' });
    expect(p.backendScheduler.requests).toEqual({ cpu: '500m', memory: '1Gi' });
    // The decision wait of the sampler sizes the gateway buffer: 2 × 1,444 traces/s × 10 s.
    expect(p.gateway.numTraces).toBe(29_000);
    expect(
      planCapacity({ spansPerSecond: 100_000, samplingPercent: 10, decisionWaitSeconds: 20 }).gateway
        .numTraces,
    ).toBe(58_000);
  });

  test('partitions grow with MB/s (8 MB/s per live-store, 10 MB/s per partition)', () => {
    const p = planCapacity({
      spansPerSecond: 1_000_000,
      samplingPercent: 10,
      headroom: 0,
    });
    // 100 MB/s → 100/8 = 12.5 → 13 partitions (each 7.7 MB/s, under Kafka's 10).
    expect(p.partitions).toBe(13);
    expect(p.distributor.replicas).toBe(10);
    expect(p.reasons[0]).toBe(
      'Tempo receives 1,000,000 spans/s × 1000 B × 10 % = 100 MB/s; with 0 % headroom 100 MB/s',
    );
  });

  test('a gateway that does not tail-sample holds no traces: sized by throughput, no tail-sampling lines', () => {
    const tail = planCapacity({ spansPerSecond: 100_000, samplingPercent: 10 });
    const none = planCapacity({ spansPerSecond: 100_000, samplingPercent: 100, tailSampling: false });
    // Same spans before sampling, so the same replicas; memory is the 512 MiB base, rounded up.
    expect(none.gateway.replicas).toBe(tail.gateway.replicas);
    expect(tail.gateway.requests.memory).toBe('2Gi');
    expect(none.gateway.requests.memory).toBe('1Gi');
    expect(none.reasons.filter((r) => /num_traces|tail sampling:/.test(r))).toEqual([]);
    expect(none.reasons).toContain(
      'collector gateway: 9 (130,000 spans/s before sampling at 15,000 per replica; no tail sampling, so no traces held: the 512 MiB base)',
    );
    expect(tail.reasons.some((r) => r.startsWith('collector gateway tail sampling:'))).toBe(true);
  });

  test('a stack that states its traffic once (prod-like): the plan sizes for the sampling its collector deploys', () => {
    const prod = renderStack(PROD);
    const gateway = parse(
      prod.manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'otel-gateway-config').data[
        'collector.yaml'
      ],
    ).processors.tail_sampling;
    const rest = gateway.policies.find((p: any) => p.type === 'probabilistic').probabilistic;
    expect(rest.sampling_percentage).toBe(PROD_CAPACITY.samplingPercent);
    expect(gateway.decision_wait).toBe(`${PROD_CAPACITY.decisionWaitSeconds}s`);
    expect(prod.file('SUMMARY.md')).toContain(
      `Tempo receives 100,000 spans/s × 1000 B × ${PROD_CAPACITY.samplingPercent} % = `,
    );
  });
});

describe('Tempo 3.0 microservices on Kafka', () => {
  const d = synth({
    microservices: { kafka: kafka(4), zones: ['eu-west-1a', 'eu-west-1b'] },
    multitenancy: true,
    metricsGenerator: { remoteWrite: [{ url: 'http://p:9090/api/v1/write' }] },
  });
  const workloads = d.manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind));

  test('one workload per -target; live-stores in two zones; exactly one backend-scheduler', () => {
    expect(
      workloads
        .map(
          (w) =>
            `${w.kind}/${w.metadata.name}=${w.spec.replicas ?? 'HPA'} ${w.spec.template.spec.containers[0].args.filter((a: string) => a.startsWith('-target') || a.startsWith('-live-store')).join(' ')}`,
        )
        .sort(),
    ).toEqual([
      'Deployment/tempo-backend-worker=2 -target=backend-worker',
      'Deployment/tempo-distributor=2 -target=distributor',
      'Deployment/tempo-querier=2 -target=querier',
      'Deployment/tempo-query-frontend=2 -target=query-frontend',
      'Deployment/tempo-rollout-operator=1 ',
      'StatefulSet/tempo-backend-scheduler=1 -target=backend-scheduler',
      'StatefulSet/tempo-block-builder=4 -target=block-builder',
      'StatefulSet/tempo-live-store-zone-a=4 -target=live-store -live-store.instance-availability-zone=zone-a',
      'StatefulSet/tempo-live-store-zone-b=4 -target=live-store -live-store.instance-availability-zone=zone-b',
      'StatefulSet/tempo-metrics-generator=1 -target=metrics-generator',
    ]);
  });

  test('tempo.yaml passes the 3.0.3 key model: Kafka, assigned partitions, scheduler address, no ingester', () => {
    expect(tempoConfigProblems(d.config, '3.0.3')).toEqual([]);
    expect(d.config.target).toBeUndefined();
    expect(d.config.ingest.kafka).toEqual({
      address: 'kafka-bootstrap.data.svc.cluster.local:9092',
      topic: 'tempo',
      auto_create_topic_enabled: false,
    });
    expect(d.config.block_builder.assigned_partitions).toEqual({
      'tempo-block-builder-0': [0],
      'tempo-block-builder-1': [1],
      'tempo-block-builder-2': [2],
      'tempo-block-builder-3': [3],
    });
    expect(d.config.backend_worker.backend_scheduler_addr).toBe(
      'tempo-backend-scheduler-headless.tracing.svc.cluster.local:9095',
    );
    for (const gone of ['ingester', 'ingester_client', 'compactor', 'metrics_generator_client'])
      expect(d.config[gone]).toBeUndefined();
  });

  test('fewer block-builders than partitions: each consumes whole partitions, all covered once', () => {
    const s = resolveTempoSettings({
      storage: s3(),
      microservices: { kafka: kafka(6), blockBuilder: { replicas: 4 } },
    });
    const assigned = Object.values(s.blockBuilderPartitions!).flat().sort();
    expect(assigned).toEqual([0, 1, 2, 3, 4, 5]);
    expect(s.blockBuilderPartitions!['tempo-block-builder-0']).toEqual([0, 4]);
  });

  test('live-store zones: pinned to their node zone, never on a node of the other zone, one zone-aware budget', () => {
    const a = d.find('StatefulSet', 'tempo-live-store-zone-a');
    expect(
      a.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
        .nodeSelectorTerms[0].matchExpressions,
    ).toEqual([{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a'] }]);
    expect(
      a.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]
        .labelSelector.matchLabels['app.kubernetes.io/component'],
    ).toBe('live-store-zone-b');
    // A per-zone PDB cannot see the other zone: the zone-aware budget replaces both.
    for (const zone of ['a', 'b'])
      expect(d.find('PodDisruptionBudget', `tempo-live-store-zone-${zone}`)).toBeUndefined();
    expect(d.find('ZoneAwarePodDisruptionBudget', 'tempo-live-store').spec.maxUnavailable).toBe(1);
    expect(d.find('PodDisruptionBudget', 'tempo-backend-scheduler')).toBeUndefined();
  });

  test('SASL/PLAIN credentials from Secret references only, expanded from the env', () => {
    const sasl = synth({
      microservices: {
        kafka: kafka(2, {
          sasl: {
            username: { name: 'kafka-user', key: 'username' },
            password: { name: 'kafka-user', key: 'password' },
          },
        }),
      },
    });
    expect(sasl.config.ingest.kafka).toMatchObject({
      sasl_username: '${TEMPO_KAFKA_SASL_USERNAME}',
      sasl_password: '${TEMPO_KAFKA_SASL_PASSWORD}',
    });
    const distributor = sasl.find('Deployment', 'tempo-distributor').spec.template.spec.containers[0];
    expect(distributor.args).toContain('-config.expand-env=true');
    expect(distributor.env).toContainEqual({
      name: 'TEMPO_KAFKA_SASL_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'kafka-user', key: 'password' } },
    });
    // Only Kafka clients get the credentials.
    expect(JSON.stringify(sasl.find('Deployment', 'tempo-querier'))).not.toContain('TEMPO_KAFKA_SASL');
  });

  test('objects are valid, restricted, with stable selectors', () => {
    expect(validateAll(d.manifests)).toEqual([]);
    expect(restrictedViolations(d.manifests)).toEqual([]);
    expect(selectorViolations(d.manifests)).toEqual([]);
  });
});

describe('Strimzi Kafka', () => {
  const d = synth({
    microservices: {
      kafka: KafkaCluster.strimzi({ retention: '24h' }),
      capacity: { spansPerSecond: 100_000, samplingPercent: 10 },
    },
  });
  const kafka = d.manifests.find((m) => m.kind === 'Kafka');
  const topic = d.manifests.find((m) => m.kind === 'KafkaTopic');
  const pool = d.manifests.find((m) => m.kind === 'KafkaNodePool');

  test('KRaft Kafka, one dual-role pool, the topic sized from the plan; replication 3, 2 in sync, 24h', () => {
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.spec.kafka.config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'auto.create.topics.enable': false,
    });
    expect(pool.metadata.labels['strimzi.io/cluster']).toBe('tempo-kafka');
    expect(pool.spec.roles).toEqual(['controller', 'broker']);
    expect(topic.metadata.labels['strimzi.io/cluster']).toBe('tempo-kafka');
    expect(topic.spec).toMatchObject({
      partitions: 2,
      replicas: 3,
      config: { 'retention.ms': 86_400_000, 'min.insync.replicas': 2 },
    });
    // 13 MB/s × 86,400 s × 3 replicas / 3 nodes × 1.3 → 1,460 GB, rounded up to 10 Gi steps.
    expect(pool.spec.storage.volumes[0].size).toBe('1470Gi');
    expect(d.config.ingest.kafka.address).toBe('tempo-kafka-kafka-bootstrap.kafka.svc.cluster.local:9092');
  });

  test('the listener admits only Tempo pods; every Strimzi object passes its CRD strictly', () => {
    expect(kafka.spec.kafka.listeners[0].networkPolicyPeers).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tracing' } },
        podSelector: {
          matchLabels: { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': 'tempo' },
        },
      },
    ]);
    expect(validateAll([kafka, topic, pool])).toEqual([]);
    const typo = structuredClone(topic);
    typo.spec.partition = 3;
    expect(validateAll([typo]).join('\n')).toContain("'partition'");
  });
});

// Every environment's configs: the environment-level checks (test/helpers/environment-checks.ts).
describe('every example: the config its line accepts', () => {
  test.each(EXAMPLES.map((e) => [e.name, e] as const))('%s', (_name, env) => {
    let built!: EnvironmentCharts;
    const { manifests } = renderEnvironment(env, (scope, e) => (built = buildEnvironment(scope, e)));
    expectTempoConfigsAccepted(built, manifests);
  });
});

describe('Tempo 3.0 and 2.10 synth-time errors', () => {
  const t = (props: TempoProps) => () => resolveTempoSettings({ storage: s3(), ...props });

  test('a version the project does not support', () => {
    expectError(
      t({ version: '2.8' as any }),
      "tempo.version: '2.8' is not a supported Tempo line; use '3.0' (3.0.3, the default) or '2.10' (2.10.8, for clusters not yet migrated)",
    );
  });

  test('microservices without Kafka, or a hostname string instead of a KafkaCluster', () => {
    expectError(
      t({ microservices: {} as any }),
      'tempo.microservices.kafka: is missing; microservices write through Kafka: give KafkaCluster.existing({ bootstrapServers, topic, partitions, brokers }) or KafkaCluster.strimzi()',
    );
    expectError(
      t({ microservices: { kafka: 'kafka:9092' as any } }),
      "tempo.microservices.kafka: 'kafka:9092' is not a KafkaCluster; microservices write through Kafka: give KafkaCluster.existing({ bootstrapServers, topic, partitions, brokers }) or KafkaCluster.strimzi()",
    );
  });

  test('block-builders more than partitions', () => {
    expectError(
      t({ microservices: { kafka: kafka(2), blockBuilder: { replicas: 3 } } }),
      'tempo.microservices.blockBuilder.replicas: 3 is more than the 2 partitions in use (2 live-stores per zone; the topic has 2); each partition is consumed by exactly one block-builder, so run at most 2',
    );
  });

  test('live-stores not a multiple of the zones, or more per zone than partitions', () => {
    expectError(
      t({ microservices: { kafka: kafka(4), liveStore: { replicas: 3 } } }),
      'tempo.microservices.liveStore.replicas: 3 is not a multiple of the 2 zones; every partition has one live-store in each zone, so use an even number (e.g. 4)',
    );
    expectError(
      t({ microservices: { kafka: kafka(2), liveStore: { replicas: 6 } } }),
      'tempo.microservices.liveStore.replicas: 6 means 3 live-stores per zone but the Kafka topic has 2 partitions; each live-store owns one partition, so run at most 4 or add partitions first',
    );
  });

  test('more than one backend-scheduler; autoscaling the query-frontend or a partition owner', () => {
    expectError(
      t({ microservices: { kafka: kafka(4), backendScheduler: { replicas: 2 } } }),
      'tempo.microservices.backendScheduler.replicas: 2: exactly one backend-scheduler may run (it owns the compaction and retention job list; plan/size.md), so use 1',
    );
    expectError(
      t({
        microservices: {
          kafka: kafka(4),
          queryFrontend: { autoscaling: { minReplicas: 2, maxReplicas: 4 } },
        },
      }),
      'tempo.microservices.queryFrontend.autoscaling: is not supported: the query-frontend is kept at 2 replicas and scaled vertically (deployment-modes.md); raise its resources instead',
    );
    expectError(
      t({
        microservices: { kafka: kafka(4), liveStore: { autoscaling: { minReplicas: 2, maxReplicas: 4 } } },
      }),
      'tempo.microservices.liveStore.autoscaling: is not supported: it owns Kafka partitions (or the job list), so its replicas are set explicitly',
    );
  });

  test('Kafka credentials given as literals; TLS and SCRAM that Tempo 3.0.3 cannot speak', () => {
    expectError(
      t({
        microservices: {
          kafka: kafka(2, { sasl: { username: 'tempo', password: { name: 's', key: 'p' } } }),
        },
      }),
      'tempo.microservices.kafka.sasl.username: a literal credential is not allowed (dist/ is committed to git); give a Secret reference { name, key }',
    );
    expectError(
      t({ microservices: { kafka: kafka(2, { tls: true }) } }),
      "tempo.microservices.kafka.tls: Tempo 3.0.3's Kafka client has no TLS settings (pkg/ingest/config.go); use a plaintext listener reachable only from Tempo (NetworkPolicy), or a TLS-terminating proxy beside the brokers",
    );
    expectError(
      t({
        microservices: {
          kafka: kafka(2, {
            sasl: {
              mechanism: 'scram-sha-512',
              username: { name: 's', key: 'u' },
              password: { name: 's', key: 'p' },
            },
          }),
        },
      }),
      "tempo.microservices.kafka.sasl.mechanism: 'scram-sha-512' is not supported: Tempo 3.0.3 implements SASL/PLAIN only (pkg/ingest/writer_client.go); use 'plain'",
    );
    expectError(
      t({ microservices: { kafka: KafkaCluster.strimzi({ authentication: 'scram-sha-512' }) } }),
      "tempo.microservices.kafka.authentication: 'scram-sha-512': Strimzi's scram-sha-512 listener cannot authenticate Tempo 3.0.3, which speaks SASL/PLAIN only (pkg/ingest/writer_client.go); use 'none' (the listener then admits only Tempo's pods), or KafkaCluster.existing with a SASL/PLAIN listener",
    );
    expectError(
      t({ microservices: { kafka: kafka(2, { bootstrapServers: 'a:9092,b:9092' }) } }),
      "tempo.microservices.kafka.bootstrapServers: 'a:9092,b:9092': Tempo 3.0.3 takes one seed broker (ingest.kafka.address); give one bootstrap address host:port, e.g. a bootstrap Service",
    );
  });

  test('Strimzi retention below 40 minutes, too few nodes for replication 3', () => {
    expectError(
      t({ microservices: { kafka: KafkaCluster.strimzi({ retention: '30m' }) } }),
      "tempo.microservices.kafka.retention: '30m' is below 40m, the shortest Tempo's sizing guide allows (block-builders and live-stores replay from Kafka); use 24h",
    );
    expectError(
      t({ microservices: { kafka: KafkaCluster.strimzi({ replicas: 2 }) } }),
      'tempo.microservices.kafka.replicas: 2 nodes cannot hold 3 replicas with 2 in sync; run at least 3',
    );
  });

  test('options that exist only on the other line', () => {
    expectError(
      t({ distributed: { compactor: { replicas: 2 } } }),
      "tempo.distributed: exists only on Tempo 2.10; Tempo 3.0 has no ingesters or compactor: use tempo.microservices (Kafka, live-stores, block-builders, backend-scheduler and workers). Remove it, or set tempo.version: '2.10'",
    );
    expectError(
      t({ ingester: { maxBlockDuration: '5m' } }),
      "tempo.ingester: exists only on Tempo 2.10; Tempo 3.0 has no ingesters: the live-store cuts the blocks, use tempo.liveStore.maxBlockDuration, .maxBlockBytes and .maxTraceIdle. Remove it, or set tempo.version: '2.10'",
    );
    expectError(
      t({ metricsGenerator: { processors: ['local-blocks'] } }),
      "tempo.metricsGenerator.processors: 'local-blocks' is removed in Tempo 3.0 (block-builders and the live-store build blocks; migrate-to-3.md); remove it",
    );
    expectError(
      t({ version: '2.10', microservices: { kafka: kafka(4) } }),
      "tempo.microservices: exists only on Tempo 3.0 (Kafka write path); on 2.10 use tempo.distributed, or set tempo.version: '3.0'",
    );
    expectError(
      t({ version: '2.10', liveStore: { maxTraceIdle: '10s' } }),
      'tempo.liveStore: exists only on Tempo 3.0; on 2.10 the ingester holds recent traces (tempo.ingester)',
    );
  });

  test('Jaeger Thrift over UDP with multi-tenancy on', () => {
    expectError(
      t({ multitenancy: true, receivers: { jaegerThriftCompact: true } }),
      "tempo.receivers.jaegerThriftCompact: carries no X-Scope-OrgID header (Jaeger Thrift over UDP), so with multitenancy on Tempo drops every span sent there ('no org id'); send Jaeger spans over jaegerGrpc or jaegerThriftHttp with the header, or turn multitenancy off",
    );
    // Without multi-tenancy they may be asked for.
    expect(
      resolveTempoSettings({ receivers: { jaegerThriftBinary: true } }).ports.map((p) => p.name),
    ).toContain('jaeger-binary');
  });
});
