import { stackSpanMetrics } from '../constructs/otel-collector/span-metric-catalog';
import { Construct } from 'constructs';
import { EnvironmentDefinition } from './environment-definition';
import { ConfigError, ErrorCollector } from '../lib/errors';
import { checkDnsLabel } from '../lib/validate';
import { validateEnvironment } from './environment-validation';
import { CollectorChart } from './collector-chart';
import { GatewayChart } from './gateway-chart';
import { GitOpsChart } from './gitops-chart';
import { GrafanaChart } from './grafana-chart';
import { MonitoringChart } from './monitoring-chart';
import { NetworkChart } from './network-chart';
import { planFlows, StackFlows } from '../constructs/network/network-policies';
import { NamespaceChart } from './namespace-chart';
import { TempoChart } from './tempo-chart';
import { planTempoDatasources } from '../constructs/grafana/tempo-datasource-plan';

export interface EnvironmentCharts {
  readonly namespace?: NamespaceChart;
  readonly tempo: TempoChart;
  readonly collector?: CollectorChart;
  readonly monitoring?: MonitoringChart;
  readonly grafana?: GrafanaChart;
  readonly gateway?: GatewayChart;
  readonly network?: NetworkChart;
  readonly gitops?: GitOpsChart;
  /** Every flow the stack needs (the NetworkPolicies allow exactly these, when enabled). */
  readonly flows: StackFlows;
  /** The stack's namespace and whether this app owns it (and so its Pod Security labels). */
  readonly ownership: NamespaceOwnership;
}

export interface NamespaceOwnership {
  readonly name: string;
  /** True when this app creates the Namespace object. */
  readonly managed: boolean;
}

/**
 * Composes every chart of one environment into `scope` (its own App). Each chart id becomes a
 * folder of `dist/<env>/`.
 */
