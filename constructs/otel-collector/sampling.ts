/**
 * How much of the traffic is kept: tail sampling at the gateway (whole traces, decided after
 * `decisionWait`), head sampling at the agent (`probabilistic_sampler`, per span by trace ID
 * hash), or everything.
 */
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import { ConfigError, DeferredChecks, show } from '../../lib/errors';
import { checkBoolean, checkPlainObject, checkPositiveInteger } from '../../lib/validate';

export interface TailSamplingProps {
  /** Time to wait for a trace's spans before deciding (`decision_wait`). @default '10s' */
  readonly decisionWait?: DurationInput;
  /** Traces kept in memory while waiting (`num_traces`). @default 50000 */
  readonly numTraces?: number;
  /** Expected new traces per second, to size internal structures (`expected_new_traces_per_sec`). @default 1000 */
  readonly expectedNewTracesPerSec?: number;
  /**
   * A trace that grows past this many bytes (OTLP protobuf) is dropped before its decision
   * (`maximum_trace_size_bytes`), so one runaway trace cannot take the gateway's memory; counted
   * in `otelcol_processor_tail_sampling_traces_dropped_too_large_total` (alert
   * `OtelCollectorTailSamplingTracesTooLarge`). The capacity plan gives `gateway.maxTraceBytes`.
   * @default 10000000 (1,000 times a trace of 10 spans of 1 KB)
   */
  readonly maxTraceBytes?: number;
  /**
   * Trace IDs whose decision is kept after their spans left memory, in each of the sampled and
   * not-sampled LRU caches (`decision_cache`): a late span follows its trace's decision instead
   * of starting a new trace that is decided on its own.
   * @default - 10 × numTraces (the processor's README: "at least an order of magnitude greater")
   */
  readonly decisionCacheSize?: number;
  /**
   * Parallel decision loops (`num_shards`, at most 256); numTraces, expectedNewTracesPerSec and
   * the caches are divided among them. The capacity plan gives one per core (`gateway.shards`).
   * @default 1
   */
  readonly shards?: number;
  /** Keep every trace with an error span (`status_code` policy). @default true */
  readonly keepErrors?: boolean;
  /** Keep every trace slower than this (`latency` policy). @default '2s' */
  readonly latencyThreshold?: DurationInput;
  /** Share of all other traces kept (`probabilistic` policy), in percent (0, 100]. @default 10 */
  readonly percentage?: number;
  /**
   * Names of the policies: the `policy` label of the tail-sampling processor's metrics, and the
   * names in a team's own runbooks.
   * @default { errors: 'keep-errors', latency: 'keep-slow', probabilistic: 'sample-rest' }
   */
  readonly policyNames?: TailSamplingPolicyNames;
  /**
   * Higher percentages for some services (`service.name` → percent in (percentage, 100]): one
   * `and` policy each (`string_attribute` on `service.name` and `probabilistic`). Policies are
   * OR-ed, so a service can be sampled more than `percentage`, never less.
   * @default - every service at `percentage`
   */
  readonly serviceRates?: Readonly<Record<string, number>>;
}

export interface TailSamplingPolicyNames {
  /** @default 'keep-errors' */
  readonly errors?: string;
  /** @default 'keep-slow' */
  readonly latency?: string;
  /** @default 'sample-rest' */
  readonly probabilistic?: string;
}

export interface HeadSamplingProps {
  /** Share of traces kept at the agent, in percent (0, 100]. */
  readonly percentage: number;
}

/** A sampling percentage: the share of traces kept, in (0, 100]. */
export function checkPercentage(value: number, property: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100) {
    throw new ConfigError(
      property,
      `${show(value)} is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)`,
    );
  }
  return value;
}

/**
 * How the collectors sample. The factories only store their props; the checks run when the
 * environment is validated (see DeferredChecks), so a bad value is reported as `<env>.collector.sampling…`.
 */
export abstract class CollectorSampling extends DeferredChecks {
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

interface ResolvedTailSampling {
  readonly decisionWait: GoDuration;
  readonly numTraces: number;
  readonly expectedNewTracesPerSec: number;
  readonly maxTraceBytes: number;
  readonly decisionCacheSize: number;
  readonly shards: number;
  readonly keepErrors: boolean;
  readonly latencyThreshold: GoDuration;
  readonly percentage: number;
  readonly policyNames: Required<TailSamplingPolicyNames>;
  readonly serviceRates: Readonly<Record<string, number>>;
}

const POLICY_NAME = /^[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}$/;

export class TailSampling extends CollectorSampling {
  public readonly mode = 'tail' as const;
  private resolved?: ResolvedTailSampling;

