import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { chartNamespace, NamedPort, servicePort, serviceHost } from '../../lib/k8s';
import { ComponentIdentity, standardLabels } from '../../lib/labels';
import { configChecksum } from '../../lib/pod-security';
import { secretFilesVolume } from '../../lib/secrets';
import { imageRef } from '../../lib/versions';
import {
  MetricsGeneratorProcessor,
  SERVICE_GRAPH_METRICS,
  ServiceGraphMetricNames,
  SPAN_METRICS,
  SpanMetricNames,
} from './generated-metrics';
import { balancedGrpcTarget, GrpcTarget, receiverPort, ServingPort } from '../common/receivers';
import { StrimziKafkaObjects } from '../kafka/strimzi-kafka';
import { ClusterTopology, renderTempoConfig, renderTenantOverrides, TEMPO_PATHS } from './tempo-config';
import type { TempoProps } from './tempo-props';
import type { Connections, FlowDeclaring, PodGroup } from '../common/flows';
import { tempoConnections } from './tempo-flows';
import { GOSSIP_PORT, resolveTempoSettings, TempoSettings } from './tempo-settings';
import { TempoWorkload } from './tempo-workload';
import { RolloutOperator } from './rollout-operator';
import { MemcachedWiring } from '../memcached/memcached';
import { MemcachedPool } from '../memcached/memcached-pool';
import type { TempoCacheRole } from './tempo-props';

export type * from './tempo-props';
export { TEMPO_UID } from './tempo-workload';

/**
 * Grafana Tempo, 3.0.3 by default or 2.10.8 (`version: '2.10'`). Monolithic (`target: all`, one
 * StatefulSet) or microservices (one workload per `-target`, memberlist over a headless gossip
 * Service; on 3.0 with Kafka as the write path, see `tempo-microservices-v3.ts`, on 2.10 with
 * ingesters, see `tempo-distributed-v2.ts`). Either way: one config and runtime-overrides
 * ConfigMap, a Service with every receiver (the monolithic binary, or the distributors), the
 * query API (the monolithic binary, or the query-frontend), and a ServiceAccount without a token
 * (carrying the storage backend's workload-identity annotation, if any). Each workload is a
 * `TempoWorkload` (probes, PDB, HPA, spread defined once).
 *
 * Other constructs wire to it by reference, identically in every mode: `tempo.otlpGrpcEndpoint`,
 * `tempo.queryUrl`, `tempo.selectorLabels`, `tempo.metricsPort`, `tempo.spanMetrics`, ….
 */
export class Tempo extends Construct implements FlowDeclaring {
  /** Resolved, validated settings (defaults applied). */
  public readonly settings: TempoSettings;
  public readonly name: string;
  public readonly namespace: string;
  /** Labels every Tempo pod of this installation carries (all components); stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  /** Every port the receiving pods listen on (API and receivers), from the receiver catalog. */
  public readonly ports: readonly ServingPort[];
  /** The port that serves `/metrics` (Tempo's HTTP port, on every component). */
  public readonly metricsPort: ServingPort;
  /** In-cluster DNS name of the Service with the receivers. */
  public readonly serviceHost: string;
  /** Base URL of the query API (`/api/search`, `/api/traces/<id>`), e.g. for Grafana. */
  public readonly queryUrl: string;
  /** In-cluster DNS name of the Service in front of the query API (query-frontend or monolith). */
  public readonly queryServiceHost: string;
  /**
   * Set when the HTTP API serves TLS (`serverTls`): the Secret's CA key, for a scrape that
   * verifies the certificate, and the host name the certificate must carry.
   */
  public readonly httpTls?: {
    readonly secretName: string;
    readonly caKey: string;
    readonly serverName: string;
  };
  /** True when writes and queries must carry `X-Scope-OrgID`. */
  public readonly multitenancyEnabled: boolean;
  /** Regex of the PVC names of this installation (for storage alerts). */
  public readonly pvcPattern: string;
  /** 3.0 microservices: the rollout-operator of the live-store zones. */
  public readonly rolloutOperator?: RolloutOperator;
  /** The query caches: each pool's roles, wiring and, when this app deploys it, its pods. */
  public readonly caches: readonly {
    readonly roles: readonly TempoCacheRole[];
    readonly wiring: MemcachedWiring;
    readonly pool?: MemcachedPool;
  }[];
  /** Microservices: every distributor through its headless Service (see `otlpGrpcTarget`). */
  private distributorTarget?: GrpcTarget;
  /** The pods of each workload, as the flow model sees them (see `connections`). */
  public readonly podGroups: PodGroup[] = [];
  private declaredConnections?: Connections;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    super(scope, id);
    const s = resolveTempoSettings(props);
    this.settings = s;
    this.name = s.name;
    const namespace = chartNamespace(this, 'tempo');
    this.namespace = namespace;
    this.ports = s.ports;
    this.metricsPort = s.ports.find((p) => p.name === 'http')!;
    this.serviceHost = serviceHost(s.name, namespace);
    this.multitenancyEnabled = s.multitenancyEnabled;
    const distributed = s.mode === 'distributed';
    const queryService = distributed ? `${s.name}-query-frontend` : s.name;
    this.queryServiceHost = serviceHost(queryService, namespace);
    this.queryUrl = `${s.serverTls ? 'https' : 'http'}://${this.queryServiceHost}:${this.metricsPort.port}`;
    this.httpTls = s.serverTls && {
      secretName: s.serverTls.secretName,
      caKey: s.serverTls.caKey,
      serverName: serviceHost(queryService, namespace),
    };
    const persistent = s.components.filter((c) => c.persistent).map((c) => c.component);
    this.pvcPattern = distributed
      ? `storage-${s.name}-(${persistent.join('|')})-[0-9]+`
      : `storage-${s.name}-[0-9]+`;

