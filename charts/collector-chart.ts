import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  OtelCollectorAgent,
  OtelCollectorAgentProps,
} from '../constructs/otel-collector/otel-collector-agent';
import {
  OtelCollectorGateway,
  OtelCollectorGatewayProps,
} from '../constructs/otel-collector/otel-collector-gateway';
import {
  AutoInstrumentation,
  AutoInstrumentationProps,
} from '../constructs/otel-collector/auto-instrumentation';
import type { CollectorTlsProps } from '../constructs/otel-collector/collector-tls';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { ScrubbingProps } from '../constructs/otel-collector/scrubbing';
import type { TempoExportProps } from '../constructs/otel-collector/collector-settings';
import { Tempo } from '../constructs/tempo/tempo';
import { ConfigError } from '../lib/errors';

/** Props the chart sets once for both tiers (from the stack and the environment), not per tier. */
type SetForBothTiers =
  | 'tempo'
  | 'sampling'
  | 'scrubbing'
  | 'tenant'
  | 'tempoTls'
  | 'exportQueue'
  | 'gateway'
  | 'tls'
  | 'gatewayCaSecret';

/** The collector tier of one environment. */
export interface CollectorStackProps extends TempoExportProps {
  /** @default CollectorSampling.keepAll() */
  readonly sampling?: CollectorSampling;
  /** TLS on the collectors' OTLP receivers and the agent -> gateway hop. @default - plaintext */
  readonly tls?: CollectorTlsProps;
  /**
   * OpenTelemetry Operator `Instrumentation` for zero-code SDKs that export to the agent
   * (needs the operator installed; see docs/collector.md). @default - none
   */
  readonly instrumentation?: AutoInstrumentationProps;
  /** @default - on, see `DEFAULT_SCRUBBING` */
  readonly scrubbing?: ScrubbingProps;
  /** Gateway Deployment, or `false` for agents that export straight to Tempo. @default {} */
  readonly gateway?: Omit<OtelCollectorGatewayProps, SetForBothTiers> | false;
  /** Agent DaemonSet, or `false` when apps send to the gateway directly. @default {} */
  readonly agent?: Omit<OtelCollectorAgentProps, SetForBothTiers> | false;
}

export interface CollectorChartProps {
  readonly namespace: string;
  readonly tempo: Tempo;
  readonly collector: CollectorStackProps;
  /** Environment name, for `deployment.environment.name` of auto-instrumented spans. @default - the namespace */
  readonly environment?: string;
}

/** OpenTelemetry Collector agent DaemonSet and gateway Deployment for one environment. */
export class CollectorChart extends Chart {
  public readonly gateway?: OtelCollectorGateway;
  public readonly agent?: OtelCollectorAgent;
  public readonly instrumentation?: AutoInstrumentation;

  constructor(scope: Construct, id: string, props: CollectorChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    const c = props.collector;
    if (c.gateway === false && c.agent === false) {
      throw new ConfigError(
        'collector',
        'both the gateway and the agent are disabled; set collector: false to run no collector',
      );
    }
    const exportProps: TempoExportProps = {
      tenant: c.tenant,
      tempoTls: c.tempoTls,
      exportQueue: c.exportQueue,
    };
    if (c.gateway !== false) {
      this.gateway = new OtelCollectorGateway(this, 'Gateway', {
        ...c.gateway,
        ...exportProps,
        tempo: props.tempo,
        sampling: c.sampling,
        scrubbing: c.scrubbing,
        tls: c.tls?.gateway,
      });
      if (c.agent === false && c.sampling?.mode === 'tail' && this.gateway.minReplicas > 1) {
        throw new ConfigError(
          'collector.agent',
          `is disabled, but tail sampling on ${this.gateway.minReplicas} gateway replicas needs the agents' trace-ID routing: spans of one trace would land on different replicas and be sampled separately; enable the agent or run one gateway replica`,
        );
      }
    }
    if (c.agent !== false) {
      this.agent = new OtelCollectorAgent(this, 'Agent', {
        ...c.agent,
        ...exportProps,
        tempo: props.tempo,
        gateway: this.gateway,
        sampling: c.sampling,
        scrubbing: c.scrubbing,
        tls: c.tls?.agent,
        gatewayCaSecret: c.tls?.caSecret,
      });
      if (c.instrumentation) {
        this.instrumentation = new AutoInstrumentation(this, 'Instrumentation', {
          ...c.instrumentation,
          agent: this.agent,
          sampling: c.sampling ?? CollectorSampling.keepAll(),
          environment: props.environment ?? props.namespace,
        });
      }
    } else if (c.instrumentation) {
      throw new ConfigError(
        'collector.instrumentation',
        'needs the agent (the SDKs export to the node-local agent Service), which is disabled; enable the agent or remove instrumentation',
      );
    } else if (c.sampling?.mode === 'head') {
      throw new ConfigError(
        'collector.sampling',
        'head sampling runs in the agent, which is disabled; enable the agent or use tail sampling at the gateway',
      );
    }
  }
}
