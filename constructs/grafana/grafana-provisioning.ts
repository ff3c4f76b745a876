import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/errors';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { checkDnsLabel } from '../../lib/validate';
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
} from './datasources';

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
  readonly datasourcesConfigMap?: string;
  /** Dashboards of the environment's own (panels, saved TraceQL/LogQL queries), beside the standard ones. @default - none */
  readonly dashboards?: readonly DashboardSpec[];
  /** Span attribute → Loki label for trace-to-logs. @default { 'service.name': 'service', 'k8s.namespace.name': 'namespace', 'k8s.pod.name': 'pod' } */
  readonly logLabels?: Record<string, string>;
  /** Span attribute → metric label for trace-to-metrics. @default { 'service.name': 'service' } */
  readonly metricLabels?: Record<string, string>;
  /** Label the Grafana sidecar picks datasources up by. @default { grafana_datasource: '1' } */
  readonly datasourceLabel?: Record<string, string>;
  /** Label the Grafana sidecar picks dashboards up by. @default { grafana_dashboard: '1' } */
  readonly dashboardLabel?: Record<string, string>;
  /** Folder annotation for dashboards (`sidecar.dashboards.folderAnnotation`). @default { grafana_folder: 'Tracing' } */
  readonly folderAnnotation?: Record<string, string>;
  /** Tenant the Tempo datasource queries (X-Scope-OrgID) when Tempo is multi-tenant. @default - required then */
  readonly tenant?: string;
}

export interface GrafanaProvisioningProps extends GrafanaProvisioningOptions {
  /** Names the objects and UIDs of this stack: the stack namespace. */
  readonly stackId: string;
  /** The Tempo the datasource queries. */
  readonly tempo: Tempo;
  /** What is scraped, for the dashboards' selectors. */
  readonly monitoring: MonitoringConfig;
}

/**
 * Datasource and dashboard ConfigMaps for the Grafana sidecar, in Grafana's namespace (the
 * chart's). Datasources: Tempo (from the Tempo object) linked to Loki and Prometheus, and back.
 */
export class GrafanaProvisioning extends Construct {
  public readonly tempoDatasource: TempoDatasource;
  public readonly prometheus: PrometheusDatasource;
  public readonly loki?: LokiDatasource;
  public readonly dashboards: readonly BuiltDashboard[];
  /** The provisioning file, as written into the ConfigMap. */
  public readonly provisioningYaml: string;

  constructor(scope: Construct, id: string, props: GrafanaProvisioningProps) {
    super(scope, id);
    const tempo = props.tempo;
    this.tempoDatasource = new TempoDatasource({
      uid: props.tempoDatasource?.uid ?? `${props.stackId}-tempo`.slice(0, 40),
      name: props.tempoDatasource?.name ?? `Tempo (${props.stackId})`,
      url: tempo.queryUrl,
      isDefault: props.tempoDatasource?.isDefault ?? false,
      httpMethod: props.tempoDatasource?.httpMethod,
      nodeGraph: props.tempoDatasource?.nodeGraph,
    });
    this.prometheus = props.prometheus ?? PrometheusDatasource.existing({ uid: 'prometheus' });
    this.loki = props.loki;
    if (tempo.multitenancyEnabled && !props.tenant) {
      throw new ConfigError(
        'grafana.tenant',
        'is required: Tempo has multi-tenancy on and answers queries without X-Scope-OrgID with 401; set the tenant Grafana queries',
      );
    }
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
      metricLabels: props.metricLabels ?? { 'service.name': 'service' },
      spanMetrics: tempo.generates('span-metrics') ? tempo.spanMetrics : undefined,
      serviceGraphs: tempo.generates('service-graphs'),
      tenant: tempo.multitenancyEnabled ? props.tenant : undefined,
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
      tempo: this.tempoDatasource,
      tempoTarget: props.monitoring.tempo,
      collectors: props.monitoring.collectors,
      spanMetrics: tempo.generates('span-metrics') ? tempo.spanMetrics : undefined,
      serviceGraphs: tempo.generates('service-graphs') ? tempo.serviceGraphMetrics : undefined,
      tailSampling: props.monitoring.tailSampling,
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
