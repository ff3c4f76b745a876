import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { chartNamespace, serviceHost, surgeOne } from '../../lib/k8s';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import { checkDnsLabel } from '../../lib/validate';
import { Namespace } from '../platform/namespace';
import { ServingPort } from '../common/receivers';
import type { Tempo } from '../tempo/tempo';
import {
  AgentConfigSettings,
  buildAgentConfig,
  COLLECTOR_PATHS,
  renderCollectorConfig,
} from './collector-config';
import { collectorPodTemplate, collectorServicePorts } from './collector-pod';
import { endpointsReaderRole, k8sAttributesClusterRole } from './collector-rbac';
import {
  CollectorCommonProps,
  otlpGrpcPort,
  resolveCollector,
  ResolvedCollector,
  tempoCaMount,
  tempoExporter,
  TempoExportProps,
} from './collector-settings';
import type { OtelCollectorGateway } from './otel-collector-gateway';
import {
  clientTls,
  receiverCertificate,
  ReceiverTlsProps,
  ResolvedReceiverTls,
  resolveReceiverTls,
  secretMount,
} from './collector-tls';
import { checkSecretRef, SecretKeyRef } from '../../lib/secrets';
import { CollectorSampling, HeadSampling } from './sampling';
import { ScrubbingProps, scrubbingProcessors } from './scrubbing';
import type { Connections, FlowDeclaring, PodGroup } from '../common/flows';
import { collectorConnections } from './collector-flows';
import { checkBatchFits, DEFAULT_QUEUE_SPANS, ExportQueueSettings } from './exporter-queue';
import type { DnsLabel } from '../../lib/input-types';

export interface AgentHostPortProps {
  /**
   * Namespace the agent moves to. Pod Security Admission refuses `hostPort` at the baseline
   * and restricted levels, so this namespace is created with `enforce: privileged` (and
   * `warn`/`audit: restricted`, so the rest of the pod is still reported against restricted).
   */
  readonly namespace: DnsLabel;
}

export interface OtelCollectorAgentProps extends CollectorCommonProps, TempoExportProps {
  /** Gateway to forward to. @default - none: the agent exports straight to Tempo */
  readonly gateway?: OtelCollectorGateway;
  /** Tempo, used when there is no gateway. */
  readonly tempo: Tempo;
  /** Head sampling runs here; tail sampling needs the gateway. @default CollectorSampling.keepAll() */
  readonly sampling?: CollectorSampling;
  /** Scrubbing, applied here only when there is no gateway. @default - on, see `DEFAULT_SCRUBBING` */
  readonly scrubbing?: ScrubbingProps;
  /**
   * Opt-in: publish OTLP on every node's IP with `hostPort` (apps send to `status.hostIP`).
   * Ports then conflict with anything else on the node using them, and the agent must run in a
   * privileged namespace. The default, a Service with `internalTrafficPolicy: Local`, needs none
   * of this.
   * @default - node-local Service
   */
  readonly hostPort?: AgentHostPortProps;
  /** @default - none (the agent runs only on nodes without taints it does not tolerate) */
  readonly tolerations?: k8s.Toleration[];
  /** TLS (optionally mTLS) on the OTLP receivers; also the client certificate towards an mTLS gateway. @default - plaintext */
  readonly tls?: ReceiverTlsProps;
  /** CA that signed the gateway's certificate. @default - the system roots of the image */
  readonly gatewayCaSecret?: SecretKeyRef;
}

/**
 * The collector agent: a DaemonSet on every node, reached by application pods through a
 * node-local Service (`internalTrafficPolicy: Local`). It tags pods, head-samples if asked, and
 * forwards to the gateway (by trace ID, through the `load_balancing` exporter, when the gateway
 * tail-samples) or straight to Tempo.
 */
export class OtelCollectorAgent extends Construct implements FlowDeclaring {
  public readonly settings: ResolvedCollector;
  public readonly name: string;
  public readonly namespace: string;
  public readonly selectorLabels: Record<string, string>;
  public readonly ports: readonly ServingPort[];
  /** What applications set as OTEL_EXPORTER_OTLP_ENDPOINT (gRPC). */
  public readonly otlpGrpcEndpoint: string;
  /** `host:port` of the OTLP/HTTP receiver behind the node-local Service, when enabled. */
  public readonly otlpHttpEndpoint?: string;
  /** Receiver TLS, when on. */
  public readonly tls?: ResolvedReceiverTls;
  /** Whether the agent uses hostPort (and therefore a privileged namespace). */
  public readonly usesHostPort: boolean;
  /** The sampling the agents apply (head sampling runs here). */
  public readonly sampling: CollectorSampling;
  /** What the agent serves and calls (docs/network.md). */
  public readonly connections: Connections;
  /** Its pods, which receive the applications' traces. */
  public readonly receiverGroup: PodGroup;

