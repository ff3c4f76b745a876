/**
 * How much of the traffic is kept: tail sampling at the gateway (whole traces, decided after
 * `decisionWait`), head sampling at the agent (`probabilistic_sampler`, per span by trace ID
 * hash), or everything.
 */
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import { ConfigError, show } from '../../lib/errors';
import { checkPositiveInteger } from '../../lib/validate';

export interface TailSamplingProps {
  /** Time to wait for a trace's spans before deciding (`decision_wait`). @default '10s' */
  readonly decisionWait?: DurationInput;
  /** Traces kept in memory while waiting (`num_traces`). @default 50000 */
  readonly numTraces?: number;
  /** Expected new traces per second, to size internal structures (`expected_new_traces_per_sec`). @default 1000 */
  readonly expectedNewTracesPerSec?: number;
  /** Keep every trace with an error span (`status_code` policy). @default true */
  readonly keepErrors?: boolean;
  /** Keep every trace slower than this (`latency` policy). @default '2s' */
  readonly latencyThreshold?: DurationInput;
  /** Share of all other traces kept (`probabilistic` policy), in percent (0, 100]. @default 10 */
  readonly percentage?: number;
}

export interface HeadSamplingProps {
  /** Share of traces kept at the agent, in percent (0, 100]. */
  readonly percentage: number;
}

function checkPercentage(value: number, property: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100) {
    throw new ConfigError(
      property,
      `${show(value)} is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)`,
    );
  }
  return value;
}

export abstract class CollectorSampling {
  /** Tail sampling at the gateway; needs the gateway (agents route by trace ID to it). */
  public static tail(props: TailSamplingProps = {}): TailSampling {
    return new TailSampling(props);
  }

  /** Head sampling at the agent with `probabilistic_sampler`. */
  public static head(props: HeadSamplingProps): HeadSampling {
    return new HeadSampling(props);
  }

  /** Keep every trace. */
  public static keepAll(): KeepAllSampling {
    return new KeepAllSampling();
  }

  public abstract readonly mode: 'tail' | 'head' | 'none';
  /** One line for summaries. */
  public abstract describe(): string;
}

export class TailSampling extends CollectorSampling {
  public readonly mode = 'tail' as const;
  public readonly decisionWait: GoDuration;
  public readonly numTraces: number;
  public readonly expectedNewTracesPerSec: number;
  public readonly keepErrors: boolean;
  public readonly latencyThreshold: GoDuration;
  public readonly percentage: number;

  constructor(props: TailSamplingProps) {
    super();
    const p = 'collector.sampling';
    this.decisionWait = toDuration(props.decisionWait ?? '10s', `${p}.decisionWait`);
    if (this.decisionWait.milliseconds <= 0)
      throw new ConfigError(
        `${p}.decisionWait`,
        `${show(this.decisionWait.toString())} must be longer than 0s`,
      );
    this.numTraces = checkPositiveInteger(props.numTraces ?? 50_000, `${p}.numTraces`);
    this.expectedNewTracesPerSec = checkPositiveInteger(
      props.expectedNewTracesPerSec ?? 1000,
      `${p}.expectedNewTracesPerSec`,
    );
    this.keepErrors = props.keepErrors ?? true;
    this.latencyThreshold = toDuration(props.latencyThreshold ?? '2s', `${p}.latencyThreshold`);
    if (this.latencyThreshold.milliseconds <= 0) {
      throw new ConfigError(
        `${p}.latencyThreshold`,
        `${show(this.latencyThreshold.toString())} is not positive; traces slower than this threshold are kept, so give e.g. '2s'`,
      );
    }
    this.percentage = checkPercentage(props.percentage ?? 10, `${p}.percentage`);
  }

  /** The `tail_sampling` processor block. Policies are OR-ed: a trace matching any one is kept. */
  public processorConfig(): Record<string, unknown> {
    const policies: Record<string, unknown>[] = [];
    if (this.keepErrors)
      policies.push({ name: 'keep-errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } });
    policies.push({
      name: 'keep-slow',
      type: 'latency',
      latency: { threshold_ms: Math.round(this.latencyThreshold.milliseconds) },
    });
    policies.push({
      name: 'sample-rest',
      type: 'probabilistic',
      probabilistic: { sampling_percentage: this.percentage },
    });
    return {
      decision_wait: this.decisionWait.toString(),
      num_traces: this.numTraces,
      expected_new_traces_per_sec: this.expectedNewTracesPerSec,
      policies,
    };
  }

  public describe(): string {
    return `tail at the gateway: ${this.keepErrors ? 'all errors, ' : ''}all slower than ${this.latencyThreshold}, ${this.percentage} % of the rest (decision after ${this.decisionWait})`;
  }
}

export class HeadSampling extends CollectorSampling {
  public readonly mode = 'head' as const;
  public readonly percentage: number;

  constructor(props: HeadSamplingProps) {
    super();
    this.percentage = checkPercentage(props.percentage, 'collector.sampling.percentage');
  }

  public describe(): string {
    return `head at the agents: ${this.percentage} % of traces`;
  }
}

export class KeepAllSampling extends CollectorSampling {
  public readonly mode = 'none' as const;

  public describe(): string {
    return 'none (every trace is kept)';
  }
}
