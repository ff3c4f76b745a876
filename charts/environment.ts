import { Construct } from 'constructs';
import { EnvironmentDefinition } from '../environments/types';
import { checkDnsLabel } from '../lib/validate';
import { CollectorChart } from './collector-chart';
import { MonitoringChart } from './monitoring-chart';
import { NamespaceChart } from './namespace-chart';
import { TempoChart } from './tempo-chart';

export interface EnvironmentCharts {
  readonly namespace: NamespaceChart;
  readonly tempo: TempoChart;
  readonly collector?: CollectorChart;
  readonly monitoring?: MonitoringChart;
}

/**
 * Composes every chart of one environment into `scope` (its own App). Each chart id becomes a
 * folder of `dist/<env>/`.
 */
export function buildEnvironment(scope: Construct, env: EnvironmentDefinition): EnvironmentCharts {
  checkDnsLabel(env.name, 'name');
  const namespace = checkDnsLabel(env.namespace ?? `tracing-${env.name}`, 'namespace');
  const namespaceChart = new NamespaceChart(scope, 'namespace', { namespace });
  const tempo = new TempoChart(scope, 'tempo', { namespace, tempo: env.tempo });
  const collector = env.collector === false ? undefined : new CollectorChart(scope, 'collector', { namespace, tempo: tempo.tempo, collector: env.collector ?? {} });
  const monitoring = env.monitoring === false ? undefined : new MonitoringChart(scope, 'monitoring', {
    namespace,
    stack: { tempo: tempo.tempo, gateway: collector?.gateway, agent: collector?.agent },
    monitoring: env.monitoring,
  });
  return { namespace: namespaceChart, tempo, collector, monitoring };
}