  constructor(private readonly props: TailSamplingProps) {
    super();
  }

  protected validate(): void {
    const p = 'collector.sampling';
    const props = checkPlainObject(this.props, p, '{ percentage: 10 }');
    const decisionWait = toDuration(props.decisionWait ?? '10s', `${p}.decisionWait`);
    if (decisionWait.milliseconds <= 0)
      throw new ConfigError(
        `${p}.decisionWait`,
        `${show(decisionWait.toString())} must be longer than 0s; give a positive duration such as '10s'`,
      );
    const numTraces = checkPositiveInteger(props.numTraces ?? 50_000, `${p}.numTraces`);
    const expectedNewTracesPerSec = checkPositiveInteger(
      props.expectedNewTracesPerSec ?? 1000,
      `${p}.expectedNewTracesPerSec`,
    );
    const maxTraceBytes = checkPositiveInteger(props.maxTraceBytes ?? 10_000_000, `${p}.maxTraceBytes`);
    const decisionCacheSize = checkPositiveInteger(
      props.decisionCacheSize ?? 10 * numTraces,
      `${p}.decisionCacheSize`,
    );
    const shards = checkPositiveInteger(props.shards ?? 1, `${p}.shards`);
    // tailsamplingprocessor config.go: maxNumShards = 256.
    if (shards > 256)
      throw new ConfigError(
        `${p}.shards`,
        `${shards} is above 256, the processor's limit; give one shard per core of the gateway (1 to 256)`,
      );
    const latencyThreshold = toDuration(props.latencyThreshold ?? '2s', `${p}.latencyThreshold`);
    if (latencyThreshold.milliseconds <= 0) {
      throw new ConfigError(
        `${p}.latencyThreshold`,
        `${show(latencyThreshold.toString())} is not positive; traces slower than this threshold are kept, so give e.g. '2s'`,
      );
    }
    const percentage = checkPercentage(props.percentage ?? 10, `${p}.percentage`);
    const keepErrors = checkBoolean(props.keepErrors ?? true, `${p}.keepErrors`);
    const names = { errors: 'keep-errors', latency: 'keep-slow', probabilistic: 'sample-rest' };
    for (const k of ['errors', 'latency', 'probabilistic'] as const) {
      const v = props.policyNames?.[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !POLICY_NAME.test(v))
        throw new ConfigError(
          `${p}.policyNames.${k}`,
          `${show(v)} is not a policy name; use letters, digits, '-', '_' and '.' (at most 63), e.g. 'errors-policy'`,
        );
      names[k] = v;
    }
    const serviceRates = props.serviceRates ?? {};
    checkPlainObject(serviceRates, `${p}.serviceRates`, "{ 'checkout': 50 }");
    for (const [service, rate] of Object.entries(serviceRates)) {
      const at = `${p}.serviceRates.${service}`;
      if (service.trim() === '')
        throw new ConfigError(
          `${p}.serviceRates`,
          "has an empty service name; key the rates by service.name, e.g. { 'checkout': 50 }",
        );
      checkPercentage(rate, at);
      if (rate <= percentage)
        throw new ConfigError(
          at,
          `${show(rate)} is not above percentage (${percentage}); policies are OR-ed, so a service already keeps ${percentage} % — give a higher rate or remove it`,
        );
    }
    const all = [
      ...(keepErrors ? [names.errors] : []),
      names.latency,
      names.probabilistic,
      ...Object.keys(serviceRates).map(servicePolicyName),
    ];
    const dup = all.find((n, i) => all.indexOf(n) !== i);
    if (dup !== undefined)
      throw new ConfigError(
        `${p}.policyNames`,
        `${show(dup)} names two policies; the tail-sampling processor needs unique names`,
      );
    this.resolved = {
      decisionWait,
      numTraces,
      expectedNewTracesPerSec,
      maxTraceBytes,
      decisionCacheSize,
      shards,
      keepErrors,
      latencyThreshold,
      percentage,
      policyNames: names,
      serviceRates,
    };
  }

