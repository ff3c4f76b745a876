/**
 * The Strimzi objects of `KafkaCluster.strimzi()`: a KRaft `Kafka` with one combined
 * controller+broker `KafkaNodePool` and the `KafkaTopic` Tempo writes to (API
 * `kafka.strimzi.io/v1`, Strimzi 0.51.0; shape as in the operator's
 * `packaging/examples/kafka/kafka-with-dual-role-nodes.yaml` and `examples/topic/kafka-topic.yaml`).
 *
 * Replication 3 with `min.insync.replicas` 2 (Tempo's sizing guide), so one node can be down
 * while writes still need two copies. The `plain` listener admits only Tempo's pods
 * (`networkPolicyPeers`: Strimzi turns them into the listener's NetworkPolicy). No `KafkaUser`:
 * Strimzi's listeners authenticate with SCRAM-SHA-512, TLS or custom mechanisms, and Tempo 3.0.3
 * speaks SASL/PLAIN only, so a user could not log in (see `kafka-cluster.ts`).
 */
import { Construct } from 'constructs';
import {
  Kafka,
  KafkaNodePool,
  KafkaNodePoolSpecRoles,
  KafkaNodePoolSpecStorageType,
  KafkaNodePoolSpecStorageVolumesType,
  KafkaNodePoolSpecStorageVolumesKraftMetadata,
  KafkaNodePoolSpecResourcesLimits,
  KafkaNodePoolSpecResourcesRequests,
  KafkaSpecKafkaListenersType,
  KafkaTopic,
} from '../../imports/kafka.strimzi.io';
import { standardLabels } from '../../lib/labels';
import { VERSIONS } from '../../lib/versions';
import { STRIMZI_REPLICATION, StrimziKafkaSettings } from './kafka-cluster';

export interface StrimziKafkaObjectsProps {
  readonly settings: StrimziKafkaSettings;
  /** Namespace and pod labels of the Kafka clients (Tempo's pods). */
  readonly clients: { readonly namespace: string; readonly podLabels: Record<string, string> };
}

export class StrimziKafkaObjects extends Construct {
  constructor(scope: Construct, id: string, props: StrimziKafkaObjectsProps) {
    super(scope, id);
    const s = props.settings;
    const labels = standardLabels({
      name: 'kafka',
      instance: s.name,
      component: 'kafka',
      version: VERSIONS.kafka,
    });
    const cluster = { 'strimzi.io/cluster': s.name };
    new KafkaNodePool(this, 'NodePool', {
      metadata: { name: 'dual-role', namespace: s.namespace, labels: { ...labels, ...cluster } },
      spec: {
        replicas: s.replicas,
        roles: [KafkaNodePoolSpecRoles.CONTROLLER, KafkaNodePoolSpecRoles.BROKER],
        storage: {
          type: KafkaNodePoolSpecStorageType.JBOD,
          volumes: [
            {
              id: 0,
              type: KafkaNodePoolSpecStorageVolumesType.PERSISTENT_HYPHEN_CLAIM,
              size: s.storageSize,
              ...(s.storageClassName ? { class: s.storageClassName } : {}),
              // KRaft metadata on the same volume as the log.
              kraftMetadata: KafkaNodePoolSpecStorageVolumesKraftMetadata.SHARED,
              deleteClaim: false,
            },
          ],
        },
        resources: {
          requests: {
            cpu: KafkaNodePoolSpecResourcesRequests.fromString('1'),
            memory: KafkaNodePoolSpecResourcesRequests.fromString('4Gi'),
          },
          limits: {
            cpu: KafkaNodePoolSpecResourcesLimits.fromString('2'),
            memory: KafkaNodePoolSpecResourcesLimits.fromString('4Gi'),
          },
        },
      },
    });
    new Kafka(this, 'Kafka', {
      metadata: { name: s.name, namespace: s.namespace, labels },
      spec: {
        kafka: {
          version: VERSIONS.kafka,
          metadataVersion: VERSIONS.kafkaMetadataVersion,
          listeners: [
            {
              name: 'plain',
              port: 9092,
              type: KafkaSpecKafkaListenersType.INTERNAL,
              tls: false,
              networkPolicyPeers: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': props.clients.namespace },
                  },
                  podSelector: { matchLabels: props.clients.podLabels },
                },
              ],
            },
          ],
          // Brokers spread over zones; Strimzi sets broker.rack from the node's zone label.
          rack: { topologyKey: 'topology.kubernetes.io/zone' },
          config: {
            'default.replication.factor': STRIMZI_REPLICATION.replicas,
            'min.insync.replicas': STRIMZI_REPLICATION.minInSyncReplicas,
            'offsets.topic.replication.factor': STRIMZI_REPLICATION.replicas,
            'transaction.state.log.replication.factor': STRIMZI_REPLICATION.replicas,
            'transaction.state.log.min.isr': STRIMZI_REPLICATION.minInSyncReplicas,
            // Topics come from KafkaTopic objects only (Tempo's auto-creation is off too).
            'auto.create.topics.enable': false,
          },
        },
        entityOperator: { topicOperator: {} },
      },
    });
    new KafkaTopic(this, 'Topic', {
      metadata: { name: s.topic, namespace: s.namespace, labels: { ...labels, ...cluster } },
      spec: {
        partitions: s.partitions,
        replicas: STRIMZI_REPLICATION.replicas,
        config: {
          'retention.ms': s.retention.milliseconds,
          'min.insync.replicas': STRIMZI_REPLICATION.minInSyncReplicas,
        },
      },
    });
  }
}
