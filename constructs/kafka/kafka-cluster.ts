/**
 * The Kafka that Tempo 3.0's microservices write to and read from, by typed reference: either a
 * cluster that already exists (`KafkaCluster.existing`) or one this app declares through the
 * Strimzi operator (`KafkaCluster.strimzi`). An environment never holds a hostname string for
 * Tempo; it holds one of these, and Tempo, its NetworkPolicies and the capacity plan read the
 * address, topic, partition count and credentials from it.
 *
 * What Tempo 3.0.3's Kafka client can do (grafana/tempo v3.0.3 `pkg/ingest/config.go`,
 * `pkg/ingest/writer_client.go`): one seed address (`kgo.SeedBrokers(cfg.Address)`), SASL/PLAIN
 * only (`plain.Plain`, no SCRAM, no OAUTHBEARER), and no TLS settings at all. Anything else is
 * refused here, at synth time, instead of failing in the pod.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ConfigError, show } from '../../lib/errors';
import {
  checkDnsLabel,
  checkDnsSubdomain,
  checkPort,
  checkPositiveInteger,
  checkResourceQuantity,
  checkSecretKey,
} from '../../lib/validate';
import type { DnsSubdomain, StorageQuantity } from '../../lib/input-types';
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';

/** A key of an existing Secret in Tempo's namespace. */
export interface KafkaSecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface KafkaSaslProps {
  /** The only mechanism Tempo 3.0.3 implements (`pkg/ingest/writer_client.go`). @default 'plain' */
  readonly mechanism?: 'plain';
  /** Secret key holding the SASL username. */
  readonly username: KafkaSecretKeyRef;
  /** Secret key holding the SASL password. */
  readonly password: KafkaSecretKeyRef;
}

/** Where the broker pods are (namespace and labels), for the Kafka clients' egress NetworkPolicy. */
export interface KafkaBrokerPeer {
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
}

export interface ExistingKafkaProps {
  /** One bootstrap address `host:port` (Tempo takes a single seed broker). */
  readonly bootstrapServers: string;
  /** The topic Tempo writes to (created beforehand; Tempo's auto-creation is turned off). */
  readonly topic: string;
  /** Partitions of the topic: bounds live-stores per zone and block-builders. */
  readonly partitions: number;
  /** TLS to the brokers. Tempo 3.0.3 has no Kafka TLS settings, so only `false` is accepted. @default false */
  readonly tls?: boolean;
  /** SASL/PLAIN credentials, from Secret references only. @default - no authentication */
  readonly sasl?: KafkaSaslProps;
  /** Where the brokers run, for the NetworkPolicy that lets Tempo reach them. */
  readonly brokers: KafkaBrokerPeer;
}

export interface StrimziKafkaProps {
  /** Name of the `Kafka` resource (and prefix of its pools and Services). @default 'tempo-kafka' */
  readonly name?: string;
  /**
   * Namespace of the Kafka objects; the Strimzi cluster operator must watch it. Kept apart from
   * Tempo's namespace so the brokers' own traffic is governed by Strimzi's NetworkPolicies.
   * @default 'kafka'
   */
  readonly namespace?: string;
  /** @default 'tempo-traces' */
  readonly topic?: string;
  /** Topic partitions. @default - from Tempo's capacity plan (ingest MB/s), else 2 */
  readonly partitions?: number;
  /** Nodes of the combined controller+broker pool (replication 3 needs 3). @default 3 */
  readonly replicas?: number;
  /** How long records stay in Kafka (`retention.ms`); at least 40m, 24h recommended. @default '24h' */
  readonly retention?: DurationInput;
  /** Size of each node's volume. @default - from the plan (ingest MB/s × retention × 3 replicas / nodes, +30 %), at least 20Gi */
  readonly storageSize?: StorageQuantity;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: DnsSubdomain;
  /**
   * Client authentication. Strimzi listeners offer `scram-sha-512`, `tls` and `custom`; Tempo
   * 3.0.3 speaks SASL/PLAIN only, so the only setting that works with Tempo is `'none'` (the
   * listener is then restricted to Tempo's pods by `networkPolicyPeers`).
   * @default 'none'
   */
  readonly authentication?: 'none' | 'scram-sha-512';
}

/** What Tempo needs from a Kafka, after validation. */
export interface KafkaWiring {
  readonly address: string;
  readonly topic: string;
  readonly partitions: number;
  /** Env vars for `${TEMPO_KAFKA_SASL_*}` placeholders (empty without SASL). */
  readonly env: k8s.EnvVar[];
  /** `ingest.kafka.sasl_*` values (placeholders) or undefined. */
  readonly sasl?: { readonly username: string; readonly password: string };
  readonly port: number;
  readonly peer: KafkaBrokerPeer;
}

