import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DurationInput } from '../../lib/duration';
import { ConfigError } from '../../lib/errors';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import { configChecksum, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib/pod-security';
import { parseQuantity } from '../../lib/validate';
import { ContainerImage, imageRef } from '../../lib/versions';
import { receiverPort, TempoPort, TempoReceiverSettings } from './receivers';
import { renderTempoConfig, TEMPO_PATHS, TempoLogFormat, TempoLogLevel } from './tempo-config';
import { ResourceRequirements, resolveTempoSettings, TempoSettings } from './tempo-settings';
import { LocalTempoStorage, TEMPO_DATA_DIR, TempoStorage } from './tempo-storage';

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

export interface TempoProps {
  /**
   * Name of every object (StatefulSet, Services, ConfigMap, ServiceAccount) and the
   * `app.kubernetes.io/instance` label. A DNS-1123 label of at most 52 characters.
   * @default 'tempo'
   */
  readonly name?: string;
  /**
   * Pods. More than one needs shared object storage.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * Container image.
   * @default IMAGES.tempo (grafana/tempo:2.8.2)
   */
  readonly image?: ContainerImage;
  /**
   * Trace storage backend.
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
  readonly receivers?: TempoReceiverSettings;
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
  /** Ingester block settings. @default - see `TempoIngesterProps` */
  readonly ingester?: TempoIngesterProps;
  /** Default per-tenant limits, in the `overrides: defaults:` format. @default - see `TempoLimitsProps` */
  readonly limits?: TempoLimitsProps;
  /**
   * `multitenancy_enabled`: every write and query must then carry an `X-Scope-OrgID` header.
   * @default false
   */
  readonly multitenancy?: boolean;
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
 * Grafana Tempo as a single binary (`-target=all`): a StatefulSet with its config, Services for
 * every receiver and the API, and a ServiceAccount without a token.
 *
 * Other constructs wire to it by reference: `tempo.otlpGrpcEndpoint`, `tempo.queryUrl`,
 * `tempo.selectorLabels`, `tempo.metricsPort`.
 */
export class Tempo extends Construct {
  /** Resolved, validated settings (defaults applied). */
  public readonly settings: TempoSettings;
  public readonly name: string;
  public readonly namespace: string;
  /** Labels that select Tempo's pods; stable across upgrades. */
  public readonly selectorLabels: Record<string, string>;
  /** Every port Tempo listens on (API and receivers), from the receiver catalog. */
  public readonly ports: readonly TempoPort[];
  /** The port that serves `/metrics` (Tempo's HTTP port). */
  public readonly metricsPort: TempoPort;
  /** In-cluster DNS name of the ClusterIP Service. */
  public readonly serviceHost: string;
  /** Base URL of the query API (`/api/search`, `/api/traces/<id>`), e.g. for Grafana. */
  public readonly queryUrl: string;

  constructor(scope: Construct, id: string, props: TempoProps = {}) {
    super(scope, id);
    const s = resolveTempoSettings(props);
    this.settings = s;
    this.name = s.name;
    const namespace = Chart.of(this).namespace;
    if (!namespace) throw new ConfigError('tempo', 'the chart has no namespace; create the Tempo construct in a Chart with a namespace');
    this.namespace = namespace;
    this.ports = s.ports;
    this.metricsPort = s.ports.find((p) => p.name === 'http')!;
    this.serviceHost = `${s.name}.${namespace}.svc.cluster.local`;
    this.queryUrl = `http://${this.serviceHost}:${this.metricsPort.port}`;

    const identity: ComponentIdentity = { name: 'tempo', instance: s.name, component: 'single-binary', version: s.image.tag };
    const labels = standardLabels(identity);
    this.selectorLabels = selectorLabels(identity);
    const metadata = (name: string) => ({ name, namespace, labels });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      automountServiceAccountToken: false,
    });

    const configData = { [TEMPO_PATHS.configFile]: renderTempoConfig(s) };
    const configMap = new k8s.KubeConfigMap(this, 'Config', { metadata: metadata(`${s.name}-config`), data: configData });

    const servicePorts: k8s.ServicePort[] = s.ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: k8s.IntOrString.fromString(p.name),
      protocol: p.protocol,
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: servicePorts },
    });
    const headless = new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(`${s.name}-headless`),
      spec: { clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selectorLabels, ports: servicePorts },
    });

    const storage = s.storage as LocalTempoStorage;
    const memoryLimitBytes = parseQuantity(s.resources.limits.memory, 'tempo.resources.limits.memory');
    const readyProbe = (initialDelaySeconds: number, failureThreshold: number): k8s.Probe => ({
      httpGet: { path: '/ready', port: k8s.IntOrString.fromString('http') },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold,
    });

    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: metadata(s.name),
      spec: {
        serviceName: headless.name,
        replicas: s.replicas,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: this.selectorLabels },
        template: {
          metadata: {
            labels,
            annotations: { 'checksum/config': configChecksum(configData) },
          },
          spec: {
            serviceAccountName: s.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(TEMPO_UID, TEMPO_UID),
            // The ingester flushes its WAL on shutdown.
            terminationGracePeriodSeconds: 60,
            containers: [{
              name: 'tempo',
              image: imageRef(s.image),
              imagePullPolicy: 'IfNotPresent',
              args: [`-config.file=${TEMPO_PATHS.configDir}/${TEMPO_PATHS.configFile}`],
              env: [
                // Soft memory limit for the Go runtime at ~85 % of the container limit, so the GC
                // works harder before the kernel OOM-kills the pod.
                { name: 'GOMEMLIMIT', value: `${Math.floor((memoryLimitBytes * 0.85) / 2 ** 20)}MiB` },
              ],
              ports: s.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
              readinessProbe: readyProbe(15, 3),
              livenessProbe: readyProbe(60, 6),
              resources: {
                requests: {
                  cpu: k8s.Quantity.fromString(s.resources.requests.cpu),
                  memory: k8s.Quantity.fromString(s.resources.requests.memory),
                },
                limits: {
                  cpu: k8s.Quantity.fromString(s.resources.limits.cpu),
                  memory: k8s.Quantity.fromString(s.resources.limits.memory),
                },
              },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [
                { name: 'config', mountPath: TEMPO_PATHS.configDir, readOnly: true },
                { name: 'storage', mountPath: TEMPO_DATA_DIR },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: configMap.name } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'storage', labels: this.selectorLabels },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(storage.storageClassName ? { storageClassName: storage.storageClassName } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(storage.size.asString()) } },
          },
        }],
      },
    });
  }

  /** `host:port` of the OTLP gRPC receiver (for an OTLP gRPC exporter's `endpoint`). */
  public get otlpGrpcEndpoint(): string {
    return `${this.serviceHost}:${receiverPort(this.ports, 'otlpGrpc', 'tempo.otlpGrpcEndpoint').port}`;
  }

  /** Base URL of the OTLP HTTP receiver (for an OTLP HTTP exporter's `endpoint`). */
  public get otlpHttpEndpoint(): string {
    return `http://${this.serviceHost}:${receiverPort(this.ports, 'otlpHttp', 'tempo.otlpHttpEndpoint').port}`;
  }
}
