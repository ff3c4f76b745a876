import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { checkDnsLabel, checkDnsSubdomain } from '../../lib/validate';
import type { MonitoringConfig } from '../monitoring/monitoring-config';
import type { Tempo } from '../tempo/tempo';
import {
  BuiltDashboard,
  collectorHealth,
  DashboardInput,
  tempoOperations,
  tracingOverview,
} from './dashboards';
import { customDashboards, DashboardSpec } from './custom-dashboards';
import {
  DatasourceRef,
  LokiDatasource,
  PrometheusDatasource,
  renderDatasourceProvisioning,
  TempoDatasource,
  TenantDatasource,
} from './datasources';
import type { PlannedTempoDatasource, TempoDatasourcePlan } from './tempo-datasource-plan';
import type { DnsSubdomain } from '../../lib/input-types';
import type { Annotations, AttributeMap, DnsLabel, Labels, TenantId } from '../../lib/input-types';

/** Datasources provisioned only to link to Tempo, beside existing ones this app cannot change. */
export interface TraceLinkDatasources {
  /** A second Loki datasource (same Loki) carrying the derived field to Tempo. @default - none */
  readonly loki?: LokiDatasource;
  /** A second Prometheus datasource carrying exemplar links to Tempo. @default - none */
  readonly prometheus?: PrometheusDatasource;
}

/** What an environment sets for Grafana. */
export interface GrafanaProvisioningOptions {
  /** Loki to link traces to logs (and back, when provisioned here). @default - no logs links */
  readonly loki?: LokiDatasource;
  /** Prometheus for trace-to-metrics, the service map, exemplars and the dashboards. @default PrometheusDatasource.existing({ uid: 'prometheus' }) (kube-prometheus-stack) */
  readonly prometheus?: PrometheusDatasource;
  /** The Tempo datasource. @default - name 'Tempo (<stack>)', uid '<stack>-tempo', not default, node graph on, Grafana's HTTP method */
  readonly tempoDatasource?: {
    readonly name?: string;
    readonly uid?: string;
    readonly isDefault?: boolean;
    /** `jsonData.httpMethod`. @default - Grafana's (GET) */
    readonly httpMethod?: 'GET' | 'POST';
    /** Node graph above the trace view (needs no metrics generator). @default true */
    readonly nodeGraph?: boolean;
  };
  /**
   * When `loki` / `prometheus` are existing datasources (another chart's), extra ones provisioned
   * here to carry the links back to Tempo: Loki derived fields, Prometheus exemplars.
   * @default - none
   */
  readonly traceLinks?: TraceLinkDatasources;
  /** Name of the datasources ConfigMap (its file is `<name>.yaml`). @default '<stack>-datasources' */
  readonly datasourcesConfigMap?: DnsLabel;
  /** Dashboards of the environment's own (panels, saved TraceQL/LogQL queries), beside the standard ones. @default - none */
  readonly dashboards?: readonly DashboardSpec[];
  /** Span attribute → Loki label for trace-to-logs. @default { 'service.name': 'service', 'k8s.namespace.name': 'namespace', 'k8s.pod.name': 'pod' } */
  readonly logLabels?: AttributeMap;
  /** Span attribute → metric label for trace-to-metrics. @default { 'service.name': 'service' } */
  readonly metricLabels?: AttributeMap;
  /** Label the Grafana sidecar picks datasources up by. @default { grafana_datasource: '1' } */
  readonly datasourceLabel?: Labels;
  /** Label the Grafana sidecar picks dashboards up by. @default { grafana_dashboard: '1' } */
  readonly dashboardLabel?: Labels;
  /** Folder annotation for dashboards (`sidecar.dashboards.folderAnnotation`). @default { grafana_folder: 'Tracing' } */
  readonly folderAnnotation?: Annotations;
  /**
   * Tenant the main Tempo datasource queries (X-Scope-OrgID) when Tempo is multi-tenant, or a
   * list of tenants it reads together (Tempo's cross-tenant query, `a|b`); the other tenants get
   * datasources of their own (`tenants`).
   * @default - required then
   */
  readonly tenant?: TenantId | readonly TenantId[];
  /**
   * Tenants that get a Tempo datasource each (multi-tenant Tempo), with the same links to logs
   * and metrics as the main one.
   * @default - every tenant the stack writes: collector.tenant, the gateway's namespace and sampled tenants, tempo.tenants
   */
  readonly tenants?: readonly TenantId[];
  /**
   * One more datasource reading these tenants together (Tempo's cross-tenant query, `a|b`);
   * Loki's and Prometheus's links to traces then point at it (a trace is found in any of them),
   * and the standard dashboards' trace search uses it.
   * @default - none: links point at each tenant's datasource
   */
  readonly crossTenant?: readonly TenantId[];
  /**
   * With the query gateway: the Secret in Grafana's namespace holding one password per Tempo
   * datasource (key = the datasource UID, also the gateway user), mounted into Grafana at
   * `mountPath` (kube-prometheus-stack: `grafana.extraSecretMounts`). The provisioning file reads
   * it with `$__file{<mountPath>/<uid>}`; no password is in dist/.
   * @default - required when the stack has a query gateway
   */
  readonly gatewayCredentials?: GatewayCredentials;
}