/** Env var names Tempo reads the SASL credentials from (`-config.expand-env=true`). */
export const KAFKA_SASL_ENV = {
  username: 'TEMPO_KAFKA_SASL_USERNAME',
  password: 'TEMPO_KAFKA_SASL_PASSWORD',
} as const;

/** Kafka's topic name rule: 1–249 of [a-zA-Z0-9._-]. */
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const HOST_PORT =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*|\d{1,3}(\.\d{1,3}){3}):(\d{1,5})$/;

function checkTopic(topic: string, property: string): string {
  if (typeof topic !== 'string' || !TOPIC.test(topic) || topic === '.' || topic === '..') {
    throw new ConfigError(
      property,
      `${show(topic)} is not a valid Kafka topic name; use 1 to 249 of a-z A-Z 0-9 . _ -`,
    );
  }
  return topic;
}

function checkSecretRef(ref: unknown, property: string): KafkaSecretKeyRef {
  if (typeof ref === 'string') {
    throw new ConfigError(
      property,
      'a literal credential is not allowed (dist/ is committed to git); give a Secret reference { name, key }',
    );
  }
  const r = ref as KafkaSecretKeyRef | undefined;
  if (!r || typeof r !== 'object')
    throw new ConfigError(property, 'is missing; give a Secret reference { name, key }');
  checkDnsSubdomain(r.name, `${property}.name`);
  checkSecretKey(r.key, `${property}.key`);
  return { name: r.name, key: r.key };
}

/** The Kafka of Tempo's write path. */
export abstract class KafkaCluster {
  /** A Kafka-compatible cluster that already exists (MSK, Confluent, Redpanda, a Strimzi elsewhere …). */
  public static existing(props: ExistingKafkaProps): ExistingKafkaCluster {
    return new ExistingKafkaCluster(props);
  }

  /** A KRaft Kafka declared through the Strimzi 0.51 operator: `Kafka`, `KafkaNodePool`, `KafkaTopic`. */
  public static strimzi(props: StrimziKafkaProps = {}): StrimziKafkaCluster {
    return new StrimziKafkaCluster(props);
  }

  /** Validated wiring; `plannedPartitions` comes from Tempo's capacity plan. */
  public abstract wiring(property: string, plannedPartitions?: number): KafkaWiring;
}

export class ExistingKafkaCluster extends KafkaCluster {
  constructor(private readonly props: ExistingKafkaProps) {
    super();
  }

  public wiring(property: string): KafkaWiring {
    const p = this.props;
    const address = p.bootstrapServers;
    if (typeof address !== 'string' || address.includes(',')) {
      throw new ConfigError(
        `${property}.bootstrapServers`,
        `${show(address)}: Tempo 3.0.3 takes one seed broker (ingest.kafka.address); give one bootstrap address host:port, e.g. a bootstrap Service`,
      );
    }
    const m = HOST_PORT.exec(address);
    if (!m)
      throw new ConfigError(
        `${property}.bootstrapServers`,
        `${show(address)} is not host:port; expected e.g. 'kafka-bootstrap.kafka.svc.cluster.local:9092'`,
      );
    const port = checkPort(Number(m[m.length - 1]), `${property}.bootstrapServers`);
    if (p.tls) {
      throw new ConfigError(
        `${property}.tls`,
        "Tempo 3.0.3's Kafka client has no TLS settings (pkg/ingest/config.go); use a plaintext listener reachable only from Tempo (NetworkPolicy), or a TLS-terminating proxy beside the brokers",
      );
    }
    const partitions = checkPositiveInteger(p.partitions, `${property}.partitions`);
    const peer = p.brokers;
    if (!peer || typeof peer !== 'object' || !peer.podLabels || !Object.keys(peer.podLabels).length)
      throw new ConfigError(
        `${property}.brokers`,
        "is missing; give the brokers' { namespace, podLabels } so the NetworkPolicy lets Tempo's Kafka clients reach them",
      );
    checkDnsLabel(peer.namespace, `${property}.brokers.namespace`);
    return {
      address,
      topic: checkTopic(p.topic, `${property}.topic`),
      partitions,
      port,
      peer,
      ...resolveSasl(p.sasl, `${property}.sasl`),
    };
  }
}

function resolveSasl(sasl: KafkaSaslProps | undefined, property: string): Pick<KafkaWiring, 'env' | 'sasl'> {
  if (sasl === undefined) return { env: [] };
  if ((sasl.mechanism ?? 'plain') !== 'plain') {
    throw new ConfigError(
      `${property}.mechanism`,
      `${show(sasl.mechanism)} is not supported: Tempo 3.0.3 implements SASL/PLAIN only (pkg/ingest/writer_client.go); use 'plain'`,
    );
  }
  const username = checkSecretRef(sasl.username, `${property}.username`);
  const password = checkSecretRef(sasl.password, `${property}.password`);
  const env = (name: string, ref: KafkaSecretKeyRef): k8s.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  });
  return {
    env: [env(KAFKA_SASL_ENV.username, username), env(KAFKA_SASL_ENV.password, password)],
    sasl: { username: `\${${KAFKA_SASL_ENV.username}}`, password: `\${${KAFKA_SASL_ENV.password}}` },
  };
}

