import type { CollectorStackProps } from './collector-chart';
import type { GrafanaSettings } from './grafana-chart';
import type { TracingMonitoringOptions } from '../constructs/monitoring/tracing-monitoring';
import type { GitOpsOptions } from '../constructs/platform/gitops';
import type { NetworkPoliciesOptions } from '../constructs/network/network-policies';
import type { QueryGatewayProps } from '../constructs/gateway/query-gateway';
import { TempoProps } from '../constructs/tempo/tempo';
import type { DnsLabel } from '../lib/input-types';

/**
 * One deployment target (cluster or stage). Each file in `environments/` exports one of these;
 * `environments/index.ts` lists them.
 */
export interface EnvironmentDefinition {
  /** Environment name: the `dist/<name>/` folder and the CLI argument. DNS-1123 label. */
  readonly name: DnsLabel;
  /**
   * The file that defines this environment (relative to the repository), named in the header of
   * every YAML file and in SUMMARY.md.
   * @default `environments/<name>.ts`
   */
  readonly source?: string;
  /**
   * Namespace every object goes into.
   * @default `tracing-<name>`
   */
  readonly namespace?: DnsLabel;
  /**
   * Whether this app creates the Namespace object and sets its Pod Security Admission labels
   * (`enforce: restricted`). Without it, nothing namespace-wide is written: every object the app
   * puts into the namespace selects or is labelled with this stack's labels, so other teams'
   * workloads there are untouched.
   * @default - true for the app's own namespace (`namespace` unset), false for a named one (set
   * `true` when the named namespace is this stack's alone)
   */
  readonly manageNamespace?: boolean;
  /**
   * Sanity cap: any workload asking for more replicas than this (set directly, or planned from a
   * capacity target) is an error rather than YAML. Raise it for a very large cluster.
   * @default 1000
   */
  readonly replicaLimit?: number;
  /** Grafana Tempo. @default - single binary with local storage and Tempo's defaults */
  readonly tempo?: TempoProps;
  /**
   * OpenTelemetry Collector agents and gateway in front of Tempo, or `false` for none.
   * @default - agent DaemonSet + 2-replica gateway, every trace kept, scrubbing on
   */
  readonly collector?: CollectorStackProps | false;
  /**
   * PodMonitors, alerts and SLOs for the Prometheus Operator, or `false` for none.
   * @default - on, selected by `release: kube-prometheus-stack`
   */
  readonly monitoring?: TracingMonitoringOptions | false;
  /**
   * Grafana datasources and dashboards (sidecar ConfigMaps in Grafana's namespace), or `false`.
   * Needs `monitoring` (the dashboards use its scrape targets).
   * @default - Tempo linked to the existing Prometheus datasource `prometheus`
   */
  readonly grafana?: GrafanaSettings | false;
  /**
   * An authenticating gateway (nginx) in front of Tempo's query API, and optionally its OTLP
   * receivers: every client authenticates, the tenant (`X-Scope-OrgID`) comes from who
   * authenticated, never from a header the client sent, and only the gateway reaches Tempo's
   * query-frontend. Grafana queries through it, one user per Tempo datasource. Optionally exposed
   * outside the cluster by Gateway API routes or an Ingress. Needs `tempo.multitenancy`.
   * @default - none: Grafana queries Tempo directly
   */
  readonly queryGateway?: QueryGatewayProps;
  /**
   * NetworkPolicies (default deny, then exactly the flows each workload needs).
   * @default - on; Grafana and Prometheus in `monitoring`
   */
  readonly networkPolicies?: NetworkPoliciesOptions;
  /**
   * Argo CD Application and Flux GitRepository + Kustomization for `dist/<env>`, written to
   * `dist/<env>/gitops/` (not part of the synced folder), for the repository `dist/` is committed
   * to (`repoURL`, required), or `false`.
   * @default - none: no GitOps objects until the environment names its repository
   */
  readonly gitops?: GitOpsOptions | false;
  /**
   * Lets `npm run plan` accept this environment moving to an older Tempo major version (3.x →
   * 2.x), which it refuses otherwise: Tempo has no downgrade path (docs/tempo.md), and traces not
   * yet in the backend are lost. Set it in the pull request that downgrades, so the reviewer sees
   * the decision; remove it once synced. Nothing in `dist/` depends on it.
   * @default false
   */
  readonly allowTempoDowngrade?: boolean;
}

/** Identity helper that gives editor completion and type checking for an environment file. */
export function defineEnvironment(env: EnvironmentDefinition): EnvironmentDefinition {
  return env;
}
