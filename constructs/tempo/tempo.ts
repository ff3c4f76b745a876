import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DurationInput } from '../../lib/duration';
import { ConfigError } from '../../lib/errors';
import {
  chartNamespace,
  containerPort,
  cpuAutoscaler,
  httpProbe,
  NamedPort,
  servicePort,
  serviceHost,
  spreadOverNodesAndZones,
} from '../../lib/k8s';
import { goMemLimitEnv, resourceRequirements } from '../../lib/resources';
import { secretFilesVolume } from '../../lib/secrets';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import {
  configChecksum,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../lib/pod-security';
import { AutoscalingProps } from '../../lib/validate';
import { ContainerImage, imageRef } from '../../lib/versions';
import {
  MetricsGeneratorProcessor,
  SERVICE_GRAPH_METRICS,
  ServiceGraphMetricNames,
  SPAN_METRICS,
  SpanMetricNames,
} from './generated-metrics';
import {
  balancedGrpcTarget,
  GrpcTarget,
  ReceiverSettings,
  receiverPort,
  ServingPort,
} from '../common/receivers';
import {
  DistributedTopology,
  renderTempoConfig,
  renderTenantOverrides,
  TEMPO_PATHS,
  TempoBlockVersion,
  TempoEncoding,
  TempoLogFormat,
  TempoLogLevel,
} from './tempo-config';
import { CapacityInput } from './capacity';
import type { Connections, FlowDeclaring, PodGroup } from '../common/flows';
import { tempoConnections } from './tempo-flows';
import { ResourceRequirements } from '../../lib/resources';
import { GOSSIP_PORT, resolveTempoSettings, TempoSettings } from './tempo-settings';
import { TEMPO_DATA_DIR, TempoStorage } from './tempo-storage';

/** UID and GID of the grafana/tempo image's `tempo` user. */
export const TEMPO_UID = 10001;

export interface TempoIngesterProps {
  /**
   * Time after the last span before a trace is considered complete (`ingester.trace_idle_period`).
   * @default '10s'
   */
  readonly traceIdlePeriod?: DurationInput;
  /**
   * Longest time a block stays open before it is cut (`ingester.max_block_duration`).
   * @default '30m'
   */
  readonly maxBlockDuration?: DurationInput;
  /**
   * Largest block size in bytes before it is cut (`ingester.max_block_bytes`).
   * @default 524288000 (500 MB)
   */
  readonly maxBlockBytes?: number;
}

export interface TempoLimitsProps {
  /**
   * Per-tenant ingestion rate in bytes per second (`overrides.defaults.ingestion.rate_limit_bytes`).
   * @default 15000000
   */
  readonly ingestionRateLimitBytes?: number;
  /**
   * Per-tenant ingestion burst in bytes (`overrides.defaults.ingestion.burst_size_bytes`).
   * @default 20000000
   */
  readonly ingestionBurstSizeBytes?: number;
  /**
   * Live traces per tenant per ingester (`overrides.defaults.ingestion.max_traces_per_user`).
   * @default 10000
   */
  readonly maxTracesPerUser?: number;
  /**
   * Largest trace in bytes; larger traces are refused (`overrides.defaults.global.max_bytes_per_trace`).
   * @default 5000000
   */
  readonly maxBytesPerTrace?: number;
}

/** Limits of one tenant, rendered into the runtime overrides file. Unset fields use the defaults. */
export interface TempoOverridesProps extends TempoLimitsProps {
  /** Block retention of this tenant (`compaction.block_retention`), at least 1h. @default - the global retention */
  readonly retention?: DurationInput;
  /** Metrics-generator processors for this tenant. @default - the global processors */
  readonly metricsGeneratorProcessors?: MetricsGeneratorProcessor[];
}

export interface TempoRemoteWriteProps {
  /** Remote-write endpoint, e.g. `http://prometheus-operated.monitoring.svc:9090/api/v1/write`. */
  readonly url: string;
  /** Send exemplars (trace IDs on span-metrics histograms). @default true */
  readonly sendExemplars?: boolean;
}

export interface TempoMetricsGeneratorProps {
  /** @default true when the props object is given */
  readonly enabled?: boolean;
  /** @default ['service-graphs', 'span-metrics'] */
  readonly processors?: MetricsGeneratorProcessor[];
  /**
   * Where the generated series go. Prometheus must accept remote writes
   * (`--web.enable-remote-write-receiver`, or `enableRemoteWriteReceiver: true` in the Prometheus
   * resource of the Prometheus Operator / kube-prometheus-stack); Mimir accepts them natively.
   */
  readonly remoteWrite?: TempoRemoteWriteProps[];
  /** Labels added to every generated series (`registry.external_labels`). @default {} */
  readonly externalLabels?: Record<string, string>;
}

export interface TempoTlsProps {
  /** Existing Secret (e.g. from cert-manager) holding the receiver certificate and key. */
  readonly secretName: string;
  /** @default 'tls.crt' */
  readonly certKey?: string;
  /** @default 'tls.key' */
  readonly keyKey?: string;
}

export interface TempoSearchProps {
  /** `query_frontend.search.concurrent_jobs`. @default - Tempo's (1000) */
  readonly concurrentJobs?: number;
  /** `query_frontend.search.target_bytes_per_job`. @default - Tempo's (100 MiB) */
  readonly targetBytesPerJob?: number;
  /** `query_frontend.search.default_result_limit`. @default - Tempo's (20) */
  readonly defaultResultLimit?: number;
  /** `query_frontend.search.max_result_limit`, 0 for none. @default - Tempo's (0) */
  readonly maxResultLimit?: number;
  /** Longest time range one search may cover (`max_duration`). @default - Tempo's (168h) */
  readonly maxDuration?: DurationInput;
  /** Search the backend for data older than this (`query_backend_after`). @default - Tempo's (15m) */
  readonly queryBackendAfter?: DurationInput;
  /** Search ingesters for data newer than this (`query_ingesters_until`). @default - Tempo's (30m) */
  readonly queryIngestersUntil?: DurationInput;
}

export interface TempoComponentProps {
  /** @default - from the capacity plan, else 2 (distributor, querier, query-frontend), 3 (ingester), 1 (compactor, metrics-generator) */
  readonly replicas?: number;
  /** @default - from the capacity plan, else per component */
  readonly resources?: ResourceRequirements;
  /** HorizontalPodAutoscaler on CPU (distributor, querier, query-frontend only). @default - none */
  readonly autoscaling?: AutoscalingProps;
}

export interface TempoDistributedProps {
  /** Size every component from a traffic target; explicit component settings win. @default - per-component defaults */
  readonly capacity?: CapacityInput;
  /** Copies of each trace across ingesters. @default 3 */
  readonly replicationFactor?: number;
  readonly distributor?: TempoComponentProps;
  readonly ingester?: TempoComponentProps;
  readonly querier?: TempoComponentProps;
  readonly queryFrontend?: TempoComponentProps;
  readonly compactor?: TempoComponentProps;
  /** Runs when `metricsGenerator` is configured. */
  readonly metricsGenerator?: TempoComponentProps;
}

export interface TempoProps {
  /**
   * Name of every object (StatefulSet, Services, ConfigMap, ServiceAccount) and the
   * `app.kubernetes.io/instance` label. A DNS-1123 label of at most 52 characters.
   * @default 'tempo'
   */
  readonly name?: string;
  /**
   * Pods of the single binary (always 1: more need distributed mode).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Distributed (microservices) mode: one workload per component on a memberlist ring. Needs
   * object storage.
   * @default - single binary
   */
  readonly distributed?: TempoDistributedProps;
  /**
   * Container image.
   * @default IMAGES.tempo (grafana/tempo:2.8.2)
   */
  readonly image?: ContainerImage;
  /**
   * Trace storage backend: `TempoStorage.local()`, `.s3()`, `.gcs()` or `.azure()`.
   * @default TempoStorage.local() (10Gi PVC)
   */
  readonly storage?: TempoStorage;
  /**
   * How long blocks are kept (`compactor.compaction.block_retention`). At least 1h.
   * @default '336h' (14 days, Tempo's default)
   */
  readonly retention?: DurationInput;
  /**
   * How long compacted-away blocks stay readable (`compacted_block_retention`).
   * @default '1h'
   */
  readonly compactedBlockRetention?: DurationInput;
  /**
   * Receivers: all are on by default; `false` turns one off, `{ port }` moves it.
   * @default - OTLP gRPC/HTTP, Jaeger gRPC/Thrift HTTP/compact/binary and Zipkin on their standard ports
   */
  readonly receivers?: ReceiverSettings;
  /**
   * HTTP API port (`server.http_listen_port`): queries, `/ready`, `/metrics`.
   * @default 3200
   */
  readonly httpPort?: number;
  /**
   * gRPC port (`server.grpc_listen_port`).
   * @default 9095
   */
  readonly grpcPort?: number;
  /**
   * Blocks in this time window are compacted together (`compaction_window`).
   * @default - Tempo's (1h)
   */
  readonly compactionWindow?: DurationInput;
  /** Ingester block settings. @default - see `TempoIngesterProps` */
  readonly ingester?: TempoIngesterProps;
  /** Default per-tenant limits, in the `overrides: defaults:` format. @default - see `TempoLimitsProps` */
  readonly limits?: TempoLimitsProps;
  /**
   * Limits of individual tenants, in a runtime overrides file (ConfigMap `<name>-overrides`,
   * `per_tenant_override_config`) that Tempo re-reads every 10s: editing a tenant does not
   * restart Tempo. Needs `multitenancy: true`.
   * @default {}
   */
  readonly tenants?: Record<string, TempoOverridesProps>;
  /**
   * `multitenancy_enabled`: every write and query must then carry an `X-Scope-OrgID: <tenant>`
   * header (the collector's Tempo exporter and the Grafana datasource send it).
   * @default false
   */
  readonly multitenancy?: boolean;
  /** Metrics generator (span metrics, service graphs). @default - disabled */
  readonly metricsGenerator?: TempoMetricsGeneratorProps;
  /** TLS on the OTLP receivers (gRPC and HTTP). @default - plaintext */
  readonly receiverTls?: TempoTlsProps;
  /** WAL encoding (`storage.trace.wal.v2_encoding`; applies to v2 blocks only). @default - Tempo's (snappy) */
  readonly wal?: { readonly encoding?: TempoEncoding };
  /** Block format (`storage.trace.block.version`) and v2 encoding. @default - Tempo's (vParquet4) */
  readonly block?: { readonly version?: TempoBlockVersion; readonly encoding?: TempoEncoding };
  /** Backend worker pool (`storage.trace.pool`). @default - Tempo's (400 workers, queue 20000) */
  readonly pool?: { readonly maxWorkers?: number; readonly queueDepth?: number };
  /** Search settings of the query frontend. @default - Tempo's */
  readonly search?: TempoSearchProps;
  /** @default - Tempo's (2000 outstanding requests per tenant, 2 retries) */
  readonly queryFrontend?: { readonly maxOutstandingPerTenant?: number; readonly maxRetries?: number };
  /** @default - Tempo's (20 concurrent queries, 30s search timeout) */
  readonly querier?: { readonly maxConcurrentQueries?: number; readonly searchQueryTimeout?: DurationInput };
  /**
   * `usage_report.reporting_enabled`: Tempo's anonymous usage report to stats.grafana.org.
   * @default false
   */
  readonly usageReporting?: boolean;
  /**
   * `stream_over_http_enabled`, used by Grafana's Tempo datasource for streaming search.
   * @default true
   */
  readonly streamOverHttp?: boolean;
  /** @default 'info' */
  readonly logLevel?: TempoLogLevel;
  /** @default 'logfmt' */
  readonly logFormat?: TempoLogFormat;
  /**
   * Container resources; given fields override the defaults one by one.
   * @default - requests 500m CPU / 2Gi, limits 1 CPU / 4Gi
   */
  readonly resources?: ResourceRequirements;
}

/**
 * Grafana Tempo, as a single binary (`target: all`, one StatefulSet) or distributed (one workload
 * per component started with `-target=<component>`, on a memberlist ring over a headless gossip
 * Service). Either way: one config and runtime-overrides ConfigMap, a Service with every receiver
 * (the single binary, or the distributors), the query API (the single binary, or the
 * query-frontend), and a ServiceAccount without a token (carrying the storage backend's
 * workload-identity annotation, if any).
 *
 * Other constructs wire to it by reference, identically in both modes: `tempo.otlpGrpcEndpoint`,
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
  /** True when writes and queries must carry `X-Scope-OrgID`. */
  public readonly multitenancyEnabled: boolean;
  /** Regex of the PVC names of this installation (for storage alerts). */
  public readonly pvcPattern: string;
  /** Distributed mode: every distributor through its headless Service (see `otlpGrpcTarget`). */
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
    this.queryUrl = `http://${serviceHost(queryService, namespace)}:${this.metricsPort.port}`;
    this.pvcPattern = distributed
      ? `storage-${s.name}-(ingester|metrics-generator)-[0-9]+`
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

    const topology: DistributedTopology | undefined = distributed
      ? {
          joinMember: `dns+${serviceHost(`${s.name}-gossip-ring`, namespace)}:${GOSSIP_PORT}`,
          clusterLabel: `${s.name}.${namespace}`,
          gossipPort: GOSSIP_PORT,
          frontendAddress: `${serviceHost(`${s.name}-query-frontend-discovery`, namespace)}:${s.ports.find((p) => p.name === 'grpc')!.port}`,
        }
      : undefined;
    const configData = { [TEMPO_PATHS.configFile]: renderTempoConfig(s, topology) };
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${s.name}-config`),
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
    const workload = (
      component: string,
      kind: 'Deployment' | 'StatefulSet',
      replicas: number,
      resources: TempoSettings['resources'],
      ports: readonly NamedPort[],
      autoscaled: boolean,
    ) => {
      const id = identity(component);
      const labels = standardLabels(id);
      const selector = { matchLabels: selectorLabels(id) };
      const workloadName = distributed ? `${s.name}-${component}` : s.name;
      const persistent = kind === 'StatefulSet';
      const template: k8s.PodTemplateSpec = {
        metadata: {
          labels: { ...labels, ...wiring.podLabels },
          annotations: { 'checksum/config': configChecksum(configData) },
        },
        spec: {
          serviceAccountName: s.name,
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(TEMPO_UID, TEMPO_UID),
          // Ingesters flush their WAL on shutdown.
          terminationGracePeriodSeconds: component === 'ingester' || component === 'single-binary' ? 300 : 60,
          ...(distributed
            ? {
                topologySpreadConstraints: spreadOverNodesAndZones(selector),
              }
            : {}),
          containers: [
            {
              name: 'tempo',
              image: imageRef(s.image),
              imagePullPolicy: 'IfNotPresent',
              args: [
                `-config.file=${TEMPO_PATHS.configDir}/${TEMPO_PATHS.configFile}`,
                ...(distributed ? [`-target=${component}`] : []),
                // Substitutes the ${TEMPO_…} credential placeholders from the env below.
                ...(s.expandEnv ? ['-config.expand-env=true'] : []),
              ],
              env: [goMemLimitEnv(resources, 'tempo.resources'), ...wiring.env],
              ports: ports.map(containerPort),
              readinessProbe: httpProbe('/ready', 'http', 15, 3),
              livenessProbe: httpProbe('/ready', 'http', 60, 6),
              resources: resourceRequirements(resources),
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: 'config', mountPath: TEMPO_PATHS.configDir, readOnly: true },
                { name: 'overrides', mountPath: TEMPO_PATHS.overridesDir, readOnly: true },
                { name: 'storage', mountPath: TEMPO_DATA_DIR },
                { name: 'tmp', mountPath: '/tmp' },
                ...(s.tls && ports.some((p) => p.name.startsWith('otlp'))
                  ? [{ name: 'receiver-tls', mountPath: TEMPO_PATHS.tlsDir, readOnly: true }]
                  : []),
                ...wiring.volumeMounts,
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: configMap.name } },
            { name: 'overrides', configMap: { name: overrides.name } },
            { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            // Stateless components keep their scratch data (e.g. the querier's) on an emptyDir.
            ...(persistent
              ? []
              : [{ name: 'storage', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }]),
            ...(s.tls && ports.some((p) => p.name.startsWith('otlp'))
              ? [secretFilesVolume('receiver-tls', s.tls.secretName, [s.tls.certKey, s.tls.keyKey])]
              : []),
            ...wiring.volumes,
          ],
        },
      };
      const cid = distributed
        ? component.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())
        : '';
      if (persistent) {
        const headless = new k8s.KubeService(this, `${cid}HeadlessService`, {
          metadata: metadata(`${workloadName}-headless`, labels),
          spec: {
            clusterIp: 'None',
            publishNotReadyAddresses: true,
            selector: selector.matchLabels,
            ports: ports.map(servicePort),
          },
        });
        new k8s.KubeStatefulSet(this, `${cid}StatefulSet`, {
          metadata: metadata(workloadName, labels),
          spec: {
            serviceName: headless.name,
            replicas,
            // Distributed ingesters start together; the ring tolerates it. The single binary is one pod.
            podManagementPolicy: distributed ? 'Parallel' : 'OrderedReady',
            updateStrategy: { type: 'RollingUpdate' },
            selector,
            template,
            volumeClaimTemplates: [
              {
                metadata: { name: 'storage', labels: selector.matchLabels },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  ...(s.storageBackend.volume.storageClassName
                    ? { storageClassName: s.storageBackend.volume.storageClassName }
                    : {}),
                  resources: {
                    requests: { storage: k8s.Quantity.fromString(s.storageBackend.volume.size.asString()) },
                  },
                },
              },
            ],
          },
        });
      } else {
        new k8s.KubeDeployment(this, `${cid}Deployment`, {
          metadata: metadata(workloadName, labels),
          spec: {
            ...(autoscaled ? {} : { replicas }),
            selector,
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: {
                maxSurge: k8s.IntOrString.fromNumber(1),
                maxUnavailable: k8s.IntOrString.fromNumber(0),
              },
            },
            template,
          },
        });
      }
      // Ingesters: never more than one down at a time (a trace lives on replicationFactor of them).
      if (replicas > 1) {
        new k8s.KubePodDisruptionBudget(this, `${cid}Pdb`, {
          metadata: metadata(workloadName, labels),
          spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
        });
      }
      this.podGroups.push({ name: workloadName, namespace, selectorLabels: selector.matchLabels, ports });
      return { workloadName, labels, selector };
    };

    if (!distributed) {
      const { selector } = workload('single-binary', 'StatefulSet', s.replicas, s.resources, s.ports, false);
      new k8s.KubeService(this, 'Service', {
        metadata: metadata(s.name),
        spec: { type: 'ClusterIP', selector: selector.matchLabels, ports: s.ports.map(servicePort) },
      });
      return;
    }

    for (const c of s.components) {
      const ports = c.component === 'distributor' ? [...s.ports, gossip] : [...apiPorts, gossip];
      const { workloadName, labels, selector } = workload(
        c.component,
        c.kind,
        c.replicas,
        c.resources,
        ports,
        c.autoscaling !== undefined,
      );
      if (c.autoscaling)
        cpuAutoscaler(
          this,
          `${workloadName}Hpa`,
          metadata(workloadName, labels),
          workloadName,
          c.autoscaling,
        );
      if (c.component === 'distributor') {
        // The receivers: what collectors and apps send to. Same name as the single binary's.
        new k8s.KubeService(this, 'Service', {
          metadata: metadata(s.name, labels),
          spec: { type: 'ClusterIP', selector: selector.matchLabels, ports: s.ports.map(servicePort) },
        });
        // Every ready distributor by DNS, for gRPC clients that balance across them
        // (`otlpGrpcTarget`): through the ClusterIP each long-lived connection sticks to one pod.
        const grpc = s.ports.find((p) => p.receiver?.id === 'otlpGrpc');
        if (grpc) {
          const headless = new k8s.KubeService(this, 'DistributorHeadlessService', {
            metadata: metadata(`${workloadName}-headless`, labels),
            spec: { clusterIp: 'None', selector: selector.matchLabels, ports: [servicePort(grpc)] },
          });
          this.distributorTarget = balancedGrpcTarget(headless.name, namespace, grpc.port);
        }
      }
      if (c.component === 'query-frontend') {
        new k8s.KubeService(this, 'QueryService', {
          metadata: metadata(queryService, labels),
          spec: { type: 'ClusterIP', selector: selector.matchLabels, ports: apiPorts.map(servicePort) },
        });
        // Queriers resolve every query-frontend pod through this headless Service.
        new k8s.KubeService(this, 'QueryFrontendDiscovery', {
          metadata: metadata(`${s.name}-query-frontend-discovery`, labels),
          spec: {
            clusterIp: 'None',
            publishNotReadyAddresses: true,
            selector: selector.matchLabels,
            ports: apiPorts.filter((p) => p.name === 'grpc').map(servicePort),
          },
        });
      }
    }
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

  /** The pods with the trace receivers: the distributors, or the single binary. */
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
