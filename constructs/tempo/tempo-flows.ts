/**
 * Tempo's flows (docs/network.md): who may query and scrape it, how its components reach each
 * other, and whom it calls (DNS, object storage, remote write). Who sends it traces is declared by
 * the senders (collectors) and by the stack (applications).
 */
import {
  API_SERVER_PORTS,
  Connections,
  DNS_PORTS,
  ExternalPeer,
  FlowPort,
  hostPeer,
  Peers,
  PodGroup,
  tcp,
  urlPeer,
} from '../common/flows';
import { MEMCACHED_EXPORTER_PORT, MEMCACHED_PORT } from '../memcached/memcached';
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
  const operator = tempo.rolloutOperator?.podGroup;
  const pools = tempo.caches.flatMap((x) => (x.pool ? [x.pool.podGroup] : []));
  const c = new Connections([
    ...(distributed ? [all, ...groups, ...(operator ? [operator] : [])] : groups),
    ...pools,
  ]);
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
  // The query caches: each component that reads or writes a role reaches that role's pool on
  // memcached's port, nothing else does; Prometheus scrapes a deployed pool's exporter.
  for (const cache of tempo.caches) {
    const w = cache.wiring;
    // An existing pool's pods are not this stack's: reached by namespace and labels on its port.
    const existing: ExternalPeer = {
      kind: 'pods',
      name: 'memcached-servers',
      namespace: w.peer.namespace,
      labels: w.peer.podLabels,
    };
    const clients = new Set(cache.roles.flatMap((role) => cacheClients(s, role)));
    for (const client of [...clients].sort()) {
      const group = distributed ? component(client) : all;
      if (!group) continue;
      const purpose = `memcached: ${cache.roles.filter((r) => cacheClients(s, r).includes(client)).join(', ')}`;
      if (cache.pool) c.allowTo(group, cache.pool.podGroup, [MEMCACHED_PORT.name], purpose);
      else c.allowTo(group, existing, tcp(w.port), purpose);
    }
    if (cache.pool)
      c.allowFrom(
        cache.pool.podGroup,
        Peers.prometheus,
        [MEMCACHED_EXPORTER_PORT.name],
        'Prometheus scrapes the memcached exporter',
      );
  }
  // The rollout-operator (3.0 microservices): it watches and changes pods and StatefulSets through
  // the API server, the API server calls its admission webhooks (prepare-downscale, pod eviction)
  // on 8443, and it calls the live-stores' HTTP port
  // (`/live-store/prepare-downscale` on each pod a scale-in removes).
  if (operator) {
    c.allowTo(operator, Peers.dns, DNS_PORTS, 'DNS');
    c.allowTo(operator, Peers.kubernetesApi, API_SERVER_PORTS, 'Kubernetes API (pods, StatefulSets, ZPDBs)');
    c.allowFrom(operator, Peers.kubernetesApi, ['https'], 'API server calls the admission webhooks');
    c.allowFrom(operator, Peers.prometheus, ['http-metrics'], 'Prometheus scrapes the rollout-operator');
    for (const ls of s.components.filter((x) => x.rollout))
      c.allowTo(operator, component(ls.component)!, ['http'], 'prepare-downscale of live-stores');
  }
  return c;
}

/**
 * The components that issue requests for a cache role (so need a flow to its pool). Reads: the
 * backend roles in the queriers and the compactors (2.10 compactor, 3.0 backend-worker), which
 * open blocks through the cached reader (`tempodb/backend/cache/cache.go`); writes: blooms and
 * trace-ID indexes are stored as blocks are written (`tempodb/encoding/vparquet4/copy.go and its siblings`), by
 * the 3.0 block-builders and backend-workers, the 2.10 ingesters and compactor; frontend-search
 * in the query-frontend (`modules/frontend/frontend.go`). The 3.0 microservices live-store has no
 * store, so no cache (`cmd/tempo/app/modules.go` deps at v3.0.3). The single binary does all.
 */
function cacheClients(s: Tempo['settings'], role: string): string[] {
  if (s.mode !== 'distributed') return ['single-binary'];
  const compacter = s.line === '3.0' ? 'backend-worker' : 'compactor';
  const writers = s.line === '3.0' ? ['block-builder', 'backend-worker'] : ['ingester', 'compactor'];
  switch (role) {
    case 'frontend-search':
      return ['query-frontend'];
    case 'bloom':
    case 'trace-id-index':
      return ['querier', ...writers];
    default:
      return ['querier', compacter];
  }
}
