/**
 * Turns `TempoProps` into fully resolved settings: defaults applied, every value validated.
 * Pure (no constructs), so each error is unit-tested on its own.
 */
import { ConfigError, show } from '../../lib/errors';
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import { checkDnsLabel, checkPositiveInteger, parseQuantity } from '../../lib/validate';
import { ContainerImage, IMAGES } from '../../lib/versions';
import { planTempoPorts } from './receivers';
import { TempoConfigSettings } from './tempo-config';
import { TempoStorage } from './tempo-storage';
import type { TempoProps } from './tempo';

export interface ResourceQuantities {
  /** CPU, as a Kubernetes quantity (`500m`, `2`). */
  readonly cpu?: string;
  /** Memory, as a Kubernetes quantity (`512Mi`, `4Gi`). */
  readonly memory?: string;
}

export interface ResourceRequirements {
  readonly requests?: ResourceQuantities;
  readonly limits?: ResourceQuantities;
}

export interface ResolvedResources {
  readonly requests: Required<ResourceQuantities>;
  readonly limits: Required<ResourceQuantities>;
}

export interface TempoSettings extends TempoConfigSettings {
  readonly name: string;
  readonly replicas: number;
  readonly image: ContainerImage;
  readonly storage: TempoStorage;
  readonly resources: ResolvedResources;
}

export const TEMPO_DEFAULTS = {
  name: 'tempo',
  httpPort: 3200,
  grpcPort: 9095,
  resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
  // Tempo's own defaults (manifest of 2.8): 14 days retention, 1h for compacted blocks.
  blockRetention: '336h',
  compactedBlockRetention: '1h',
  traceIdlePeriod: '10s',
  maxBlockDuration: '30m',
  maxBlockBytes: 524_288_000,
  ingestionRateLimitBytes: 15_000_000,
  ingestionBurstSizeBytes: 20_000_000,
  maxTracesPerUser: 10_000,
  maxBytesPerTrace: 5_000_000,
} as const;

/**
 * A StatefulSet's pods carry `controller-revision-hash: <name>-<10 chars>`, a label value limited
 * to 63 characters, so the StatefulSet name itself must stay within 52.
 */
const STATEFULSET_NAME_MAX = 52;

function duration(input: DurationInput | undefined, fallback: string, property: string): GoDuration {
  return toDuration(input ?? fallback, property);
}

function positiveDuration(d: GoDuration, property: string): GoDuration {
  if (d.milliseconds <= 0) throw new ConfigError(property, `${show(d.toString())} must be longer than 0s`);
  return d;
}

export function resolveResources(input: ResourceRequirements | undefined, defaults: ResolvedResources, property: string): ResolvedResources {
  const resolved: ResolvedResources = {
    requests: { ...defaults.requests, ...input?.requests },
    limits: { ...defaults.limits, ...input?.limits },
  };
  for (const kind of ['cpu', 'memory'] as const) {
    const request = parseQuantity(resolved.requests[kind], `${property}.requests.${kind}`);
    const limit = parseQuantity(resolved.limits[kind], `${property}.limits.${kind}`);
    if (request <= 0) throw new ConfigError(`${property}.requests.${kind}`, `${show(resolved.requests[kind])} must be greater than 0`);
    if (request > limit) {
      throw new ConfigError(`${property}.requests.${kind}`, `request ${show(resolved.requests[kind])} is larger than limit ${show(resolved.limits[kind])}; raise the limit or lower the request`);
    }
  }
  return resolved;
}

