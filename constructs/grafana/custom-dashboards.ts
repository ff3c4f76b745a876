/**
 * Dashboards an environment describes in its props (a team's own panels, its saved TraceQL and
 * LogQL queries), built with @grafana/grafana-foundation-sdk like the standard three. Every
 * query is checked when the dashboard is built: PromQL parses and reads only metrics this stack
 * exposes, TraceQL attribute references are scoped, LogQL starts with a stream selector.
 */
import { DashboardBuilder, TextBoxVariableBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as dashboardSdk from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import * as table from '@grafana/grafana-foundation-sdk/table';
import { DataqueryBuilder as TempoQuery } from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { ConfigError, show } from '../../lib/errors';
import {
  COLLECTOR_METRICS,
  PLATFORM_METRICS,
  TEMPO_METRICS,
  tempoExposedMetrics,
} from '../monitoring/metric-catalog';
import { checkPromQL, metricNames } from '../monitoring/promql';
import { BuiltDashboard, built, dashboard, DashboardInput, prom, traceSearch } from './dashboards';
import type { DatasourceRef } from './datasources';
import type { TenantId } from '../../lib/input-types';

/** A time series of one PromQL expression (Prometheus datasource). */
export interface PromQLPanelSpec {
  readonly type: 'timeseries';
  readonly title: string;
  /** PromQL; may use `$__rate_interval` and the dashboard's variables. */
  readonly promql: string;
  /** Grafana unit id. @default 'short' */
  readonly unit?: string;
  /** Legend format. @default - Grafana's */
  readonly legend?: string;
}

/** A table of the traces a TraceQL query finds (Tempo datasource): a saved query. */
export interface TraceQLPanelSpec {
  readonly type: 'traceql';
  readonly title: string;
  /** TraceQL, e.g. `{ resource.service.name = "checkout" && status = error }`. */
  readonly traceql: string;
  /** Traces shown. @default 20 */
  readonly limit?: number;
  /**
   * Where these spans are (multi-tenant Tempo): a tenant, or tenants read together (Tempo's
   * cross-tenant query; the stack provisions a datasource for the set).
   * @default - grafana.tenant
   */
  readonly tenant?: TenantId | readonly TenantId[];
}

/** Grafana's traces visualization of one trace (Tempo datasource). */
export interface TracePanelSpec {
  readonly type: 'trace';
  readonly title: string;
  /** The trace ID, usually a dashboard variable: `$trace_id`. */
  readonly traceId: string;
  /** The tenant(s) the trace is in, as for TraceQL panels. @default - grafana.tenant */
  readonly tenant?: TenantId | readonly TenantId[];
}

/** Log lines of a LogQL query (the Loki datasource). */
export interface LogQLPanelSpec {
  readonly type: 'logs';
  readonly title: string;
  /** LogQL, e.g. `{job="api"} | json | trace_id="$trace_id"`. */
  readonly logql: string;
}

export type PanelSpec = PromQLPanelSpec | TraceQLPanelSpec | TracePanelSpec | LogQLPanelSpec;

export interface DashboardSpec {
  /** Dashboard title; the stack id is appended, as on the standard dashboards. */
  readonly title: string;
  /** Names the ConfigMap and the UID (`<stack>-<slug>`). DNS label. */
  readonly slug: string;
  readonly panels: readonly PanelSpec[];
  /** Text-box variables the queries use as `$name`, with their initial value. @default {} */
  readonly variables?: Readonly<Record<string, string>>;
}

/** Slugs of the standard dashboards. */
export const STANDARD_DASHBOARD_SLUGS = ['overview', 'tempo-operations', 'collector-health'] as const;

/** Every metric name this stack's scraped targets expose (the catalog and the generator's series). */
export function exposedMetrics(i: DashboardInput): Set<string> {
  const strings = (o: object | undefined) =>
    Object.values(o ?? {}).filter(
      (v): v is string => typeof v === 'string' && /^[a-z_:][a-z0-9_:]*$/.test(v),
    );
  return new Set([
    ...tempoExposedMetrics(i.tempoTarget.line, i.tempoTarget.kafka),
    ...(i.collectors.length > 0 ? Object.values(COLLECTOR_METRICS) : []),
    ...Object.values(PLATFORM_METRICS),
    ...strings(i.spanMetrics),
    ...strings(i.serviceGraphs),
  ]);
}

const TRACEQL_SCOPES = new Set(['resource', 'span', 'parent', 'event', 'link', 'instrumentation']);

/**
 * TraceQL checks Tempo's parser would fail on (pkg/traceql/lexer.go, expr.y at v3.0.3): an
 * attribute is `.name` or `<scope>.name`; a bare `service.name` is an unknown identifier.
 */
export function checkTraceQL(query: string, property: string): string {
  if (typeof query !== 'string' || !query.trim().startsWith('{'))
    throw new ConfigError(
      property,
      `${show(query)} is not a TraceQL query; start with a spanset filter: { resource.service.name = "api" }`,
    );
  const code = query.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`/g, '""');
  let depth = 0;
  for (const ch of code) {
    depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth !== 0)
    throw new ConfigError(property, `${show(query)} has unbalanced braces; close every { with }`);
  for (const m of code.matchAll(/(?<![\w.:])([A-Za-z_]\w*)\.(?=[A-Za-z_"])/g)) {
    if (TRACEQL_SCOPES.has(m[1])) continue;
    const name = code.slice(m.index).match(/^[\w.]+/)![0];
    throw new ConfigError(
      property,
      `${show(name)} in ${show(query)} is not an attribute reference (TraceQL reads it as an unknown identifier); scope it: ${show(`resource.${name}`)}, ${show(`span.${name}`)} or ${show(`.${name}`)}`,
    );
  }
  return query;
}

function checkLogQL(query: string, property: string): string {
  if (typeof query !== 'string' || !/^\{[^}]*\}/.test(query.trim()))
    throw new ConfigError(
      property,
      `${show(query)} is not a LogQL query; start with a stream selector: {job="api"} |= "error"`,
    );
  return query;
}

function checkTitle(title: string, property: string): string {
  if (typeof title !== 'string' || title.trim() === '')
    throw new ConfigError(property, `${show(title)} is not a title; give a non-empty string`);
  return title;
}

/** A panel's Tempo datasource: its tenant's, else the main one. */
const tempoOf = (i: DashboardInput, tenant: string | readonly string[] | undefined, property: string) =>
  i.tempoFor ? i.tempoFor(tenant, `${property}.tenant`) : i.tempo;

function panel(
  i: DashboardInput,
  loki: DatasourceRef | undefined,
  spec: PanelSpec,
  exposed: Set<string>,
  property: string,
): dashboardSdk.PanelBuilder | timeseries.PanelBuilder | table.PanelBuilder | logs.PanelBuilder {
  const title = checkTitle(spec?.title, `${property}.title`);
  switch (spec.type) {
    case 'timeseries': {
      if (typeof spec.promql !== 'string')
        throw new ConfigError(`${property}.promql`, `${show(spec.promql)} is not a PromQL expression`);
      const expr = spec.promql.replace(/\$__(rate_interval|interval|range)/g, '5m');
      checkPromQL(expr, `${property}.promql`);
      const q = prom(i, property, spec.promql, spec.legend);
      const missing = metricNames(expr).filter((m) => !exposed.has(m));
      if (missing.length > 0)
        throw new ConfigError(
          `${property}.promql`,
          `reads ${missing.map((m) => `'${m}'`).join(', ')}, which nothing in this stack exposes; use a metric of the catalog (constructs/monitoring/metric-catalog.ts) or of the metrics generator, e.g. '${i.spanMetrics?.calls ?? TEMPO_METRICS.spansReceived}'`,
        );
      return new timeseries.PanelBuilder()
        .title(title)
        .unit(spec.unit ?? 'short')
        .datasource(i.prometheus.ref)
        .height(8)
        .span(24)
        .withTarget(q);
    }
    case 'traceql': {
      const limit = spec.limit ?? 20;
      if (!Number.isInteger(limit) || limit < 1)
        throw new ConfigError(`${property}.limit`, `${show(limit)} is not a positive integer; give e.g. 20`);
      return traceSearch(
        i,
        title,
        checkTraceQL(spec.traceql, `${property}.traceql`),
        limit,
        tempoOf(i, spec.tenant, property),
      );
    }
    case 'trace': {
      if (typeof spec.traceId !== 'string' || spec.traceId === '')
        throw new ConfigError(
          `${property}.traceId`,
          `${show(spec.traceId)} is not a trace ID; give one, or a variable: '$trace_id'`,
        );
      // Grafana's traces visualization (plugin id `traces`) renders the trace a TraceQL query
      // of its ID returns (docs: panels-visualizations/visualizations/traces).
      const tempo = tempoOf(i, spec.tenant, property);
      return new dashboardSdk.PanelBuilder()
        .type('traces')
        .title(title)
        .datasource(tempo.ref)
        .height(16)
        .span(24)
        .withTarget(
          new TempoQuery().datasource(tempo.ref).queryType('traceql').refId('A').query(spec.traceId),
        );
    }
    case 'logs': {
      if (!loki)
        throw new ConfigError(property, 'is a logs panel but no Loki datasource is set; set grafana.loki');
      return new logs.PanelBuilder()
        .title(title)
        .showTime(true)
        .enableLogDetails(true)
        .wrapLogMessage(true)
        .datasource(loki.ref)
        .height(10)
        .span(24)
        .withTarget(
          new LokiQuery()
            .datasource(loki.ref)
            .refId('A')
            .expr(checkLogQL(spec.logql, `${property}.logql`)),
        );
    }
    default:
      throw new ConfigError(
        `${property}.type`,
        `${show((spec as { type?: unknown }).type)} is not a panel type; give 'timeseries', 'traceql', 'trace' or 'logs'`,
      );
  }
}

const SLUG = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VARIABLE = /^[A-Za-z_]\w*$/;

/** The dashboards of `specs`; throws a ConfigError naming `grafana.dashboards[n]…` on bad input. */
export function customDashboards(
  i: DashboardInput,
  loki: DatasourceRef | undefined,
  specs: readonly DashboardSpec[] | undefined,
): BuiltDashboard[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs))
    throw new ConfigError(
      'grafana.dashboards',
      `${show(specs)} is not a list; give [{ title, slug, panels }]`,
    );
  const exposed = exposedMetrics(i);
  const slugs = new Set<string>(STANDARD_DASHBOARD_SLUGS);
  return specs.map((spec, n) => {
    const at = `grafana.dashboards[${n}]`;
    const title = checkTitle(spec?.title, `${at}.title`);
    if (typeof spec.slug !== 'string' || !SLUG.test(spec.slug) || spec.slug.length > 40)
      throw new ConfigError(
        `${at}.slug`,
        `${show(spec.slug)} is not a slug; use up to 40 lowercase letters, digits and '-'`,
      );
    if (slugs.has(spec.slug))
      throw new ConfigError(
        `${at}.slug`,
        `'${spec.slug}' is already the slug of another dashboard (${[...slugs].join(', ')}); give another`,
      );
    slugs.add(spec.slug);
    if (!Array.isArray(spec.panels) || spec.panels.length === 0)
      throw new ConfigError(`${at}.panels`, `${show(spec.panels)} is not a non-empty list of panels`);
    const d: DashboardBuilder = dashboard(i, spec.slug, title);
    for (const [name, value] of Object.entries(spec.variables ?? {})) {
      if (!VARIABLE.test(name))
        throw new ConfigError(
          `${at}.variables`,
          `${show(name)} is not a variable name; use letters, digits and '_' (not first)`,
        );
      d.withVariable(new TextBoxVariableBuilder(name).label(name).defaultValue(String(value)));
    }
    spec.panels.forEach((p: PanelSpec, k: number) =>
      d.withPanel(panel(i, loki, p, exposed, `${at}.panels[${k}]`)),
    );
    return built(spec.slug, d);
  });
}
