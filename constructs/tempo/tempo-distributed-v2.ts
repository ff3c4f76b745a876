/**
 * The Tempo 2.10 distributed topology: distributors, ingesters (replicated on a memberlist
 * ring), queriers, query-frontends, one compactor and, with the metrics generator, its
 * StatefulSet. Pure: props in, workloads out (`TempoWorkload` builds the objects).
 */
import { ConfigError } from '../../lib/errors';
import { checkPositiveInteger } from '../../lib/validate';
import { planCapacity2, ReadPathInput, withReadPath } from './capacity';
import type { TempoDistributedProps } from './tempo-props';
import type { ResolvedResources } from '../../lib/resources';
import { COMPONENT_RESOURCES } from './component-resources';
import { componentSizing, ResolvedComponent, ResolvedTopology } from './tempo-settings';

type Component2 =
  'distributor' | 'ingester' | 'querier' | 'query-frontend' | 'compactor' | 'metrics-generator';

const DEFAULTS: Record<Component2, { replicas: number; resources: ResolvedResources }> = {
  distributor: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.distributor,
  },
  ingester: {
    replicas: 3,
    resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2500m', memory: '8Gi' } },
  },
  querier: {
    replicas: 2,
    resources: COMPONENT_RESOURCES.querier,
  },
  'query-frontend': {
    replicas: 2,
    resources: COMPONENT_RESOURCES.small,
  },
  compactor: {
    replicas: 1,
    resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } },
  },
  'metrics-generator': {
    replicas: 1,
    resources: COMPONENT_RESOURCES.small,
  },
};

export function resolveDistributed2(
  d: TempoDistributedProps,
  ctx: { metricsGenerator: boolean; readPath: ReadPathInput },
): ResolvedTopology {
  const capacity = d.capacity
    ? withReadPath(
        planCapacity2(
          { ...d.capacity, replicationFactor: d.replicationFactor ?? d.capacity.replicationFactor },
          'tempo.distributed.capacity',
        ),
        ctx.readPath,
      )
    : undefined;
  const planned = {
    distributor: capacity?.distributor,
    ingester: capacity?.ingester,
    querier: capacity?.querier,
    'query-frontend': capacity?.queryFrontend,
    compactor: capacity?.compactor,
    'metrics-generator': undefined,
  };
  const given = {
    distributor: d.distributor,
    ingester: d.ingester,
    querier: d.querier,
    'query-frontend': d.queryFrontend,
    compactor: d.compactor,
    'metrics-generator': d.metricsGenerator,
  };
  const list: Component2[] = [
    'distributor',
    'ingester',
    'querier',
    'query-frontend',
    'compactor',
    ...(ctx.metricsGenerator ? ['metrics-generator' as const] : []),
  ];
  const components: ResolvedComponent[] = list.map((c) => {
    const p = `tempo.distributed.${c === 'query-frontend' ? 'queryFrontend' : c === 'metrics-generator' ? 'metricsGenerator' : c}`;
    const stateful = c === 'ingester' || c === 'metrics-generator';
    const sizing = componentSizing(
      given[c],
      planned[c],
      DEFAULTS[c],
      p,
      ['distributor', 'querier', 'query-frontend'].includes(c)
        ? undefined
        : 'is only supported for the distributor, querier and query-frontend (stateful components do not scale on CPU); give fixed replicas',
    );
    return {
      component: c,
      target: c,
      kind: stateful ? 'StatefulSet' : 'Deployment',
      ...sizing,
      persistent: stateful,
      scratchSize: '1Gi',
      receives: c === 'distributor',
      kafkaClient: false,
      args: [],
      // Ingesters flush their WAL on shutdown.
      terminationGracePeriodSeconds: c === 'ingester' ? 300 : 60,
      // An ingester replays its WAL at start.
      startupSeconds: stateful ? 300 : 60,
    };
  });
  const rf = checkPositiveInteger(
    d.replicationFactor ?? d.capacity?.replicationFactor ?? 3,
    'tempo.distributed.replicationFactor',
  );
  const ingesters = components.find((c) => c.component === 'ingester')!.replicas;
  if (rf > ingesters) {
    throw new ConfigError(
      'tempo.distributed.replicationFactor',
      `${rf} is larger than the ${ingesters} ingester replicas; every trace must fit on ${rf} distinct ingesters, so run at least ${rf}`,
    );
  }
  return { components, capacity };
}
