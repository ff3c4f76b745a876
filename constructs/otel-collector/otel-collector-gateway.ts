import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError, ErrorCollector, show } from '../../lib/errors';
import { chartNamespace, cpuAutoscaler, serviceHost, spreadOverNodesAndZones, surgeOne } from '../../lib/k8s';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import {
  AutoscalingProps,
  checkDnsLabel,
  checkPositiveInteger,
  checkTenantId,
  resolveAutoscaling,
} from '../../lib/validate';
import { balancedGrpcTarget, GrpcTarget, ServingPort } from '../common/receivers';
import type { Tempo } from '../tempo/tempo';
import { buildGatewayConfig, COLLECTOR_PATHS, renderCollectorConfig } from './collector-config';
import { collectorPodTemplate, collectorServicePorts } from './collector-pod';
import { k8sAttributesClusterRole } from './collector-rbac';
import {
  CollectorCommonProps,
  otlpGrpcPort,
  resolveCollector,
  ResolvedCollector,
  tempoCaMount,
  tempoExporter,
  TempoExportProps,
} from './collector-settings';
import {
  receiverCertificate,
  ReceiverTlsProps,
  ResolvedReceiverTls,
  resolveReceiverTls,
} from './collector-tls';
import { checkPercentage, CollectorSampling, TailSampling } from './sampling';
import { resolveSpanMetrics, SpanMetricsProps, SpanMetricsSettings } from './span-metrics';
import type {
  NamespaceTenantSettings,
  OtlpExporterSettings,
  SampledTenantSettings,
} from './collector-config';
import { collectorSpanMetricCatalog, SpanMetricCatalog } from './span-metric-catalog';
import { ScrubbingProps, scrubbingProcessors } from './scrubbing';
import type { Connections, FlowDeclaring, PodGroup } from '../common/flows';
import { collectorConnections } from './collector-flows';
import {
  checkBatchFits,
  ExportQueueSettings,
  PersistentQueueProps,
  QUEUE_STORAGE,
  ResolvedPersistentQueue,
  resolvePersistentQueue,
} from './exporter-queue';
import type { DnsLabel, TenantId } from '../../lib/input-types';

export type GatewayAutoscalingProps = AutoscalingProps;

export interface OtelCollectorGatewayProps extends CollectorCommonProps, TempoExportProps {
  /** Where the traces go: endpoint, TLS and tenant header come from this object. */
  readonly tempo: Tempo;
  /**
   * Replicas (ignored when `autoscaling` is set: the HPA owns the count).
   * @default 2
   */
  readonly replicas?: number;
  /** Tail sampling here; head sampling happens at the agents. @default CollectorSampling.keepAll() */
  readonly sampling?: CollectorSampling;
  /** Sensitive-data scrubbing. @default - on, see `DEFAULT_SCRUBBING` */
  readonly scrubbing?: ScrubbingProps;
  /** HorizontalPodAutoscaler on CPU. @default - none, fixed replicas */
  readonly autoscaling?: GatewayAutoscalingProps;
  /** TLS (optionally mTLS) on the OTLP receivers. @default - plaintext */
  readonly tls?: ReceiverTlsProps;
  /**
   * Span metrics of every span, computed before tail sampling (`span_metrics` connector →
   * `prometheus` exporter, scraped by the gateway's PodMonitor); alerts and dashboards then read
   * these instead of Tempo's generator. `true` for the defaults, `false` for none.
   * @default - on when the gateway tail-samples, off otherwise
   */
  readonly spanMetrics?: SpanMetricsProps | boolean;
  /**
   * A second Tempo tenant holding a uniform share of all traces, e.g. for a longer retention
   * tier (give that tenant its `tempo.tenants[<tenant>].retention`): a `traces/sampled` pipeline
   * from the same receivers (before tail sampling) with its own `probabilistic_sampler` (by
   * trace ID, so whole traces), the same enrichment and scrubbing, and an exporter sending
   * `X-Scope-OrgID: <tenant>`. Needs Tempo's multi-tenancy.
   * @default - none
   */
  readonly sampledTenant?: SampledTenantProps;
  /**
   * Tenants by Kubernetes namespace ("tenant ID from namespace"): spans from a listed namespace
   * go to that entry's tenant, all others to `collector.tenant`. One traces pipeline per entry
   * (`filter` on `k8s.namespace.name` after k8s_attributes, then the same tail sampling,
   * scrubbing and batching) with its own exporter and X-Scope-OrgID. Each pipeline has its own
   * tail sampler (memory per tenant), which decides on its tenant's part of a cross-namespace
   * trace. Needs Tempo's multi-tenancy.
   * @default - every span to `collector.tenant`
   */
  readonly namespaceTenants?: readonly NamespaceTenantProps[];
  /**
   * A durable sending queue: the Tempo exporters queue in a `file_storage` extension on a
   * PersistentVolumeClaim per replica, so a killed, evicted or rescheduled gateway delivers what it
   * had accepted when it comes back (the gateway becomes a StatefulSet). `true` for the defaults.
   * @default - off: the queue is in memory
   */
  readonly persistentQueue?: PersistentQueueProps | boolean;
}

