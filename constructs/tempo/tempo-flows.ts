/**
 * Tempo's flows (docs/network.md): who may query and scrape it, how its components reach each
 * other, and whom it calls (DNS, object storage, remote write). Who sends it traces is declared by
 * the senders (collectors) and by the stack (applications).
 */
import {
  Connections,
  DNS_PORTS,
  ExternalPeer,
  FlowPort,
  hostPeer,
  Peers,
  PodGroup,
  urlPeer,
} from '../common/flows';
import type { Tempo } from './tempo';
import { GOSSIP_PORT } from './tempo-settings';
import { AzureTempoStorage, GcsTempoStorage, S3TempoStorage, TempoStorage } from './tempo-storage';

/** The object-store endpoints a backend calls (none for local storage). */
export function objectStorePeers(
  storage: TempoStorage,
  namespace: string,
): { peer: ExternalPeer; ports: FlowPort[]; purpose: string }[] {
  const store = (host: string, port: number, purpose = 'object storage') => ({
    ...hostPeer(host, port, 'objectStorage', namespace),
    purpose,
  });
  if (storage instanceof S3TempoStorage) {
    const [host, port] = storage.props.endpoint.split(':');
    return [
      store(host!, port ? Number(port) : storage.props.insecure ? 80 : 443),
      // IRSA: the SDK exchanges the projected token at STS (regional endpoint).
      ...(storage.props.workloadIdentity
        ? [
            store(
              `sts.${storage.props.region ?? 'us-east-1'}.amazonaws.com`,
              443,
              'AWS STS (workload identity)',
            ),
          ]
        : []),
    ];
  }
  if (storage instanceof GcsTempoStorage) return [store('storage.googleapis.com', 443)];
  if (storage instanceof AzureTempoStorage) {
    const suffix = storage.props.endpointSuffix ?? 'blob.core.windows.net';
    return [store(`${storage.props.storageAccountName}.${suffix}`, 443)];
  }
  return [];
}

/** Tempo's connections, from the pod groups its workloads were built with. */
export function tempoConnections(tempo: Tempo, groups: readonly PodGroup[]): Connections {
  const s = tempo.settings;
  const distributed = s.mode === 'distributed';
  const component = (c: string) => groups.find((g) => g.selectorLabels['app.kubernetes.io/component'] === c);
  const port = (name: string) => s.ports.find((p) => p.name === name)!;
  // Distributed: one more group, every pod of the installation, for what they all do.
  const all: PodGroup = distributed
    ? {
        name: tempo.name,
        namespace: tempo.namespace,
        selectorLabels: tempo.selectorLabels,
        ports: [port('http'), port('grpc'), { name: 'gossip', port: GOSSIP_PORT, protocol: 'TCP' }],
      }
    : groups[0]!;
  const c = new Connections(distributed ? [all, ...groups] : groups);
  // Who queries (Grafana, or the query gateway in front of Tempo) is declared by the stack
  // (`planFlows`) against `tempo.queryGroup`.
  c.allowFrom(all, Peers.prometheus, ['http'], 'Prometheus scrapes /metrics');
  c.allowTo(all, Peers.dns, DNS_PORTS, 'DNS');
  // Components call each other over gRPC (writes to ingesters and generators, querier ↔
  // query-frontend) and gossip the ring over memberlist; nothing else reaches 7946.
  if (distributed) c.allowTo(all, all, ['grpc', 'gossip'], 'components: gRPC and memberlist gossip');
  for (const store of objectStorePeers(s.storageBackend, tempo.namespace))
    c.allowTo(all, store.peer, store.ports, store.purpose);
  const generator = distributed ? component('metrics-generator') : all;
  if (s.metricsGenerator && generator)
    s.metricsGenerator.remoteWrite.forEach((r, i) => {
      const rw = urlPeer(
        r.url,
        'remoteWrite',
        tempo.namespace,
        `tempo.metricsGenerator.remoteWrite[${i}].url`,
      );
      c.allowTo(generator, rw.peer, rw.ports, 'remote write of generated metrics');
    });
  // Tempo 3.0 microservices: only the Kafka clients (distributors, live-stores, block-builders,
  // metrics-generators) reach the brokers. The brokers are not pods of this stack (no policy is
  // written for them); a Strimzi Kafka admits these clients through its listener's
  // networkPolicyPeers in turn.
  if (s.kafka) {
    const k = s.kafka;
    const brokers: PodGroup = {
      name: 'kafka-brokers',
      namespace: k.peer.namespace,
      selectorLabels: k.peer.podLabels,
      ports: [{ name: 'kafka', port: k.port, protocol: 'TCP' }],
    };
    for (const client of s.components.filter((x) => x.kafkaClient)) {
      const group = component(client.component);
      if (group) c.allowTo(group, brokers, ['kafka'], 'Kafka: the write path');
    }
  }
  return c;
}