/** Where Grafana finds its passwords for the query gateway. */
export interface GatewayCredentials {
  /** The Secret (in Grafana's namespace), one key per Tempo datasource UID. */
  readonly secretName: DnsSubdomain;
  /** Where Grafana's pod mounts it. @default '/etc/secrets/<secretName>' */
  readonly mountPath?: string;
}

export interface GrafanaProvisioningProps extends GrafanaProvisioningOptions {
  /** Names the objects and UIDs of this stack: the stack namespace. */
  readonly stackId: string;
  /** The Tempo the datasource queries. */
  readonly tempo: Tempo;
  /** What is scraped, for the dashboards' selectors. */
  readonly monitoring: MonitoringConfig;
  /** The Tempo datasources (`planTempoDatasources`). */
  readonly plan: TempoDatasourcePlan;
  /**
   * The query gateway Grafana reaches Tempo through, if the stack has one: `grafanaUrl` (with
   * OIDC, the Basic-auth listener of Grafana's datasource users).
   */
  readonly gateway?: { readonly grafanaUrl: string };
}

/**
 * Datasource and dashboard ConfigMaps for the Grafana sidecar, in Grafana's namespace (the
 * chart's). Datasources: Tempo (from the Tempo object) linked to Loki and Prometheus, and back.
 */
export class GrafanaProvisioning extends Construct {
  /** The main Tempo datasource (`grafana.tenant`'s). */
  public readonly tempoDatasource: TempoDatasource;
  /** Every Tempo datasource, the main one first. */
  public readonly tempoDatasources: readonly TempoDatasource[];
  /** With the query gateway: the Secret in Grafana's namespace with the datasources' passwords. */
  public readonly gatewaySecretName?: string;
  public readonly prometheus: PrometheusDatasource;
  public readonly loki?: LokiDatasource;
  public readonly dashboards: readonly BuiltDashboard[];
  /** The provisioning file, as written into the ConfigMap. */
  public readonly provisioningYaml: string;

