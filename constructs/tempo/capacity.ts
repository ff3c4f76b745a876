/**
 * Capacity model: sizes distributed Tempo and the collector gateway from a spans-per-second
 * target. Pure and typed; every number is explained in `reasons` (shown in SUMMARY.md / plan).
 *
 * Tempo's published sizing for 2.8 (docs/sources/tempo/setup/size.md): distributor 1 per 10 MB/s
 * (2 cores, 2 GB); ingester 1 per 3–5 MB/s of *replicated* traffic (2.5 cores, 4–20 GB);
 * querier 1 per 1–2 MB/s; query-frontend 2 for HA; compactor 1 per 3–5 MB/s (1 core). The model
 * takes the middle of each range (ingester and compactor 4 MB/s, querier 1.5 MB/s).
 * The collector gateway figures are this project's planning assumptions, stated below.
 */
import { ConfigError, show } from '../../lib/errors';
import { checkPositiveNumber } from '../../lib/validate';

export interface CapacityInput {
  /** Spans per second produced by the applications, before sampling. */
  readonly spansPerSecond: number;
  /** Average span size in bytes (OTLP protobuf). @default 1000 (1 KB) */
  readonly avgSpanBytes?: number;
  /** Share of traces the collector keeps, in percent (0, 100]. @default 100 */
  readonly samplingPercent?: number;
  /** Ingester replication factor. @default 3 */
  readonly replicationFactor?: number;
  /** Growth headroom as a fraction: 0.3 plans for 30 % more traffic. @default 0.3 */
  readonly headroom?: number;
  /** Average spans per trace (sizes the tail sampler's in-flight traces). @default 10 */
  readonly spansPerTrace?: number;
  /** The tail sampler's decision wait in seconds. @default 10 */
  readonly decisionWaitSeconds?: number;
}