/** One tenant fed by the spans of some namespaces. */
export interface NamespaceTenantProps {
  /** Tenant ID (`X-Scope-OrgID`), different from `collector.tenant`. */
  readonly tenant: TenantId;
  /** Kubernetes namespaces whose spans (`k8s.namespace.name`, set by k8s_attributes) go there. */
  readonly namespaces: readonly DnsLabel[];
}

export interface SampledTenantProps {
  /** Tenant ID (`X-Scope-OrgID`), different from `collector.tenant`. */
  readonly tenant: TenantId;
  /** Share of all traces copied there, in percent (0, 100]. */
  readonly percentage: number;
}

/** The gateway's Tempo exporter, sending as another tenant. */
const exporterFor = (main: OtlpExporterSettings, tenant: string): OtlpExporterSettings => ({
  ...main,
  headers: { ...main.headers, 'X-Scope-OrgID': tenant },
});

/** A tenant ID that is also a valid component name (`otlp_grpc/tempo-<tenant>`). */
const COMPONENT_SAFE_TENANT = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function resolveNamespaceTenants(
  props: OtelCollectorGatewayProps,
  main: OtlpExporterSettings,
  property: string,
): NamespaceTenantSettings[] {
  const list = props.namespaceTenants ?? [];
  if (list.length === 0) return [];
  if (!props.tempo.multitenancyEnabled)
    throw new ConfigError(
      property,
      'needs Tempo multi-tenancy (tenants are told apart by X-Scope-OrgID); enable tempo.multitenancy or remove namespaceTenants',
    );
  const seenTenants = new Set([props.tenant, props.sampledTenant?.tenant]);
  const owner = new Map<string, string>();
  return list.map((t, i) => {
    const at = `${property}[${i}]`;
    checkTenantId(t.tenant, `${at}.tenant`);
    if (!COMPONENT_SAFE_TENANT.test(t.tenant))
      throw new ConfigError(
        `${at}.tenant`,
        `${show(t.tenant)} names a pipeline and an exporter here; use letters, digits, '-', '_' and '.'`,
      );
    if (seenTenants.has(t.tenant))
      throw new ConfigError(
        `${at}.tenant`,
        `${show(t.tenant)} is already used (collector.tenant, sampledTenant or another entry); give each namespace tenant its own ID`,
      );
    seenTenants.add(t.tenant);
    if (!Array.isArray(t.namespaces) || t.namespaces.length === 0)
      throw new ConfigError(
        `${at}.namespaces`,
        'is empty; list the namespaces whose spans go to this tenant',
      );
    t.namespaces.forEach((ns, j) => {
      checkDnsLabel(ns, `${at}.namespaces[${j}]`);
      const other = owner.get(ns);
      if (other !== undefined)
        throw new ConfigError(
          `${at}.namespaces[${j}]`,
          `${show(ns)} already goes to tenant ${show(other)}; a namespace belongs to one tenant`,
        );
      owner.set(ns, t.tenant);
    });
    return {
      tenant: t.tenant,
      namespaces: [...t.namespaces],
      exporter: exporterFor(main, t.tenant),
    };
  });
}