  private get settings(): ResolvedTailSampling {
    this.check();
    return this.resolved!;
  }

  public get decisionWait(): GoDuration {
    return this.settings.decisionWait;
  }
  public get numTraces(): number {
    return this.settings.numTraces;
  }
  public get expectedNewTracesPerSec(): number {
    return this.settings.expectedNewTracesPerSec;
  }
  public get maxTraceBytes(): number {
    return this.settings.maxTraceBytes;
  }
  public get decisionCacheSize(): number {
    return this.settings.decisionCacheSize;
  }
  public get shards(): number {
    return this.settings.shards;
  }
  public get keepErrors(): boolean {
    return this.settings.keepErrors;
  }
  public get latencyThreshold(): GoDuration {
    return this.settings.latencyThreshold;
  }
  public get percentage(): number {
    return this.settings.percentage;
  }
  public get policyNames(): Required<TailSamplingPolicyNames> {
    return this.settings.policyNames;
  }
  public get serviceRates(): Readonly<Record<string, number>> {
    return this.settings.serviceRates;
  }

  /** The `tail_sampling` processor block. Policies are OR-ed: a trace matching any one is kept. */
  public processorConfig(): Record<string, unknown> {
    const policies: Record<string, unknown>[] = [];
    const names = this.policyNames;
    if (this.keepErrors)
      policies.push({ name: names.errors, type: 'status_code', status_code: { status_codes: ['ERROR'] } });
    policies.push({
      name: names.latency,
      type: 'latency',
      latency: { threshold_ms: Math.round(this.latencyThreshold.milliseconds) },
    });
    policies.push({
      name: names.probabilistic,
      type: 'probabilistic',
      probabilistic: { sampling_percentage: this.percentage },
    });
    for (const [service, rate] of Object.entries(this.serviceRates))
      policies.push({
        name: servicePolicyName(service),
        type: 'and',
        and: {
          and_sub_policy: [
            {
              name: 'service',
              type: 'string_attribute',
              string_attribute: { key: 'service.name', values: [service] },
            },
            { name: 'rate', type: 'probabilistic', probabilistic: { sampling_percentage: rate } },
          ],
        },
      });
    // Keys: contrib v0.161.0 processor/tailsamplingprocessor/config.go (Config, DecisionCacheConfig).
    return {
      decision_wait: this.decisionWait.toString(),
      num_traces: this.numTraces,
      expected_new_traces_per_sec: this.expectedNewTracesPerSec,
      maximum_trace_size_bytes: this.maxTraceBytes,
      decision_cache: {
        sampled_cache_size: this.decisionCacheSize,
        non_sampled_cache_size: this.decisionCacheSize,
      },
      num_shards: this.shards,
      // The default, written out because rollouts rely on it: on SIGTERM the pending traces are
      // decided on what has arrived and handed to the exporter (processor.go iter), whose durable
      // queue keeps them; `true` would drop them.
      drop_pending_traces_on_shutdown: false,
      policies,
    };
  }

  public describe(): string {
    this.check();
    const rates = Object.entries(this.serviceRates).map(([s, r]) => `${s} ${r} %`);
    return `tail at the gateway: ${this.keepErrors ? 'all errors, ' : ''}all slower than ${this.latencyThreshold}, ${this.percentage} % of the rest${rates.length ? ` (${rates.join(', ')})` : ''} (decision after ${this.decisionWait})`;
  }
}

/** The `and` policy of one service's rate. */
function servicePolicyName(service: string): string {
  return `sample-${service}`;
}

export class HeadSampling extends CollectorSampling {
  public readonly mode = 'head' as const;

  constructor(private readonly props: HeadSamplingProps) {
    super();
  }

  protected validate(): void {
    const props = checkPlainObject(this.props, 'collector.sampling', '{ percentage: 50 }');
    checkPercentage(props.percentage, 'collector.sampling.percentage');
  }

  public get percentage(): number {
    this.check();
    return this.props.percentage;
  }

  public describe(): string {
    this.check();
    return `head at the agents: ${this.percentage} % of traces`;
  }
}

export class KeepAllSampling extends CollectorSampling {
  public readonly mode = 'none' as const;

  protected validate(): void {}

  public describe(): string {
    this.check();
    return 'none (every trace is kept)';
  }
}