export interface ComponentSizing {
  readonly replicas: number;
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface CapacityPlan {
  /** Bytes per second reaching Tempo (after sampling, with headroom), in MB/s (10^6). */
  readonly tempoMBps: number;
  readonly distributor: ComponentSizing;
  readonly ingester: ComponentSizing;
  readonly querier: ComponentSizing;
  readonly queryFrontend: ComponentSizing;
  readonly compactor: ComponentSizing;
  readonly gateway: ComponentSizing & {
    readonly numTraces: number;
    readonly expectedNewTracesPerSec: number;
  };
  /** One line per decision, for reviewers. */
  readonly reasons: readonly string[];
}

/** Per-replica throughput the model plans with. */
export const CAPACITY_RULES = {
  distributorMBps: 10,
  ingesterMBps: 4,
  querierMBps: 1.5,
  compactorMBps: 4,
  queryFrontendReplicas: 2,
  /** Planning assumption: one 2-core gateway replica tail-samples about 15,000 spans/s. */
  gatewaySpansPerSecond: 15_000,
} as const;

const round1 = (n: number) => Math.round(n * 10) / 10;

export function planCapacity(input: CapacityInput, property = 'capacity'): CapacityPlan {
  const spans = checkPositiveNumber(input.spansPerSecond, `${property}.spansPerSecond`);
  const bytes = checkPositiveNumber(input.avgSpanBytes ?? 1000, `${property}.avgSpanBytes`);
  const sampling = checkPositiveNumber(input.samplingPercent ?? 100, `${property}.samplingPercent`);
  if (sampling > 100) throw new ConfigError(`${property}.samplingPercent`, `${sampling} is above 100`);
  const rf = input.replicationFactor ?? 3;
  if (!Number.isInteger(rf) || rf < 1)
    throw new ConfigError(`${property}.replicationFactor`, `${show(rf)} is not a positive integer`);
  const headroom = input.headroom ?? 0.3;
  if (typeof headroom !== 'number' || !Number.isFinite(headroom) || headroom < 0) {
    throw new ConfigError(
      `${property}.headroom`,
      `${show(headroom)} is not a fraction >= 0 (0.3 means 30 % headroom)`,
    );
  }
  const spansPerTrace = checkPositiveNumber(input.spansPerTrace ?? 10, `${property}.spansPerTrace`);
  const decisionWait = checkPositiveNumber(
    input.decisionWaitSeconds ?? 10,
    `${property}.decisionWaitSeconds`,
  );

  const factor = 1 + headroom;
  const receivedMBps = (spans * bytes * (sampling / 100)) / 1e6;
  const tempoMBps = receivedMBps * factor;
  const r = CAPACITY_RULES;
  const reasons: string[] = [
    `Tempo receives ${spans.toLocaleString('en-US')} spans/s × ${bytes} B × ${sampling} % = ${round1(receivedMBps)} MB/s; with ${Math.round(headroom * 100)} % headroom ${round1(tempoMBps)} MB/s`,
  ];
  const size = (
    name: string,
    replicas: number,
    cpu: string,
    memoryGi: number,
    why: string,
  ): ComponentSizing => {
    reasons.push(`${name}: ${replicas} (${why})`);
    return {
      replicas,
      requests: { cpu, memory: `${memoryGi}Gi` },
      limits: { cpu, memory: `${Math.ceil(memoryGi * 1.25)}Gi` },
    };
  };
  const distributor = size(
    'distributor',
    Math.max(2, Math.ceil(tempoMBps / r.distributorMBps)),
    '2',
    2,
    `1 per ${r.distributorMBps} MB/s, at least 2 for HA`,
  );
  const ingesterTraffic = tempoMBps * rf;
  const ingester = size(
    'ingester',
    Math.max(rf, Math.ceil(ingesterTraffic / r.ingesterMBps)),
    '2500m',
    8,
    `replication factor ${rf} makes ${round1(ingesterTraffic)} MB/s of ingester traffic, 1 per ${r.ingesterMBps} MB/s, at least ${rf}`,
  );
  const querier = size(
    'querier',
    Math.max(2, Math.ceil(tempoMBps / r.querierMBps)),
    '1',
    4,
    `1 per ${r.querierMBps} MB/s, at least 2`,
  );
  const queryFrontend = size('query-frontend', r.queryFrontendReplicas, '1', 2, 'fixed at 2 for HA');
  const compactor = size(
    'compactor',
    Math.max(1, Math.ceil(tempoMBps / r.compactorMBps)),
    '1',
    4,
    `1 per ${r.compactorMBps} MB/s`,
  );

  // The gateway sees every span before sampling.
  const gatewaySpans = spans * factor;
  const gatewayReplicas = Math.max(2, Math.ceil(gatewaySpans / r.gatewaySpansPerSecond));
  const tracesPerSecondPerReplica = gatewaySpans / spansPerTrace / gatewayReplicas;
  // Traces waiting for a decision, doubled so late spans of a trace still find it.
  const numTraces = Math.ceil((2 * tracesPerSecondPerReplica * decisionWait) / 1000) * 1000;
  const inFlightMiB = (numTraces * spansPerTrace * bytes) / 2 ** 20;
  const gatewayMemoryGi = Math.max(1, Math.ceil((inFlightMiB * 2 + 512) / 1024));
  const gateway = {
    ...size(
      'collector gateway',
      gatewayReplicas,
      '2',
      gatewayMemoryGi,
      `${Math.round(gatewaySpans).toLocaleString('en-US')} spans/s before sampling at ${r.gatewaySpansPerSecond.toLocaleString('en-US')} per replica; ` +
        `num_traces ${numTraces.toLocaleString('en-US')} per replica = 2 × ${Math.round(tracesPerSecondPerReplica).toLocaleString('en-US')} traces/s × ${decisionWait}s, ` +
        `~${Math.round(inFlightMiB)} MiB in flight, memory 2× that + 512 MiB`,
    ),
    numTraces,
    expectedNewTracesPerSec: Math.ceil(tracesPerSecondPerReplica),
  };
  return { tempoMBps, distributor, ingester, querier, queryFrontend, compactor, gateway, reasons };
}