function resolveSampledTenant(
  props: OtelCollectorGatewayProps,
  main: OtlpExporterSettings,
  property: string,
): SampledTenantSettings {
  const t = props.sampledTenant!;
  if (!props.tempo.multitenancyEnabled)
    throw new ConfigError(
      property,
      'needs Tempo multi-tenancy (the copy is told apart by its X-Scope-OrgID); enable tempo.multitenancy or remove sampledTenant',
    );
  checkTenantId(t.tenant, `${property}.tenant`);
  if (t.tenant === props.tenant)
    throw new ConfigError(
      `${property}.tenant`,
      `${show(t.tenant)} is the main tenant; the sampled copy needs a tenant of its own (e.g. '${t.tenant}-sampled')`,
    );
  return {
    tenant: t.tenant,
    percentage: checkPercentage(t.percentage, `${property}.percentage`),
    exporter: exporterFor(main, t.tenant),
  };
}

/**
 * The collector gateway: receives from agents (or apps), enriches with Kubernetes metadata,
 * tail-samples, scrubs, then batches and exports to Tempo. Comes with a ClusterIP Service, a
 * headless Service (the agents' load-balancing resolver), a PDB, the RBAC k8sattributes needs and
 * an optional HPA. A StatefulSet when it tail-samples (stable pod names for the agents' ring) or
 * has a durable queue (a PVC per replica), a Deployment otherwise.
 */
