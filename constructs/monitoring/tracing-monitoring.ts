import { Construct } from 'constructs';
import {
  PodMonitor,
  PodMonitorSpecPodMetricsEndpointsRelabelingsAction,
  PodMonitorSpecPodMetricsEndpointsScheme,
  PrometheusRule,
  PrometheusRuleSpecGroupsRulesExpr,
} from '../../imports/monitoring.coreos.com';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { checkLabels, checkPrometheusDuration } from '../../lib/validate';
import { alertGroups } from './alerts';
import {
  MonitoringConfig,
  MonitoringInputs,
  MonitoringProps,
  resolveMonitoringConfig,
} from './monitoring-config';
import type { StackWorkloads } from '../stack/workloads';
import { PROMETHEUS_EXPORTER_PORT_NAME } from '../otel-collector/span-metrics';
import { ROLLOUT_OPERATOR_PORTS } from '../tempo/rollout-operator';
import { GATEWAY_METRICS_PORT } from '../gateway/query-gateway';
import { MEMCACHED_EXPORTER_PORT } from '../memcached/memcached';
import type { PodGroup } from '../common/flows';
import { checkGroups, renderGroups, RuleGroup } from './rule-model';
import { resolveSlo, sloAlerts, sloRecordingRules, TempoSloProps, tempoSlos } from './slo';

/** What an environment sets for monitoring. */
export interface TracingMonitoringOptions extends MonitoringProps {
  /** SLO objectives and burn-rate windows. @default - the four Tempo SLOs of the seeds */
  readonly slos?: TempoSloProps;
}

export interface TracingMonitoringProps extends TracingMonitoringOptions, StackWorkloads {
  /** @default 'monitoring' (see MonitoringInputs.prometheusNamespace) */
  readonly prometheusNamespace?: MonitoringInputs['prometheusNamespace'];
}

/** One scraped workload: pods selected by labels, metrics on a named container port. */
interface PodScrape {
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly selectorLabels: Record<string, string>;
  readonly port: string;
  /** Scrape native histograms too (and keep the classic `_bucket` series). */
  readonly nativeHistograms?: boolean;
  /** HTTPS scrape, verified against this Secret's CA (Tempo's `serverTls`). */
  readonly tls?: { readonly secretName: string; readonly caKey: string; readonly serverName: string };
  /** More ports scraped the same way (a collector's `prometheus` exporter). @default - none */
  readonly extraPorts?: readonly string[];
}

/** The scrape of a group of pods on its metrics `port` (and `extraPorts`, the same job). */
function scrapeOf(
  id: string,
  group: Pick<PodGroup, 'name' | 'namespace' | 'selectorLabels'>,
  port: string,
  extraPorts?: readonly string[],
): PodScrape {
  return {
    id,
    name: group.name,
    namespace: group.namespace,
    selectorLabels: { ...group.selectorLabels },
    port,
    ...(extraPorts ? { extraPorts } : {}),
  };
}

/** A collector's `prometheus` exporter port (applications' metrics, span metrics), if it has one. */
function exporterPorts(ports: readonly { readonly name: string }[]): string[] {
  return ports.filter((p) => p.name === PROMETHEUS_EXPORTER_PORT_NAME).map((p) => p.name);
}

/**
 * Scraping and alerting for the tracing stack: a PodMonitor per workload (Tempo, gateway, agent;
 * the `job` label is set to the workload name so alerts select it), and PrometheusRules for the
 * alerts, the SLO recording rules and the burn-rate alerts. Every expression is parsed at synth
 * time. `ruleGroups` is the source both of the PrometheusRules and of promtool's files.
 */
export class TracingMonitoring extends Construct {
  public readonly config: MonitoringConfig;
  /** Alert groups (Tempo, collector, trace SLIs), SLO recording and SLO alert groups. */
  public readonly ruleGroups: readonly RuleGroup[];
  /** The `job`/`namespace` of every scraped target. */
  public readonly scrapes: readonly PodScrape[];