export function resolveTempoSettings(props: TempoProps = {}): TempoSettings {
  const name = checkDnsLabel(props.name ?? TEMPO_DEFAULTS.name, 'tempo.name', STATEFULSET_NAME_MAX);
  const replicas = checkPositiveInteger(props.replicas ?? 1, 'tempo.replicas');
  const storage = props.storage ?? TempoStorage.local();
  if (replicas > 1 && !storage.shared) {
    throw new ConfigError('tempo.replicas', `${replicas} replicas with '${storage.backend}' storage would be ${replicas} independent Tempo instances, each holding part of the traces; use replicas: 1, or object storage (and distributed mode) to scale out`);
  }

  const ports = planTempoPorts({
    httpPort: props.httpPort ?? TEMPO_DEFAULTS.httpPort,
    grpcPort: props.grpcPort ?? TEMPO_DEFAULTS.grpcPort,
    receivers: props.receivers,
  });

  const traceIdlePeriod = positiveDuration(duration(props.ingester?.traceIdlePeriod, TEMPO_DEFAULTS.traceIdlePeriod, 'tempo.ingester.traceIdlePeriod'), 'tempo.ingester.traceIdlePeriod');
  const maxBlockDuration = positiveDuration(duration(props.ingester?.maxBlockDuration, TEMPO_DEFAULTS.maxBlockDuration, 'tempo.ingester.maxBlockDuration'), 'tempo.ingester.maxBlockDuration');
  if (traceIdlePeriod.compare(maxBlockDuration) >= 0) {
    throw new ConfigError('tempo.ingester.traceIdlePeriod', `${traceIdlePeriod} must be shorter than ingester.maxBlockDuration (${maxBlockDuration}); a trace must go idle before its block is cut`);
  }
  const maxBlockBytes = checkPositiveInteger(props.ingester?.maxBlockBytes ?? TEMPO_DEFAULTS.maxBlockBytes, 'tempo.ingester.maxBlockBytes');

  const blockRetention = duration(props.retention, TEMPO_DEFAULTS.blockRetention, 'tempo.retention');
  if (blockRetention.compare(GoDuration.hours(1)) < 0) {
    throw new ConfigError('tempo.retention', `${show(blockRetention.toString())} is below the minimum of 1h; traces would be deleted before they are compacted`);
  }
  if (blockRetention.compare(maxBlockDuration) < 0) {
    throw new ConfigError('tempo.retention', `${show(blockRetention.toString())} is shorter than ingester.maxBlockDuration (${maxBlockDuration}); blocks would expire before they are complete. Raise retention or lower maxBlockDuration`);
  }
  const compactedBlockRetention = positiveDuration(duration(props.compactedBlockRetention, TEMPO_DEFAULTS.compactedBlockRetention, 'tempo.compactedBlockRetention'), 'tempo.compactedBlockRetention');

  const limits = {
    ingestionRateLimitBytes: checkPositiveInteger(props.limits?.ingestionRateLimitBytes ?? TEMPO_DEFAULTS.ingestionRateLimitBytes, 'tempo.limits.ingestionRateLimitBytes'),
    ingestionBurstSizeBytes: checkPositiveInteger(props.limits?.ingestionBurstSizeBytes ?? TEMPO_DEFAULTS.ingestionBurstSizeBytes, 'tempo.limits.ingestionBurstSizeBytes'),
    maxTracesPerUser: checkPositiveInteger(props.limits?.maxTracesPerUser ?? TEMPO_DEFAULTS.maxTracesPerUser, 'tempo.limits.maxTracesPerUser'),
    maxBytesPerTrace: checkPositiveInteger(props.limits?.maxBytesPerTrace ?? TEMPO_DEFAULTS.maxBytesPerTrace, 'tempo.limits.maxBytesPerTrace'),
  };
  if (limits.ingestionBurstSizeBytes < limits.ingestionRateLimitBytes) {
    throw new ConfigError('tempo.limits.ingestionBurstSizeBytes', `${limits.ingestionBurstSizeBytes} is below ingestionRateLimitBytes (${limits.ingestionRateLimitBytes}); the burst caps the rate, so set it at least as high`);
  }

  const logLevel = props.logLevel ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError('tempo.logLevel', `${show(logLevel)} is not a log level; expected debug, info, warn or error`);
  }
  const logFormat = props.logFormat ?? 'logfmt';
  if (!['logfmt', 'json'].includes(logFormat)) {
    throw new ConfigError('tempo.logFormat', `${show(logFormat)} is not a log format; expected logfmt or json`);
  }

  return {
    name,
    replicas,
    image: props.image ?? IMAGES.tempo,
    storage,
    resources: resolveResources(props.resources, TEMPO_DEFAULTS.resources, 'tempo.resources'),
    ports,
    logLevel,
    logFormat,
    multitenancyEnabled: props.multitenancy ?? false,
    usageReportingEnabled: props.usageReporting ?? false,
    streamOverHttpEnabled: props.streamOverHttp ?? true,
    ingester: { traceIdlePeriod, maxBlockDuration, maxBlockBytes },
    compaction: { blockRetention, compactedBlockRetention },
    limits,
  };
}