export function buildEnvironment(scope: Construct, definition: EnvironmentDefinition): EnvironmentCharts {
  const env = validateEnvironment(definition);
  checkDnsLabel(env.name, 'name');
  const namespace = checkDnsLabel(env.namespace ?? `tracing-${env.name}`, 'namespace');
  // Every part is built even when an earlier one failed, unless it needs that one: a synth
  // reports every independent problem at once (docs/errors.md). Charts are added in this order,
  // the order of dist/'s kustomization.
  const found = new ErrorCollector();
  // Safe by default: only the app's own namespace (`tracing-<name>`) is created and labelled; a
  // namespace named by the environment is presumed shared unless it says manageNamespace: true.
  const managed = env.manageNamespace ?? env.namespace === undefined;
  const namespaceChart = managed
    ? found.attempt(() => new NamespaceChart(scope, 'namespace', { namespace }))
    : undefined;
  const tempo = found.attempt(() => new TempoChart(scope, 'tempo', { namespace, tempo: env.tempo }));
  const collector =
    env.collector === false || !tempo
      ? undefined
      : found.attempt(
          () =>
            new CollectorChart(scope, 'collector', {
              namespace,
              tempo: tempo.tempo,
              collector: env.collector || {},
              environment: env.name,
            }),
        );
  // The Tempo datasources Grafana gets (one per tenant, and tenant sets read together): planned
  // once, so the gateway's users for Grafana and the datasources are the same list.
  // Grafana is provisioned unless it is off, or monitoring is (then `grafana` is refused below).
  const grafanaOptions =
    env.grafana === false || (env.monitoring === false && env.grafana === undefined)
      ? undefined
      : (env.grafana ?? {});
  const datasourcePlan =
    grafanaOptions &&
    tempo &&
    found.attempt(() =>
      planTempoDatasources({
        stackId: namespace,
        multitenant: tempo.tempo.multitenancyEnabled,
        stackTenants: stackTenants(env),
        uid: grafanaOptions.tempoDatasource?.uid,
        name: grafanaOptions.tempoDatasource?.name,
        tenant: grafanaOptions.tenant,
        tenants: grafanaOptions.tenants,
        crossTenant: grafanaOptions.crossTenant,
        dashboards: grafanaOptions.dashboards,
      }),
    );
  const queryGateway = env.queryGateway;
  const gateway =
    queryGateway === undefined || !tempo || (grafanaOptions && !datasourcePlan)
      ? undefined
      : found.attempt(
          () =>
            new GatewayChart(scope, 'gateway', {
              ...queryGateway,
              namespace,
              tempo: tempo.tempo,
              // Grafana authenticates as each datasource's UID, mapped to that datasource's tenants.
              clients: (datasourcePlan?.all ?? []).map((d) => ({ user: d.uid, orgId: d.orgId ?? '' })),
            }),
        );
  // Whatever needs every workload waits until each of them was built.
  const workloads =
    tempo &&
    (env.collector === false || collector) &&
    (queryGateway === undefined || gateway) &&
    found.attempt(() => {
      const w = {
        tempo: tempo.tempo,
        gateway: collector?.gateway,
        agent: collector?.agent,
        queryGateway: gateway?.gateway,
      };
      // Refuses Tempo's span metrics next to the gateway's, with or without monitoring.
      stackSpanMetrics(w);
      return w;
    });
  const monitoring =
    env.monitoring === false || !workloads
      ? undefined
      : found.attempt(
          () =>
            new MonitoringChart(scope, 'monitoring', {
              namespace,
              workloads,
              monitoring: env.monitoring || undefined,
              // The Prometheus that scrapes the PodMonitors evaluates the rules too.
              prometheusNamespace: env.networkPolicies?.prometheusNamespace,
            }),
        );
  if (env.grafana !== undefined && env.grafana !== false && env.monitoring === false) {
    found.add(
      new ConfigError(
        'grafana',
        'needs monitoring (its dashboards chart the scraped targets); enable monitoring or set grafana: false',
      ),
    );
  }
  const grafana =
    env.grafana === false || !monitoring || !tempo || !datasourcePlan
      ? undefined
      : found.attempt(
          () =>
            new GrafanaChart(scope, 'grafana', {
              stack: {
                stackId: namespace,
                tempo: tempo.tempo,
                monitoring: monitoring.monitoring.config,
                plan: datasourcePlan,
                gateway: gateway?.gateway,
              },
              grafana: env.grafana || undefined,
            }),
        );
  const flows =
    workloads &&
    found.attempt(() =>
      planFlows({
        grafanaNamespace: env.grafana ? env.grafana.namespace : undefined,
        ...env.networkPolicies,
        ...workloads,
      }),
    );
  const network =
    env.networkPolicies?.enabled === false || !flows
      ? undefined
      : found.attempt(() => new NetworkChart(scope, 'network', { namespace, flows }));
  const gitopsOptions = env.gitops || undefined;
  const gitops =
    gitopsOptions &&
    found.attempt(() => new GitOpsChart(scope, 'gitops', { ...gitopsOptions, environment: env.name }));
  found.throwIfAny();
  return {
    namespace: namespaceChart,
    tempo: tempo!,
    collector,
    monitoring,
    grafana,
    gateway,
    network,
    gitops,
    flows: flows!,
    ownership: { name: namespace, managed },
  };
}

/**
 * Every tenant the stack writes, in a stable order: the collector's tenant, its namespace
 * tenants and sampled copy, then the tenants with Tempo overrides.
 */
function stackTenants(env: EnvironmentDefinition): string[] {
  const c = env.collector === false ? undefined : env.collector;
  const g = c?.gateway === false ? undefined : c?.gateway;
  const all = [
    c?.tenant,
    ...(g?.namespaceTenants ?? []).map((t) => t.tenant),
    g?.sampledTenant?.tenant,
    ...Object.keys(env.tempo?.tenants ?? {}),
  ];
  return [...new Set(all.filter((t): t is string => typeof t === 'string'))];
}