export class OtelCollectorGateway extends Construct implements FlowDeclaring {
  public readonly settings: ResolvedCollector;
  public readonly name: string;
  public readonly namespace: string;
  public readonly selectorLabels: Record<string, string>;
  public readonly ports: readonly ServingPort[];
  /** Headless Service name, resolved by the agents' `loadbalancing` exporter. */
  public readonly headlessServiceName: string;
  /** Every ready gateway through the headless Service, for OTLP gRPC clients (`balancedGrpcTarget`). */
  public readonly otlpGrpcTarget: GrpcTarget;
  /** `host:port` of the OTLP gRPC receiver behind the ClusterIP Service. */
  public readonly otlpGrpcEndpoint: string;
  /** The tail sampling this gateway applies, if any. */
  public readonly tailSampling?: TailSampling;
  /** Replicas, or the HPA's minimum. */
  public readonly minReplicas: number;
  /** Receiver TLS, when on. */
  public readonly tls?: ResolvedReceiverTls;
  /** The name the gateway's certificate must carry (the ClusterIP Service's DNS name). */
  public readonly serverName: string;
  /** The HPA's bounds, when autoscaled. */
  public readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number };
  /** What the gateway serves and calls (docs/network.md). */
  public readonly connections: Connections;
  /** Its pods, which receive the traces. */
  public readonly receiverGroup: PodGroup;
  /** The span metrics this gateway computes (before tail sampling), if any. */
  public readonly spanMetrics?: SpanMetricCatalog;
  /** StatefulSet (stable pod names behind the headless Service, optional PVCs) or Deployment. */
  public readonly workloadKind: 'StatefulSet' | 'Deployment';
  /** The durable queue, when on. */
  public readonly persistentQueue?: ResolvedPersistentQueue;
  /** The Tempo exporters' sending queue (each tenant's exporter has one like it). */
  public readonly exportQueue: ExportQueueSettings;

  constructor(scope: Construct, id: string, props: OtelCollectorGatewayProps) {
    super(scope, id);
    const p = 'collector.gateway';
    const tail = props.sampling instanceof TailSampling;
    const sm = props.spanMetrics ?? tail;
    if (typeof sm !== 'boolean' && (sm === null || typeof sm !== 'object'))
      throw new ConfigError(
        `${p}.spanMetrics`,
        `${show(sm)} is not valid; give true, false or { buckets: [...] }`,
      );
    const spanMetrics: SpanMetricsSettings | undefined =
      sm === false ? undefined : resolveSpanMetrics(sm === true ? {} : sm, `${p}.spanMetrics`);
    const s = resolveCollector(
      props,
      {
        name: 'otel-gateway',
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
        prometheus: spanMetrics !== undefined,
      },
      p,
    );
    this.settings = s;
    this.name = s.name;
    const namespace = chartNamespace(this, p);
    this.namespace = namespace;
    this.ports = s.ports;
    this.headlessServiceName = `${s.name}-headless`;
    const grpcPort = otlpGrpcPort(s.ports, `${p}.otlpGrpcEndpoint`);
    this.otlpGrpcEndpoint = `${serviceHost(s.name, namespace)}:${grpcPort}`;
    this.otlpGrpcTarget = balancedGrpcTarget(this.headlessServiceName, namespace, grpcPort);
    this.tailSampling = props.sampling instanceof TailSampling ? props.sampling : undefined;
    this.tls = resolveReceiverTls(props.tls, 'otel', 'collector.tls.gateway', `${s.name}-tls`);
    this.serverName = `${s.name}.${namespace}.svc.cluster.local`;

    // The replicas and the export to Tempo are checked independently: one synth names both.
    const found = new ErrorCollector();
    const replicas = found.attempt(() => checkPositiveInteger(props.replicas ?? 2, `${p}.replicas`));
    const autoscaling = found.attempt(
      () => props.autoscaling && resolveAutoscaling(props.autoscaling, `${p}.autoscaling`),
    );

    const identity: ComponentIdentity = {
      name: 'opentelemetry-collector',
      instance: s.name,
      component: 'gateway',
      version: s.image.tag,
    };
    const labels = standardLabels(identity);
    this.selectorLabels = selectorLabels(identity);
    const metadata = (name: string) => ({ name, namespace, labels });
    receiverCertificate(this, this.tls, { name: s.name, namespace, labels });

    const durable = props.persistentQueue !== undefined && props.persistentQueue !== false;
    const exporter = found.attempt(() => tempoExporter(props.tempo, props, 'collector', durable));
    found.throwIfAny();
    if (replicas === undefined || exporter === undefined)
      throw new Error('OtelCollectorGateway: a failed check was not reported');
    this.minReplicas = autoscaling?.minReplicas ?? replicas;
    checkBatchFits(s.batch, exporter.queue, p);
    this.exportQueue = exporter.queue;
    const sampled = props.sampledTenant && resolveSampledTenant(props, exporter, `${p}.sampledTenant`);
    const byNamespace = resolveNamespaceTenants(props, exporter, `${p}.namespaceTenants`);
    // One queue file per Tempo exporter, all on the same volume.
    const persistentQueue = resolvePersistentQueue(
      props.persistentQueue,
      exporter.queue.queueSize,
      1 + byNamespace.length + (sampled ? 1 : 0),
      `${p}.persistentQueue`,
    );
    this.persistentQueue = persistentQueue;
    this.workloadKind = persistentQueue || this.tailSampling ? 'StatefulSet' : 'Deployment';
    if (spanMetrics)
      this.spanMetrics = collectorSpanMetricCatalog(spanMetrics.buckets, { namespace, job: s.name });
    const configData = {
      [COLLECTOR_PATHS.configFile]: renderCollectorConfig(
        buildGatewayConfig({
          ...s,
          receiverTls: this.tls?.serverConfig,
          k8sAttributes: 'gateway',
          sampling: this.tailSampling,
          scrubbing: scrubbingProcessors(props.scrubbing),
          tempo: exporter,
          spanMetrics,
          sampledTenant: sampled,
          namespaceTenants: byNamespace,
          persistentQueue,
        }),
      ),
    };
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${s.name}-config`),
      data: configData,
    });
    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(s.name),
      automountServiceAccountToken: false,
    });
    k8sAttributesClusterRole(this, {
      name: `${namespace}-${s.name}`,
      labels,
      serviceAccount: sa.name,
      namespace,
    });

    const ports = collectorServicePorts(s, true);
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports },
    });
    // Only ready gateways are published: the agents' resolver must not route to a starting one.
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(this.headlessServiceName),
      spec: { clusterIp: 'None', selector: this.selectorLabels, ports },
    });

    const selector = { matchLabels: this.selectorLabels };
    const template = collectorPodTemplate({
      settings: s,
      labels,
      configData,
      configMapName: configMap.name,
      serviceAccountName: sa.name,
      apiAccess: true,
      secrets: [...tempoCaMount(props), ...(this.tls?.mounts ?? [])],
      // Spread replicas over nodes and zones so one failure does not take every replica.
      topologySpreadConstraints: spreadOverNodesAndZones(selector),
      ...(persistentQueue
        ? { claim: { name: QUEUE_STORAGE.volume, mountPath: QUEUE_STORAGE.mountPath } }
        : {}),
    });
    if (this.workloadKind === 'StatefulSet') {
      new k8s.KubeStatefulSet(this, 'StatefulSet', {
        metadata: metadata(s.name),
        spec: {
          // Pods get stable names under the headless Service (`<name>-<n>.<name>-headless`), which
          // the agents' resolver keys its ring by (return_hostnames).
          serviceName: this.headlessServiceName,
          ...(autoscaling ? {} : { replicas }),
          // Replicas start and stop independently; order means nothing here.
          podManagementPolicy: 'Parallel',
          // One pod at a time, deleted then recreated with the same name and volume: its durable
          // queue is delivered when it is back (the PDB allows the same one pod).
          updateStrategy: { type: 'RollingUpdate' },
          selector,
          template,
          ...(persistentQueue
            ? {
                volumeClaimTemplates: [
                  {
                    metadata: { name: QUEUE_STORAGE.volume, labels: this.selectorLabels },
                    spec: {
                      accessModes: ['ReadWriteOnce'],
                      ...(persistentQueue.storageClassName
                        ? { storageClassName: persistentQueue.storageClassName }
                        : {}),
                      resources: {
                        requests: { storage: k8s.Quantity.fromString(persistentQueue.size.asString()) },
                      },
                    },
                  },
                ],
                // Kept when the HPA scales in (or the StatefulSet is deleted): what a removed
                // replica still had queued is delivered when that ordinal comes back.
                persistentVolumeClaimRetentionPolicy: { whenScaled: 'Retain', whenDeleted: 'Retain' },
              }
            : {}),
        },
      });
    } else {
      new k8s.KubeDeployment(this, 'Deployment', {
        metadata: metadata(s.name),
        spec: {
          ...(autoscaling ? {} : { replicas }),
          selector,
          strategy: { type: 'RollingUpdate', rollingUpdate: surgeOne() },
          template,
        },
      });
    }

    if (this.minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: metadata(s.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }
    if (autoscaling) cpuAutoscaler(this, 'Hpa', metadata(s.name), s.name, autoscaling, this.workloadKind);
    this.autoscaling = autoscaling;
    const flows = collectorConnections({
      name: this.name,
      namespace,
      selectorLabels: this.selectorLabels,
      ports: this.ports,
      exportsTo: props.tempo,
      apiAccess: true,
    });
    this.connections = flows.connections;
    this.receiverGroup = flows.group;
  }
}