/** Resolved Strimzi settings (see `StrimziKafkaCluster.resolve`). */
export interface StrimziKafkaSettings {
  readonly name: string;
  readonly namespace: string;
  readonly topic: string;
  readonly partitions: number;
  readonly replicas: number;
  readonly retention: GoDuration;
  readonly storageSize: string;
  readonly storageClassName?: string;
}

/** Replication the topic is created with, and the in-sync replicas a write needs. */
export const STRIMZI_REPLICATION = { replicas: 3, minInSyncReplicas: 2 } as const;
const MIN_RETENTION = GoDuration.minutes(40);

export class StrimziKafkaCluster extends KafkaCluster {
  private resolved?: StrimziKafkaSettings;

  constructor(private readonly props: StrimziKafkaProps) {
    super();
  }

  /** Validated settings; `plannedPartitions` and `ingestMBps` come from Tempo's capacity plan. */
  public resolve(property: string, plannedPartitions?: number, ingestMBps?: number): StrimziKafkaSettings {
    const p = this.props;
    if ((p.authentication ?? 'none') !== 'none') {
      throw new ConfigError(
        `${property}.authentication`,
        `${show(p.authentication)}: Strimzi's scram-sha-512 listener cannot authenticate Tempo 3.0.3, which speaks SASL/PLAIN only (pkg/ingest/writer_client.go); use 'none' (the listener then admits only Tempo's pods), or KafkaCluster.existing with a SASL/PLAIN listener`,
      );
    }
    const name = checkDnsLabel(p.name ?? 'tempo-kafka', `${property}.name`, 40);
    const namespace = checkDnsLabel(p.namespace ?? 'kafka', `${property}.namespace`);
    const topic = checkTopic(p.topic ?? 'tempo-traces', `${property}.topic`);
    if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(topic))
      throw new ConfigError(
        `${property}.topic`,
        `${show(topic)} must also be a Kubernetes name for its KafkaTopic; use lowercase letters, digits, '-' and '.'`,
      );
    const partitions = checkPositiveInteger(p.partitions ?? plannedPartitions ?? 2, `${property}.partitions`);
    const replicas = checkPositiveInteger(p.replicas ?? 3, `${property}.replicas`);
    if (replicas < STRIMZI_REPLICATION.replicas) {
      throw new ConfigError(
        `${property}.replicas`,
        `${replicas} nodes cannot hold ${STRIMZI_REPLICATION.replicas} replicas with ${STRIMZI_REPLICATION.minInSyncReplicas} in sync; run at least ${STRIMZI_REPLICATION.replicas}`,
      );
    }
    const retention = toDuration(p.retention ?? '24h', `${property}.retention`);
    if (retention.compare(MIN_RETENTION) < 0) {
      throw new ConfigError(
        `${property}.retention`,
        `${show(retention.toString())} is below 40m, the shortest Tempo's sizing guide allows (block-builders and live-stores replay from Kafka); use 24h`,
      );
    }
    let storageSize = p.storageSize;
    if (storageSize !== undefined) checkResourceQuantity('storage', storageSize, `${property}.storageSize`);
    else {
      const mbps = ingestMBps ?? 1;
      // Every record is stored on `replicas` nodes of the 3 replicas; 30 % for segments and index.
      const gb =
        ((mbps * (retention.milliseconds / 1000) * STRIMZI_REPLICATION.replicas) / replicas / 1000) * 1.3;
      storageSize = `${Math.max(20, Math.ceil(gb / 10) * 10)}Gi`;
    }
    if (p.storageClassName !== undefined)
      checkDnsSubdomain(p.storageClassName, `${property}.storageClassName`);
    this.resolved = {
      name,
      namespace,
      topic,
      partitions,
      replicas,
      retention,
      storageSize,
      storageClassName: p.storageClassName,
    };
    return this.resolved;
  }

  public wiring(property: string, plannedPartitions?: number): KafkaWiring {
    const s = this.resolved ?? this.resolve(property, plannedPartitions);
    return {
      // Strimzi's bootstrap Service of the `plain` listener.
      address: `${s.name}-kafka-bootstrap.${s.namespace}.svc.cluster.local:9092`,
      topic: s.topic,
      partitions: s.partitions,
      env: [],
      port: 9092,
      // Labels Strimzi puts on broker pods (operator-common `Labels.java`).
      peer: {
        namespace: s.namespace,
        podLabels: { 'strimzi.io/cluster': s.name, 'strimzi.io/broker-role': 'true' },
      },
    };
  }
}
