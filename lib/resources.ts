/** Container resources: what environments give, how defaults fill them, what Kubernetes gets. */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ConfigError, show } from './errors';
import type { CpuQuantity, MemoryQuantity } from './input-types';
import { checkResourceQuantity, parseQuantity } from './validate';

export interface ResourceQuantities {
  /** CPU, as a Kubernetes quantity (`500m`, `2`). */
  readonly cpu?: CpuQuantity;
  /** Memory, as a Kubernetes quantity (`512Mi`, `4Gi`). */
  readonly memory?: MemoryQuantity;
}

export interface ResourceRequirements {
  readonly requests?: ResourceQuantities;
  readonly limits?: ResourceQuantities;
}

export interface ResolvedResources {
  readonly requests: Required<ResourceQuantities>;
  readonly limits: Required<ResourceQuantities>;
}

/** Fills `input` from `defaults` and checks every quantity and that no request exceeds its limit. */
export function resolveResources(
  input: ResourceRequirements | undefined,
  defaults: ResolvedResources,
  property: string,
): ResolvedResources {
  const resolved: ResolvedResources = {
    requests: { ...defaults.requests, ...input?.requests },
    limits: { ...defaults.limits, ...input?.limits },
  };
  for (const kind of ['cpu', 'memory'] as const) {
    const request = checkResourceQuantity(kind, resolved.requests[kind], `${property}.requests.${kind}`);
    const limit = checkResourceQuantity(kind, resolved.limits[kind], `${property}.limits.${kind}`);
    if (request <= 0)
      throw new ConfigError(
        `${property}.requests.${kind}`,
        `${show(resolved.requests[kind])} must be greater than 0; give a positive quantity`,
      );
    if (request > limit) {
      throw new ConfigError(
        `${property}.requests.${kind}`,
        `request ${show(resolved.requests[kind])} is larger than limit ${show(resolved.limits[kind])}; raise the limit or lower the request`,
      );
    }
  }
  return resolved;
}

/** Container resources from resolved quantity strings. */
export function resourceRequirements(r: ResolvedResources): k8s.ResourceRequirements {
  const q = (x: Required<ResourceQuantities>) => ({
    cpu: k8s.Quantity.fromString(x.cpu),
    memory: k8s.Quantity.fromString(x.memory),
  });
  return { requests: q(r.requests), limits: q(r.limits) };
}

const MiB = 2 ** 20;

/**
 * Share of the container memory limit given to the Go runtime as its soft limit (GOMEMLIMIT): the
 * GC works harder from there on, below the point where the kernel OOM-kills the container (and, in
 * the collector, below the memory limiter's refusal threshold).
 */
export const GO_MEMORY_LIMIT_RATIO = 0.8;

/** The container memory limit in whole MiB. */
export function memoryLimitMiB(resources: ResolvedResources, property: string): number {
  return Math.floor(parseQuantity(resources.limits.memory, `${property}.limits.memory`) / MiB);
}

/** The `GOMEMLIMIT` environment variable for a Go container with these resources. */
export function goMemLimitEnv(resources: ResolvedResources, property: string): k8s.EnvVar {
  return {
    name: 'GOMEMLIMIT',
    value: `${Math.floor(memoryLimitMiB(resources, property) * GO_MEMORY_LIMIT_RATIO)}MiB`,
  };
}
