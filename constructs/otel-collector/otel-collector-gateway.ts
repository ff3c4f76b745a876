import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { chartNamespace, cpuAutoscaler, serviceHost, spreadOverNodesAndZones } from '../../lib/k8s';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import { AutoscalingProps, checkPositiveInteger, resolveAutoscaling } from '../../lib/validate';
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
import { CollectorSampling, TailSampling } from './sampling';
import { ScrubbingProps, scrubbingProcessors } from './scrubbing';
import type { Connections, FlowDeclaring, PodGroup } from '../common/flows';
import { collectorConnections } from './collector-flows';

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
}

/**
 * The collector gateway: a Deployment that receives from agents (or apps), enriches with
 * Kubernetes metadata, tail-samples, scrubs and batches, then exports to Tempo. Comes with a
 * ClusterIP Service, a headless Service (the agents' load-balancing resolver), a PDB, the RBAC
 * k8sattributes needs and an optional HPA.
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

  constructor(scope: Construct, id: string, props: OtelCollectorGatewayProps) {
    super(scope, id);
    const p = 'collector.gateway';
    const s = resolveCollector(
      props,
      {
        name: 'otel-gateway',
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
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

    const replicas = checkPositiveInteger(props.replicas ?? 2, `${p}.replicas`);
    const autoscaling = props.autoscaling && resolveAutoscaling(props.autoscaling, `${p}.autoscaling`);
    this.minReplicas = autoscaling?.minReplicas ?? replicas;

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

    const exporter = tempoExporter(props.tempo, props, p);
    const configData = {
      [COLLECTOR_PATHS.configFile]: renderCollectorConfig(
        buildGatewayConfig({
          ...s,
          receiverTls: this.tls?.serverConfig,
          k8sAttributes: 'gateway',
          sampling: this.tailSampling,
          scrubbing: scrubbingProcessors(props.scrubbing),
          tempo: exporter,
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
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: metadata(this.headlessServiceName),
      spec: { clusterIp: 'None', selector: this.selectorLabels, ports },
    });

    const selector = { matchLabels: this.selectorLabels };
    const deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(s.name),
      spec: {
        ...(autoscaling ? {} : { replicas }),
        selector,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(1),
            maxUnavailable: k8s.IntOrString.fromNumber(0),
          },
        },
        template: collectorPodTemplate({
          settings: s,
          labels,
          configData,
          configMapName: configMap.name,
          serviceAccountName: sa.name,
          apiAccess: true,
          secrets: [...tempoCaMount(props), ...(this.tls?.mounts ?? [])],
          // Spread replicas over nodes and zones so one failure does not take every replica.
          topologySpreadConstraints: spreadOverNodesAndZones(selector),
        }),
      },
    });

    if (this.minReplicas > 1) {
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: metadata(s.name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });
    }
    if (autoscaling) cpuAutoscaler(this, 'Hpa', metadata(s.name), deployment.name, autoscaling);
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
