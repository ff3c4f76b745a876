/** `memory_limiter`: refuses data before the container's memory limit is reached. */
import { ConfigError } from '../../../lib/errors';
import { checkPositiveInteger } from '../../../lib/validate';
import type { ProcessorModule } from './processor';

export interface MemoryLimiterProps {
  /** @default - 85 % of the container memory limit */
  readonly limitMiB?: number;
  /** @default - 20 % of the container memory limit */
  readonly spikeLimitMiB?: number;
}

export interface MemoryLimiterSettings {
  readonly limitMiB: number;
  readonly spikeLimitMiB: number;
}

export function resolveMemoryLimiter(
  props: MemoryLimiterProps | undefined,
  containerLimitMiB: number,
  property: string,
): MemoryLimiterSettings {
  const limitMiB = props?.limitMiB ?? Math.floor(containerLimitMiB * 0.85);
  const spikeLimitMiB = props?.spikeLimitMiB ?? Math.floor(containerLimitMiB * 0.2);
  checkPositiveInteger(limitMiB, `${property}.limitMiB`);
  checkPositiveInteger(spikeLimitMiB, `${property}.spikeLimitMiB`);
  if (limitMiB <= spikeLimitMiB) {
    throw new ConfigError(
      `${property}.limitMiB`,
      `${limitMiB} MiB is not above the spike limit (${spikeLimitMiB} MiB); the limiter would refuse all data. Raise the memory limit or lower spikeLimitMiB`,
    );
  }
  if (limitMiB > containerLimitMiB) {
    throw new ConfigError(
      `${property}.limitMiB`,
      `${limitMiB} MiB is above the container memory limit (${containerLimitMiB} MiB); the kernel would OOM-kill the collector before the limiter acts`,
    );
  }
  return { limitMiB, spikeLimitMiB };
}

/** First in every pipeline, so refused data costs nothing downstream. */
export const memoryLimiterProcessor: ProcessorModule<{ readonly memoryLimiter: MemoryLimiterSettings }> = {
  id: 'memory_limiter',
  block: (s) => ({
    check_interval: '1s',
    limit_mib: s.memoryLimiter.limitMiB,
    spike_limit_mib: s.memoryLimiter.spikeLimitMiB,
  }),
};