  constructor(scope: Construct, id: string, props: GrafanaProvisioningProps) {
    super(scope, id);
    const tempo = props.tempo;
    const plan = props.plan;
    const url = props.gateway?.grafanaUrl ?? tempo.queryUrl;
    const datasource = (d: PlannedTempoDatasource) =>
      new TempoDatasource({
        uid: d.uid,
        name: d.name,
        url,
        isDefault: d.main ? (props.tempoDatasource?.isDefault ?? false) : false,
        httpMethod: props.tempoDatasource?.httpMethod,
        nodeGraph: props.tempoDatasource?.nodeGraph,
      });
    const tempos = new Map(plan.all.map((d) => [d.uid, datasource(d)]));
    this.tempoDatasource = tempos.get(plan.main.uid)!;
    this.tempoDatasources = [...tempos.values()];
    const entry = (d: PlannedTempoDatasource): TenantDatasource => ({
      ds: tempos.get(d.uid)!,
      orgId: d.orgId ?? '',
      label: d.label,
    });
    let gateway: { passwordDir: string } | undefined;
    if (props.gateway) {
      const c = props.gatewayCredentials;
      if (!c || typeof c !== 'object' || !c.secretName)
        throw new ConfigError(
          'grafana.gatewayCredentials',
          `is required: Grafana reaches Tempo through the query gateway as a client, one user per Tempo datasource (${plan.all.map((d) => show(d.uid)).join(', ')}); name the Secret in Grafana's namespace that holds their passwords, e.g. { secretName: 'tempo-gateway-grafana' }`,
        );
      checkDnsSubdomain(c.secretName, 'grafana.gatewayCredentials.secretName');
      const dir = c.mountPath ?? `/etc/secrets/${c.secretName}`;
      if (typeof dir !== 'string' || !/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/.test(dir))
        throw new ConfigError(
          'grafana.gatewayCredentials.mountPath',
          `${show(dir)} is not an absolute path; give e.g. '/etc/secrets/tempo-gateway-grafana'`,
        );
      gateway = { passwordDir: dir };
      this.gatewaySecretName = c.secretName;
    } else if (props.gatewayCredentials !== undefined)
      throw new ConfigError(
        'grafana.gatewayCredentials',
        'is set but the stack has no query gateway (queryGateway); remove it',
      );
    this.prometheus = props.prometheus ?? PrometheusDatasource.existing({ uid: 'prometheus' });
    this.loki = props.loki;
    checkTraceLink('loki', props.traceLinks?.loki, props.loki);
    checkTraceLink('prometheus', props.traceLinks?.prometheus, props.prometheus);
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY };
    this.provisioningYaml = renderDatasourceProvisioning({
      tempo: this.tempoDatasource,
      loki: this.loki,
      prometheus: this.prometheus,
      traceLinks: props.traceLinks,
      logLabels: props.logLabels ?? {
        'service.name': 'service',
        'k8s.namespace.name': 'namespace',
        'k8s.pod.name': 'pod',
      },
      // The span-metrics label the service name lands in depends on the producer (catalog).
      metricLabels: props.metricLabels ?? {
        'service.name': props.monitoring.spanMetrics?.labels.service ?? 'service',
      },
      spanMetrics: props.monitoring.spanMetrics,
      serviceGraphs: tempo.generates('service-graphs'),
      tenant: plan.main.orgId,
      tenantDatasources: plan.all.filter((d) => !d.main).map(entry),
      linkTargets: plan.linkTargets.map(entry),
      gateway,
    });
    const name = (suffix: string) => checkDnsLabel(`${props.stackId}-${suffix}`, 'grafana.configMapName');
    const datasourcesName =
      props.datasourcesConfigMap === undefined
        ? name('datasources')
        : checkDnsLabel(props.datasourcesConfigMap, 'grafana.datasourcesConfigMap');
    new k8s.KubeConfigMap(this, 'Datasources', {
      metadata: {
        name: datasourcesName,
        labels: { ...labels, ...(props.datasourceLabel ?? { grafana_datasource: '1' }) },
      },
      data: { [`${datasourcesName}.yaml`]: this.provisioningYaml },
    });

    const input: DashboardInput = {
      id: props.stackId,
      prometheus: this.prometheus,
      tempo: tempos.get(plan.search.uid)!,
      tempoFor: (tenant, property) => tempos.get(plan.forPanel(tenant, property).uid)!,
      tempoTarget: props.monitoring.tempo,
      collectors: props.monitoring.collectors,
      spanMetrics: props.monitoring.spanMetrics,
      serviceGraphs: tempo.generates('service-graphs') ? tempo.serviceGraphMetrics : undefined,
      tailSampling: props.monitoring.tailSampling,
      ...(props.monitoring.queryGateway ? { queryGateway: props.monitoring.queryGateway } : {}),
    };
    this.dashboards = [
      ...[tracingOverview(input), tempoOperations(input), collectorHealth(input)].filter(
        (d): d is BuiltDashboard => d !== undefined,
      ),
      ...customDashboards(input, this.loki, props.dashboards),
    ];
    for (const d of this.dashboards) {
      new k8s.KubeConfigMap(this, `Dashboard-${d.slug}`, {
        metadata: {
          name: name(`dashboard-${d.slug}`),
          labels: { ...labels, ...(props.dashboardLabel ?? { grafana_dashboard: '1' }) },
          annotations: props.folderAnnotation ?? { grafana_folder: 'Tracing' },
        },
        data: { [`${props.stackId}-${d.slug}.json`]: JSON.stringify(d.json, null, 2) },
      });
    }
  }
}

function checkTraceLink(
  type: 'loki' | 'prometheus',
  link: DatasourceRef | undefined,
  main: DatasourceRef | undefined,
): void {
  if (link === undefined) return;
  const property = `grafana.traceLinks.${type}`;
  const factory = type === 'loki' ? 'LokiDatasource' : 'PrometheusDatasource';
  if (!link.provisioned)
    throw new ConfigError(
      property,
      `is an existing datasource; only one provisioned here carries links to Tempo, so give ${factory}.provisioned({ url, uid })`,
    );
  if (main?.provisioned)
    throw new ConfigError(
      property,
      `grafana.${type} is provisioned here and already links to Tempo; drop traceLinks.${type}`,
    );
}
