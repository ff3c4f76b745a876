/**
 * Zero-code instrumentation through the OpenTelemetry Operator (0.158.0): an `Instrumentation`
 * resource that the operator's webhook applies to pods that opt in with an annotation, e.g.
 *
 *   instrumentation.opentelemetry.io/inject-java: "<namespace>/<name>"
 *
 * (`inject-nodejs`, `inject-python`, `inject-dotnet` likewise; internal/instrumentation/
 * annotation.go). The SDKs export OTLP/HTTP to the node-local agent Service and keep every
 * trace unless their parent said otherwise: sampling is the collector's job, so a ratio sampler
 * here on top of the collector's would sample twice.
 */
import { Construct } from 'constructs';
import {
  Instrumentation,
  InstrumentationSpecPropagators,
  InstrumentationSpecSamplerType,
} from '../../imports/opentelemetry.io';
import { ConfigError, show } from '../../lib/errors';
import { standardLabels } from '../../lib/labels';
import { checkDnsLabel } from '../../lib/validate';
import { AUTO_INSTRUMENTATION_IMAGES, imageRef, VERSIONS } from '../../lib/versions';
import type { OtelCollectorAgent } from './otel-collector-agent';
import type { CollectorSampling } from './sampling';
import type { AttributeMap, DnsLabel } from '../../lib/input-types';

export type Propagator = `${InstrumentationSpecPropagators}`;

export interface AutoInstrumentationSampler {
  /** Parent-based only: a span follows its parent's decision, so traces stay whole. */
  readonly type: 'parentbased_always_on' | 'parentbased_traceidratio';
  /** Share of root traces kept by `parentbased_traceidratio`, in (0, 1]. */
  readonly ratio?: number;
}

export interface AutoInstrumentationProps {
  /** Name of the Instrumentation object (the annotation names `<namespace>/<name>`). @default 'tracesynth' */
  readonly name?: DnsLabel;
  /** Context propagation formats. @default ['tracecontext', 'baggage'] */
  readonly propagators?: readonly Propagator[];
  /**
   * SDK sampler. Must keep everything (`parentbased_always_on`) when the collector samples.
   * @default { type: 'parentbased_always_on' }
   */
  readonly sampler?: AutoInstrumentationSampler;
  /** Resource attributes added to every instrumented workload's spans. @default - deployment.environment.name only */
  readonly resourceAttributes?: AttributeMap;
}

const PROPAGATORS = new Set<string>(Object.values(InstrumentationSpecPropagators));

export interface AutoInstrumentationConstructProps extends AutoInstrumentationProps {
  readonly agent: OtelCollectorAgent;
  readonly sampling: CollectorSampling;
  /** `deployment.environment.name` of the spans. */
  readonly environment: string;
}

/** The annotation that opts a pod (or namespace) into one language's agent. */
export function injectAnnotation(language: keyof typeof AUTO_INSTRUMENTATION_IMAGES): string {
  return `instrumentation.opentelemetry.io/inject-${language}`;
}

export class AutoInstrumentation extends Construct {
  /** Value for the `inject-<language>` annotations: `<namespace>/<name>`. */
  public readonly reference: string;

  constructor(scope: Construct, id: string, props: AutoInstrumentationConstructProps) {
    super(scope, id);
    const p = 'collector.instrumentation';
    const name = checkDnsLabel(props.name ?? 'tracesynth', `${p}.name`);
    const agent = props.agent;
    this.reference = `${agent.namespace}/${name}`;

    const propagators = props.propagators ?? ['tracecontext', 'baggage'];
    propagators.forEach((x, i) => {
      if (!PROPAGATORS.has(x)) {
        throw new ConfigError(
          `${p}.propagators[${i}]`,
          `${show(x)} is not a propagator the operator knows; use one of ${[...PROPAGATORS].join(', ')}`,
        );
      }
    });
    if (propagators.length === 0)
      throw new ConfigError(
        `${p}.propagators`,
        'is empty; traces would not cross service boundaries. Use e.g. tracecontext and baggage',
      );

    const sampler = props.sampler ?? { type: 'parentbased_always_on' };
    if (sampler.type !== 'parentbased_always_on' && sampler.type !== 'parentbased_traceidratio') {
      throw new ConfigError(
        `${p}.sampler.type`,
        `${show(sampler.type)} is not parent-based; use parentbased_always_on (or parentbased_traceidratio without collector sampling) so that a trace's spans share one decision`,
      );
    }
    let argument: string | undefined;
    if (sampler.type === 'parentbased_traceidratio') {
      if (props.sampling.mode !== 'none') {
        throw new ConfigError(
          `${p}.sampler`,
          `parentbased_traceidratio samples in the SDK, but the collector already samples (${props.sampling.describe()}): traces would be sampled twice. Use parentbased_always_on, or CollectorSampling.keepAll() to sample only in the SDK`,
        );
      }
      const r = sampler.ratio;
      if (typeof r !== 'number' || !(r > 0 && r <= 1)) {
        throw new ConfigError(
          `${p}.sampler.ratio`,
          `${show(r)} is outside (0, 1]; parentbased_traceidratio keeps that share of root traces`,
        );
      }
      argument = String(r);
    } else if (sampler.ratio !== undefined) {
      throw new ConfigError(
        `${p}.sampler.ratio`,
        'is set but parentbased_always_on keeps every trace; remove the ratio or use parentbased_traceidratio',
      );
    }
    const httpEndpoint = agent.otlpHttpEndpoint;
    if (!httpEndpoint) {
      throw new ConfigError(
        p,
        "needs the agent's OTLP/HTTP receiver, which is disabled; enable receivers.otlpHttp on the agent",
      );
    }
    if (agent.tls) {
      throw new ConfigError(
        p,
        "needs a plaintext agent receiver: the SDKs would have to trust the agent's CA in every application namespace. Leave collector.tls.agent unset (applications reach the agent on their own node)",
      );
    }

    const imageFor = (l: keyof typeof AUTO_INSTRUMENTATION_IMAGES) => ({
      image: imageRef(AUTO_INSTRUMENTATION_IMAGES[l]),
    });
    new Instrumentation(this, 'Resource', {
      metadata: {
        name,
        namespace: agent.namespace,
        labels: standardLabels({
          name: 'opentelemetry-instrumentation',
          instance: name,
          component: 'auto-instrumentation',
          version: VERSIONS.otelOperator,
        }),
      },
      spec: {
        exporter: { endpoint: `http://${httpEndpoint}` },
        propagators: propagators.map((x) => x as InstrumentationSpecPropagators),
        sampler: { type: sampler.type as InstrumentationSpecSamplerType, ...(argument ? { argument } : {}) },
        resource: {
          addK8SUidAttributes: true,
          resourceAttributes: {
            'deployment.environment.name': props.environment,
            ...props.resourceAttributes,
          },
        },
        // Every SDK here speaks OTLP/HTTP to the agent's 4318 (Python's only supports it).
        env: [{ name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/protobuf' }],
        java: imageFor('java'),
        nodejs: imageFor('nodejs'),
        python: imageFor('python'),
        dotnet: imageFor('dotnet'),
      },
    });
  }
}