    const identity = (component: string): ComponentIdentity => ({
      name: 'tempo',
      instance: s.name,
      component,
      version: s.image.tag,
    });
    const instanceLabels = standardLabels(identity(distributed ? 'distributed' : 'single-binary'));
    this.selectorLabels = { 'app.kubernetes.io/name': 'tempo', 'app.kubernetes.io/instance': s.name };
    const metadata = (name: string, labels: Record<string, string> = instanceLabels) => ({
      name,
      namespace,
      labels,
    });
    const wiring = s.storageWiring;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        ...metadata(s.name),
        ...(Object.keys(wiring.serviceAccountAnnotations).length
          ? { annotations: wiring.serviceAccountAnnotations }
          : {}),
      },
      automountServiceAccountToken: false,
    });

    const grpcPort = s.ports.find((p) => p.name === 'grpc')!.port;
    const topology: ClusterTopology | undefined = distributed
      ? {
          joinMember: `dns+${serviceHost(`${s.name}-gossip-ring`, namespace)}:${GOSSIP_PORT}`,
          clusterLabel: `${s.name}.${namespace}`,
          gossipPort: GOSSIP_PORT,
          frontendAddress: `${serviceHost(`${s.name}-query-frontend-discovery`, namespace)}:${grpcPort}`,
          ...(s.line === '3.0'
            ? {
                backendSchedulerAddress: `${serviceHost(`${s.name}-backend-scheduler-headless`, namespace)}:${grpcPort}`,
              }
            : {}),
        }
      : undefined;
    // The caches: each pool's wiring (a deployed one lives in this namespace), sized against the plan.
    const names = new Map<string, string>();
    const wired = s.cachePools.map((c, i) => {
      const wiring = c.memcached.wiring(`${c.property}.memcached`, {
        installation: s.name,
        namespace,
        defaultName: i === 0 ? `${s.name}-memcached` : `${s.name}-memcached-${i}`,
        planned: s.capacity?.caches?.[i],
      });
      const name = wiring.deployed?.name;
      if (name !== undefined) {
        const other = names.get(name);
        if (other)
          throw new ConfigError(
            `${c.property}.memcached.name`,
            `${show(name)} is also the name of ${other}'s pool; give each deployed pool its own name`,
          );
        names.set(name, c.property);
      }
      return { roles: c.roles, wiring, timeout: c.timeout };
    });
    const configData = {
      [TEMPO_PATHS.configFile]: renderTempoConfig(
        {
          ...s,
          caches: wired.map((c) => ({
            roles: c.roles,
            host: c.wiring.host,
            service: c.wiring.service,
            timeout: c.timeout,
            maxItemSizeBytes: c.wiring.maxItemSizeBytes,
          })),
        },
        topology,
      ),
    };
    this.caches = wired.map((c) => ({
      roles: c.roles,
      wiring: c.wiring,
      pool:
        c.wiring.deployed &&
        new MemcachedPool(this, `Memcached-${c.wiring.deployed.name}`, c.wiring.deployed),
    }));
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(s.configMapName),
      data: configData,
    });
    // Runtime overrides: deliberately outside the checksum, Tempo re-reads the file every 10s
    // (per_tenant_override_period), so editing a tenant does not restart the pod.
    const overrides = new k8s.KubeConfigMap(this, 'Overrides', {
      metadata: metadata(`${s.name}-overrides`),
      data: { [TEMPO_PATHS.overridesFile]: renderTenantOverrides(s) },
    });

    const gossip: NamedPort = { name: 'gossip', port: GOSSIP_PORT, protocol: 'TCP' };
    const apiPorts = s.ports.filter((p) => !p.receiver);
    const tlsMounted = s.tls !== undefined;
    const checksum = configChecksum(configData);
    const workloads = new Map<string, TempoWorkload>();
    for (const c of s.components) {
      const workloadName = distributed ? `${s.name}-${c.component}` : s.name;
      const cid = distributed
        ? c.component.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase())
        : 'SingleBinary';
      const tls = tlsMounted && c.receives;
      const ports = c.receives ? [...s.ports, ...(distributed ? [gossip] : [])] : [...apiPorts, gossip];
      workloads.set(
        c.component,
        new TempoWorkload(this, cid, {
          spec: c,
          workloadName,
          namespace,
          identity: identity(c.component),
          serviceAccountName: s.name,
          image: imageRef(s.image),
          configMapName: configMap.name,
          configDir: s.configDir,
          https: s.serverTls !== undefined,
          overridesConfigMapName: overrides.name,
          configChecksum: checksum,
          ports,
          env: [...wiring.env, ...(c.kafkaClient ? (s.kafka?.env ?? []) : [])],
          expandEnv: s.expandEnv,
          volumes: [
            ...(tls
              ? [secretFilesVolume('receiver-tls', s.tls!.secretName, [s.tls!.certKey, s.tls!.keyKey])]
              : []),
            ...(s.serverTls
              ? [
                  secretFilesVolume('server-tls', s.serverTls.secretName, [
                    s.serverTls.certKey,
                    s.serverTls.keyKey,
                  ]),
                ]
              : []),
            ...wiring.volumes,
          ],
          volumeMounts: [
            ...(tls ? [{ name: 'receiver-tls', mountPath: TEMPO_PATHS.tlsDir, readOnly: true }] : []),
            ...(s.serverTls
              ? [{ name: 'server-tls', mountPath: TEMPO_PATHS.serverTlsDir, readOnly: true }]
              : []),
            ...wiring.volumeMounts,
          ],
          podLabels: wiring.podLabels,
          volumeClaim: {
            size: s.storageBackend.volume.size.asString(),
            storageClassName: s.storageBackend.volume.storageClassName,
          },
          spread: distributed,
        }),
      );
      this.podGroups.push({
        name: workloadName,
        namespace,
        selectorLabels: workloads.get(c.component)!.selector,
        ports,
      });
    }

    if (s.rollout) {
      this.rolloutOperator = new RolloutOperator(this, 'RolloutOperator', {
        settings: s.rollout,
        installation: s.name,
        namespace,
        liveStores: s.components.filter((c) => c.rollout).map((c) => `${s.name}-${c.component}`),
      });
    }

    const receiving = workloads.get(distributed ? 'distributor' : 'single-binary')!;
    // The receivers: what collectors and apps send to. The same name in every mode.
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name, distributed ? receiving.labels : instanceLabels),
      spec: { type: 'ClusterIP', selector: receiving.selector, ports: s.ports.map(servicePort) },
    });
    if (s.strimzi) {
      new StrimziKafkaObjects(this, 'Kafka', {
        settings: s.strimzi,
        clients: { namespace, podLabels: this.selectorLabels },
      });
    }
    if (!distributed) return;

    // Every ready distributor by DNS, for gRPC clients that balance across them
    // (`otlpGrpcTarget`): through the ClusterIP each long-lived connection sticks to one pod.
    const grpc = s.ports.find((p) => p.receiver?.id === 'otlpGrpc');
    if (grpc) {
      const headless = new k8s.KubeService(this, 'DistributorHeadlessService', {
        metadata: metadata(`${s.name}-distributor-headless`, receiving.labels),
        spec: { clusterIp: 'None', selector: receiving.selector, ports: [servicePort(grpc)] },
      });
      this.distributorTarget = balancedGrpcTarget(headless.name, namespace, grpc.port);
    }
    const frontend = workloads.get('query-frontend')!;
    new k8s.KubeService(this, 'QueryService', {
      metadata: metadata(queryService, frontend.labels),
      spec: { type: 'ClusterIP', selector: frontend.selector, ports: apiPorts.map(servicePort) },
    });
    // Queriers resolve every query-frontend pod through this headless Service.
    new k8s.KubeService(this, 'QueryFrontendDiscovery', {
      metadata: metadata(`${s.name}-query-frontend-discovery`, frontend.labels),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: frontend.selector,
        ports: apiPorts.filter((p) => p.name === 'grpc').map(servicePort),
      },
    });
    new k8s.KubeService(this, 'GossipRing', {
      metadata: metadata(`${s.name}-gossip-ring`),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: this.selectorLabels,
        ports: [servicePort(gossip)],
      },
    });
  }

  /** What Tempo serves and calls (docs/network.md): the NetworkPolicies are generated from it. */
  public get connections(): Connections {
    return (this.declaredConnections ??= tempoConnections(this, this.podGroups));
  }

  /** The pods serving the query API: the query-frontends, or the monolithic binary. */
  public get queryGroup(): PodGroup {
    return this.settings.mode === 'distributed'
      ? this.podGroups.find((g) => g.selectorLabels['app.kubernetes.io/component'] === 'query-frontend')!
      : this.podGroups[0]!;
  }

  /** The pods with the trace receivers: the distributors, or the monolithic binary. */
  public get receiverGroup(): PodGroup {
    return this.podGroups.find((g) => g.ports.some((p) => (p as ServingPort).receiver))!;
  }

  /** `host:port` of the OTLP gRPC receiver (for an OTLP gRPC exporter's `endpoint`). */
  public get otlpGrpcEndpoint(): string {
    return `${this.serviceHost}:${receiverPort(this.ports, 'otlpGrpc', 'tempo.otlpGrpcEndpoint').port}`;
  }

  /**
   * Where an OTLP gRPC client should send, and how. Single binary: the Service. Distributed: every
   * ready distributor through a headless Service (`dns:///…`) with the `round_robin` balancer, so
   * load spreads over all distributors (the receivers cap connection age, so clients re-resolve
   * and pick up replicas the autoscaler adds); `serverName` is the Service host that a receiver
   * certificate names, for TLS verification.
   */
  public get otlpGrpcTarget(): GrpcTarget & { readonly serverName?: string } {
    if (!this.distributorTarget) return { endpoint: this.otlpGrpcEndpoint };
    return { ...this.distributorTarget, serverName: this.serviceHost };
  }

  /** Base URL of the OTLP HTTP receiver (for an OTLP HTTP exporter's `endpoint`). */
  public get otlpHttpEndpoint(): string {
    const scheme = this.settings.tls ? 'https' : 'http';
    return `${scheme}://${this.serviceHost}:${receiverPort(this.ports, 'otlpHttp', 'tempo.otlpHttpEndpoint').port}`;
  }

  /** Whether the metrics generator runs the given processor (for every tenant by default). */
  public generates(processor: MetricsGeneratorProcessor): boolean {
    return this.settings.metricsGenerator?.processors.includes(processor) ?? false;
  }

  /** Names of the span-metrics series; an error when the processor is off (they would not exist). */
  public get spanMetrics(): SpanMetricNames {
    if (!this.generates('span-metrics')) {
      throw new ConfigError(
        'tempo.spanMetrics',
        "the metrics generator's 'span-metrics' processor is off, so these series do not exist; enable it in tempo.metricsGenerator.processors",
      );
    }
    return SPAN_METRICS;
  }

  /** Names of the service-graph series; an error when the processor is off. */
  public get serviceGraphMetrics(): ServiceGraphMetricNames {
    if (!this.generates('service-graphs')) {
      throw new ConfigError(
        'tempo.serviceGraphMetrics',
        "the metrics generator's 'service-graphs' processor is off, so these series do not exist; enable it in tempo.metricsGenerator.processors",
      );
    }
    return SERVICE_GRAPH_METRICS;
  }
}
