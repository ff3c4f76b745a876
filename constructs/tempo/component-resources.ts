import type { ResolvedResources } from '../../lib/resources';

/** Default resources of the microservices (both lines), before a capacity plan or props. */
export const COMPONENT_RESOURCES = {
  /** Distributors (2 cores at the limit, as size.md plans them). */
  distributor: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  querier: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '4Gi' } },
  /** Query-frontend, metrics-generator, backend-scheduler and -workers. */
  small: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
} as const satisfies Record<string, ResolvedResources>;
