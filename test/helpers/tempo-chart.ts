/**
 * A Tempo chart alone, for the tests of one Tempo feature: S3 with workload identity, an existing
 * Kafka of `partitions` partitions, and the rendered objects with the parsed `tempo.yaml`.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { TempoChart } from '../../charts/tempo-chart';
import { KafkaCluster } from '../../constructs/kafka/kafka-cluster';
import type { TempoProps } from '../../constructs/tempo/tempo';
import { TempoStorage } from '../../constructs/tempo/tempo-storage';

export const s3 = () =>
  TempoStorage.s3({
    bucket: 'traces',
    endpoint: 's3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/t' },
  });

/**
 * An existing Kafka of `partitions` partitions, with `extra` (TLS, SASL, other brokers) on top:
 * untyped, as the bad-input tests give what a user might.
 */
export const kafka = (partitions = 2, extra: object = {}) =>
  KafkaCluster.existing({
    bootstrapServers: 'kafka-bootstrap.data.svc.cluster.local:9092',
    topic: 'tempo',
    partitions,
    brokers: { namespace: 'data', podLabels: { app: 'kafka' } },
    ...extra,
  });

/** Renders Tempo in namespace `tracing` on `s3()`, with `tempo` on top. */
export function synthTempo(tempo: TempoProps) {
  const chart = new TempoChart(Testing.app(), 'tempo', {
    namespace: 'tracing',
    tempo: { storage: s3(), ...tempo },
  });
  const manifests = Testing.synth(chart) as any[];
  const find = (kind: string, name: string) =>
    manifests.find((m) => m.kind === kind && m.metadata.name === name);
  const config = parse(find('ConfigMap', 'tempo-config').data['tempo.yaml']);
  return { manifests, find, config, tempo: chart.tempo };
}