  constructor(scope: Construct, id: string, props: TracingMonitoringProps) {
    super(scope, id);
    this.config = resolveMonitoringConfig(props);
    const labels = {
      'app.kubernetes.io/part-of': PART_OF,
      'app.kubernetes.io/managed-by': MANAGED_BY,
      ...(props.prometheusLabels ?? { release: 'kube-prometheus-stack' }),
    };
    checkLabels(labels, 'monitoring.prometheusLabels');
    const interval = props.scrapeInterval ?? '30s';
    checkPrometheusDuration(interval, 'monitoring.scrapeInterval');

    const { tempo, gateway, agent, queryGateway } = props;
    this.scrapes = [
      {
        id: 'Tempo',
        name: tempo.name,
        namespace: tempo.namespace,
        selectorLabels: tempo.selectorLabels,
        port: tempo.metricsPort.name,
        nativeHistograms: this.config.nativeHistograms,
        tls: tempo.httpTls,
      },
      // The query gateway's nginx, through its exporter sidecar; with OIDC, oauth2-proxy's own
      // endpoint too (the same job).
      ...(queryGateway
        ? [
            scrapeOf(
              'QueryGateway',
              queryGateway,
              GATEWAY_METRICS_PORT.name,
              queryGateway.metricsPorts.filter((x) => x !== GATEWAY_METRICS_PORT).map((x) => x.name),
            ),
          ]
        : []),
      // The rollout-operator of the live-store zones (its reconcile timestamps, by rollout group).
      ...(tempo.rolloutOperator
        ? [scrapeOf('RolloutOperator', tempo.rolloutOperator.podGroup, ROLLOUT_OPERATOR_PORTS.metrics.name)]
        : []),
      // The memcached pools Tempo's caches run on (their exporter sidecars).
      ...tempo.caches.flatMap((c, i) =>
        c.pool ? [scrapeOf(`Memcached${i}`, c.pool.podGroup, MEMCACHED_EXPORTER_PORT.name)] : [],
      ),
      ...(gateway ? [scrapeOf('Gateway', gateway, 'metrics', exporterPorts(gateway.ports))] : []),
      ...(agent ? [scrapeOf('Agent', agent, 'metrics', exporterPorts(agent.ports))] : []),
    ];
    for (const s of this.scrapes) {
      new PodMonitor(this, `${s.id}PodMonitor`, {
        metadata: { name: s.name, namespace: s.namespace, labels },
        spec: {
          selector: { matchLabels: s.selectorLabels },
          namespaceSelector: { matchNames: [s.namespace] },
          // Prometheus >= 3.8 (`scrape_native_histograms`; with it Prometheus asks for protobuf
          // first, prometheus/prometheus config/config.go:981-993 at v3.16.0); classic buckets stay
          // for the alerts and dashboards that read `_bucket` (Prometheus Operator 0.89 CRD).
          ...(s.nativeHistograms ? { scrapeNativeHistograms: true, scrapeClassicHistograms: true } : {}),
          podMetricsEndpoints: [s.port, ...(s.extraPorts ?? [])].map((port) => ({
            port,
            path: '/metrics',
            ...(s.tls
              ? {
                  scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTPS,
                  tlsConfig: {
                    ca: { secret: { name: s.tls.secretName, key: s.tls.caKey } },
                    serverName: s.tls.serverName,
                  },
                }
              : {}),
            interval,
            relabelings: [
              // job=<workload> (instead of <namespace>/<podmonitor>), what the alerts select on.
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                targetLabel: 'job',
                replacement: s.name,
              },
              // component=<distributor|ingester|…|single-binary|gateway|agent>, for per-component alerts and panels.
              {
                action: PodMonitorSpecPodMetricsEndpointsRelabelingsAction.REPLACE,
                sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_component'],
                targetLabel: 'component',
              },
            ],
          })),
        },
      });
    }

    const slos = tempoSlos(this.config, props.slos).map(resolveSlo);
    const alerts = alertGroups(this.config);
    const recording = sloRecordingRules(slos);
    const burn = sloAlerts(slos, this.config.runbookBaseUrl);
    this.ruleGroups = [...alerts, recording, burn];
    checkGroups(this.ruleGroups, 'monitoring');

    const rule = (ruleId: string, name: string, groups: RuleGroup[]) =>
      new PrometheusRule(this, ruleId, {
        metadata: { name, namespace: tempo.namespace, labels },
        spec: {
          groups: renderGroups(groups).map((g) => ({
            ...g,
            rules: g.rules.map((r) => ({
              ...r,
              expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr as string),
            })),
          })),
        },
      });
    // Alerts and recording rules in separate objects, as in the tempo-mixin.
    rule('Alerts', `${tempo.name}-alerts`, [...alerts, burn]);
    rule('Rules', `${tempo.name}-rules`, [recording]);
  }
}