  constructor(scope: Construct, id: string, props: OtelCollectorAgentProps) {
    super(scope, id);
    const p = 'collector.agent';
    const s = resolveCollector(
      props,
      {
        name: 'otel-agent',
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
      p,
    );
    this.settings = s;
    this.name = s.name;
    const stackNamespace = chartNamespace(this, p);
    this.usesHostPort = props.hostPort !== undefined;
    const namespace = props.hostPort
      ? checkDnsLabel(props.hostPort.namespace, `${p}.hostPort.namespace`)
      : stackNamespace;
    if (props.hostPort && namespace === stackNamespace) {
      throw new ConfigError(
        `${p}.hostPort.namespace`,
        `'${namespace}' is the stack's own namespace, which enforces "restricted"; hostPort needs a separate namespace with enforce: privileged`,
      );
    }
    this.namespace = namespace;
    this.ports = s.ports;
    const grpcPort = otlpGrpcPort(s.ports, `${p}.otlpGrpcEndpoint`);
    this.otlpGrpcEndpoint = `${serviceHost(s.name, namespace)}:${grpcPort}`;
    const httpPort = s.ports.find((x) => x.receiver?.id === 'otlpHttp');
    this.otlpHttpEndpoint = httpPort && `${serviceHost(s.name, namespace)}:${httpPort.port}`;

    const sampling = props.sampling ?? CollectorSampling.keepAll();
    this.sampling = sampling;
    const gateway = props.gateway;
    if (sampling.mode === 'tail' && !gateway) {
      throw new ConfigError(
        'collector.sampling',
        'tail sampling needs the gateway: agents only see the spans of their own node, and a tail decision needs the whole trace; enable the gateway or use CollectorSampling.head(...)',
      );
    }
    if (sampling.mode === 'tail' && gateway && !gateway.tailSampling) {
      throw new ConfigError(
        'collector.sampling',
        'tail sampling is set for the agent but the gateway was built without it; pass the same sampling to both',
      );
    }

    const identity: ComponentIdentity = {
      name: 'opentelemetry-collector',
      instance: s.name,
      component: 'agent',
      version: s.image.tag,
    };
    const labels = standardLabels(identity);
    this.selectorLabels = selectorLabels(identity);
    const metadata = (name: string) => ({ name, namespace, labels });

    if (props.hostPort) {
      new Namespace(this, 'Namespace', {
        name: namespace,
        podSecurity: 'privileged',
        warnAndAudit: 'restricted',
      });
    }

    const tls = resolveReceiverTls(props.tls, 'otel', 'collector.tls.agent', `${s.name}-tls`);
    this.tls = tls;
    receiverCertificate(this, tls, { name: s.name, namespace, labels });
    if (props.gatewayCaSecret) checkSecretRef(props.gatewayCaSecret, 'collector.tls.caSecret');
    const gatewayCa =
      props.gatewayCaSecret &&
      secretMount('gateway-ca', props.gatewayCaSecret.name, [props.gatewayCaSecret.key]);
    if (props.gatewayCaSecret && !gateway?.tls) {
      throw new ConfigError(
        'collector.tls.caSecret',
        "is set but the gateway's receivers have no TLS; set collector.tls.gateway or remove caSecret",
      );
    }
    if (gateway?.tls && !props.gatewayCaSecret) {
      throw new ConfigError(
        'collector.tls.caSecret',
        `is required: the agents verify the gateway's certificate (Secret ${show(gateway.tls.secretName)}) against this CA, and without it only a publicly trusted certificate would pass; name the Secret key holding the CA, e.g. { name: 'tracing-ca', key: 'ca.crt' }`,
      );
    }
    if (gateway?.tls?.clientAuth && !tls) {
      throw new ConfigError(
        'collector.tls.agent',
        'is required: the gateway asks for client certificates (clientCaSecret), and the agent presents its own receiver certificate; give the agent a Secret signed by that CA',
      );
    }
    // Agents dial pod IPs (load_balancing) or the headless name: verify the Service's name.
    const gatewayTls = gateway?.tls
      ? clientTls({
          caFile: gatewayCa?.path(props.gatewayCaSecret!.key),
          serverName: gateway.serverName,
          clientCert: gateway.tls.clientAuth ? tls!.clientCert : undefined,
        })
      : { insecure: true };
    // Towards the gateway the queue rides out a gateway restart in memory. A DaemonSet has no
    // volume that survives its pod under Pod Security "restricted" (no hostPath), so the agents'
    // queues stay in memory; a rollout surges (a new agent is ready before the old one stops, see
    // the DaemonSet) and a stopping agent drains its queue (exporterhelper Shutdown).
    const toGateway: ExportQueueSettings = {
      numConsumers: 4,
      queueSize: DEFAULT_QUEUE_SPANS.memory,
      durable: false,
    };
    let exportSettings: AgentConfigSettings['export'];
    if (gateway && sampling.mode === 'tail') {
      exportSettings = {
        kind: 'loadbalancing',
        service: `${gateway.headlessServiceName}.${gateway.namespace}`,
        port: otlpGrpcPort(gateway.ports, 'collector.gateway'),
        tls: gatewayTls,
        returnHostnames: gateway.workloadKind === 'StatefulSet',
        queue: toGateway,
      };
    } else if (gateway) {
      // round_robin over every gateway replica; the gateways cap connection age, so agents
      // re-resolve and reach replicas the HPA adds.
      exportSettings = {
        kind: 'otlp',
        name: 'gateway',
        ...gateway.otlpGrpcTarget,
        tls: gatewayTls,
        queue: toGateway,
      };
    } else {
      exportSettings = { kind: 'otlp', name: 'tempo', ...tempoExporter(props.tempo, props, 'collector') };
    }
    checkBatchFits(s.batch, exportSettings.queue, p);

    const configData = {
      [COLLECTOR_PATHS.configFile]: renderCollectorConfig(
        buildAgentConfig({
          ...s,
          receiverTls: tls?.serverConfig,
          // With a gateway the agent only tags the pod IP, the gateway reads the API; alone it
          // reads the pods of its own node.
          k8sAttributes: gateway ? 'passthrough' : 'node',
          headSamplingPercentage: sampling instanceof HeadSampling ? sampling.percentage : undefined,
          scrubbing: gateway ? {} : scrubbingProcessors(props.scrubbing),
          export: exportSettings,
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
    if (!gateway)
      k8sAttributesClusterRole(this, {
        name: `${namespace}-${s.name}`,
        labels,
        serviceAccount: sa.name,
        namespace,
      });
    if (exportSettings.kind === 'loadbalancing') {
      endpointsReaderRole(this, {
        name: `${s.name}-resolver`,
        labels,
        serviceAccount: sa.name,
        namespace,
        roleNamespace: gateway!.namespace,
      });
    }
    const apiAccess = !gateway || exportSettings.kind === 'loadbalancing';
    const flows = collectorConnections({
      name: this.name,
      namespace,
      selectorLabels: this.selectorLabels,
      ports: this.ports,
      exportsTo: gateway ?? props.tempo,
      apiAccess,
    });
    this.connections = flows.connections;
    this.receiverGroup = flows.group;

    // Node-local Service: traffic from a pod goes to the agent on the same node, no hostPort.
    new k8s.KubeService(this, 'Service', {
      metadata: metadata(s.name),
      spec: {
        type: 'ClusterIP',
        internalTrafficPolicy: 'Local',
        selector: this.selectorLabels,
        ports: collectorServicePorts(s, false),
      },
    });

    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: metadata(s.name),
      spec: {
        selector: { matchLabels: this.selectorLabels },
        // Without hostPort a node runs the new agent beside the old one until it is ready (the
        // node-local Service sends to whichever is ready), so a rollout drops nothing; with
        // hostPort the two would fight over the port, so the old one stops first.
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: this.usesHostPort ? { maxUnavailable: k8s.IntOrString.fromNumber(1) } : surgeOne(),
        },
        template: collectorPodTemplate({
          settings: s,
          labels,
          configData,
          configMapName: configMap.name,
          serviceAccountName: sa.name,
          apiAccess,
          hostPorts: this.usesHostPort,
          tolerations: props.tolerations,
          secrets: [
            ...(gateway ? [] : tempoCaMount(props)),
            ...(tls?.mounts ?? []),
            ...(gatewayCa ? [gatewayCa] : []),
          ],
        }),
      },
    });
  }
}
