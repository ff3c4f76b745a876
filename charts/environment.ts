import { Construct } from 'constructs';
import { EnvironmentDefinition } from '../environments/types';
import { checkDnsLabel } from '../lib/validate';
import { NamespaceChart } from './namespace-chart';
import { TempoChart } from './tempo-chart';

export interface EnvironmentCharts {
  readonly namespace: NamespaceChart;
  readonly tempo: TempoChart;
}

/**
 * Composes every chart of one environment into `scope` (its own App). Each chart id becomes a
 * folder of `dist/<env>/`.
 */
export function buildEnvironment(scope: Construct, env: EnvironmentDefinition): EnvironmentCharts {
  checkDnsLabel(env.name, 'name');
  const namespace = checkDnsLabel(env.namespace ?? `tracing-${env.name}`, 'namespace');
  return {
    namespace: new NamespaceChart(scope, 'namespace', { namespace }),
    tempo: new TempoChart(scope, 'tempo', { namespace, tempo: env.tempo }),
  };
}
