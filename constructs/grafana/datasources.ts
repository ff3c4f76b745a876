/**
 * Grafana datasource provisioning (file format `apiVersion: 1`), pure. Datasources are typed
 * objects: a link from Tempo to Loki or Prometheus (and back) is an object reference, so a UID
 * cannot dangle. Keys follow Grafana's provisioning docs
 * (docs/sources/datasources/tempo/configure-tempo-data-source/provision-data-source.md, the
 * Loki `derivedFields` and Prometheus `exemplarTraceIdDestinations` settings).
 */
import { stringify } from 'yaml';
import { ConfigError, DeferredChecks, show } from '../../lib/errors';
import { checkBoolean, checkHttpUrl, checkPlainObject, PROMETHEUS_LABEL_NAME } from '../../lib/validate';
import type { SpanMetricNames } from '../tempo/generated-metrics';

export interface ProvisionedDatasourceProps {
  /** URL Grafana's server calls (proxy access). */
  readonly url: string;
  /** @default - the type's name: 'Loki', 'Prometheus' */
  readonly name?: string;
  /** @default - the type: 'loki', 'prometheus' */
  readonly uid?: string;
  /** Grafana's default datasource; at most one across everything provisioned. @default false */
  readonly isDefault?: boolean;
}

/** Loki's derived field: links a log line to Tempo when it holds a trace ID. */
export interface LokiProvisionedProps extends ProvisionedDatasourceProps {
  /**
   * Regular expression whose first group captures the trace ID in a log line (Grafana evaluates
   * it in the browser: JavaScript syntax, no inline flags).
   * @default - `trace_id=…`, `traceID: …`, `"traceId":"…"`, `TraceId: …` with a 16–32 digit hex ID
   */
  readonly matcherRegex?: string;
}

/** Prometheus exemplars: which exemplar label holds the trace ID. */
export interface PrometheusProvisionedProps extends ProvisionedDatasourceProps {
  /**
   * Exemplar label names that carry the trace ID, one link to Tempo each: Tempo's metrics
   * generator writes `traceID` (modules/generator/registry/histogram.go), the collector's
   * Prometheus exporter `trace_id` (prometheus/otlptranslator `ExemplarTraceIDKey`).
   * @default ['traceID']
   */
  readonly exemplarLabels?: readonly string[];
}

/** A trace ID in a log line (trace_id=…, traceID: …, "traceId":"…", TraceId: …). */
export const DEFAULT_TRACE_ID_REGEX = '(?:[Tt]race_?[Ii][Dd])["\\s:=]+"?([0-9a-fA-F]{16,32})';

function checkMatcherRegex(value: string | undefined, property: string): string {
  if (value === undefined) return DEFAULT_TRACE_ID_REGEX;
  let re: RegExp;
  try {
    if (typeof value !== 'string' || value === '') throw new Error('not a non-empty string');
    re = new RegExp(value);
  } catch (e) {
    throw new ConfigError(
      property,
      `${show(value)} is not a regular expression (${(e as Error).message}); give a JavaScript regex whose first group captures the trace ID`,
    );
  }
  // A regex matching the empty string plus one alternative per group counts the groups.
  const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
  if (groups === 0)
    throw new ConfigError(
      property,
      `${show(value)} has no capture group; Grafana links the text of the first group, so wrap the trace ID in ( )`,
    );
  return value;
}

function checkExemplarLabels(value: readonly string[] | undefined, property: string): string[] {
  if (value === undefined) return ['traceID'];
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError(
      property,
      `${show(value)} is not a non-empty list; give the exemplar label names that hold the trace ID, e.g. ['traceID']`,
    );
  value.forEach((l, i) => {
    if (typeof l !== 'string' || !PROMETHEUS_LABEL_NAME.test(l))
      throw new ConfigError(
        `${property}[${i}]`,
        `${show(l)} is not a Prometheus label name; use letters, digits and '_' (not first), e.g. 'trace_id'`,
      );
    if (value.indexOf(l) !== i)
      throw new ConfigError(`${property}[${i}]`, `${show(l)} is listed twice; list each label once`);
  });
  return [...value];
}

const UID = /^[a-zA-Z0-9_-]{1,40}$/;

function checkUid(uid: string | undefined, property: string): string {
  if (uid === undefined || uid === '') {
    throw new ConfigError(
      property,
      'is missing; a datasource that is not provisioned here is referenced by its UID, so give it (Grafana > Connections > Data sources > the datasource, in the URL)',
    );
  }
  if (!UID.test(uid))
    throw new ConfigError(
      property,
      `${show(uid)} is not a datasource UID; use up to 40 letters, digits, '-' and '_'`,
    );
  return uid;
}

function checkUrl(url: string, property: string): string {
  checkHttpUrl(url, property);
  return url;
}

type Provisioned = {
  readonly name: string;
  readonly url: string;
  readonly isDefault: boolean;
  /** Loki: the derived field's regex. */
  readonly matcherRegex?: string;
  /** Prometheus: exemplar labels that link to Tempo. */
  readonly exemplarLabels?: readonly string[];
};

/**
 * A Grafana datasource other objects link to. The factories only store their props; the checks
 * run when the environment is validated (see DeferredChecks), so they are reported as `<env>.grafana…`.
 */
export abstract class DatasourceRef extends DeferredChecks {
  public abstract readonly type: 'loki' | 'prometheus' | 'tempo';
  private resolved?: { uid: string; provisioned?: Provisioned };

  protected constructor(private readonly resolve: () => { uid: string; provisioned?: Provisioned }) {
    super();
  }

  protected validate(): void {
    this.resolved = this.resolve();
  }

  public get uid(): string {
    this.check();
    return this.resolved!.uid;
  }

  /** Set when this app provisions the datasource (then its links back can be provisioned too). */
  public get provisioned(): Provisioned | undefined {
    this.check();
    return this.resolved!.provisioned;
  }

  /** `{ type, uid }`, the form dashboards use. */
  public get ref(): { type: string; uid: string } {
    return { type: this.type, uid: this.uid };
  }
}

function existing(props: { readonly uid: string }, property: string) {
  return () => ({
    uid: checkUid(checkPlainObject(props, property, "{ uid: 'loki' }")?.uid, `${property}.uid`),
  });
}

function provisioned(
  props: LokiProvisionedProps & PrometheusProvisionedProps,
  property: string,
  type: 'loki' | 'prometheus',
) {
  return () => {
    checkPlainObject(props, property, `{ url: 'http://${type}.${type}.svc.cluster.local' }`);
    const isDefault = checkBoolean(props.isDefault ?? false, `${property}.isDefault`);
    return {
      uid: checkUid(props.uid ?? type, `${property}.uid`),
      provisioned: {
        name: props.name ?? type.charAt(0).toUpperCase() + type.slice(1),
        url: checkUrl(props.url, `${property}.url`),
        isDefault,
        ...(type === 'loki'
          ? { matcherRegex: checkMatcherRegex(props.matcherRegex, `${property}.matcherRegex`) }
          : { exemplarLabels: checkExemplarLabels(props.exemplarLabels, `${property}.exemplarLabels`) }),
      },
    };
  };
}

export class LokiDatasource extends DatasourceRef {
  /** A Loki datasource Grafana already has (e.g. from the loki-stack chart). */
  public static existing(props: { readonly uid: string }): LokiDatasource {
    return new LokiDatasource(existing(props, 'grafana.loki'));
  }

  /** A Loki datasource provisioned here (its derived fields link log lines to traces). */
  public static provisioned(props: LokiProvisionedProps): LokiDatasource {
    return new LokiDatasource(provisioned(props, 'grafana.loki', 'loki'));
  }

  public readonly type = 'loki' as const;
}

export class PrometheusDatasource extends DatasourceRef {
  /** A Prometheus datasource Grafana already has (kube-prometheus-stack: uid `prometheus`). */
  public static existing(props: { readonly uid: string }): PrometheusDatasource {
    return new PrometheusDatasource(existing(props, 'grafana.prometheus'));
  }

  /** A Prometheus datasource provisioned here (its exemplars link to traces). */
  public static provisioned(props: PrometheusProvisionedProps): PrometheusDatasource {
    return new PrometheusDatasource(provisioned(props, 'grafana.prometheus', 'prometheus'));
  }

  public readonly type = 'prometheus' as const;
}

export interface TempoDatasourceProps {
  /** Datasource UID (links from other datasources and dashboards use it). */
  readonly uid: string;
  /** Display name. */
  readonly name: string;
  /** Tempo's query URL (the Tempo object's `queryUrl`). */
  readonly url: string;
  /** Whether this is the organization's default datasource. @default false */
  readonly isDefault?: boolean;
  /** HTTP method of Grafana's queries (`jsonData.httpMethod`). @default - Grafana's (GET) */
  readonly httpMethod?: 'GET' | 'POST';
  /**
   * The node graph above the trace view (`jsonData.nodeGraph.enabled`); drawn from the trace's own
   * spans, so it needs no metrics generator (the service map does).
   * @default true
   */
  readonly nodeGraph?: boolean;
}

/** The Tempo datasource this app provisions. */
export class TempoDatasource extends DatasourceRef {
  public readonly type = 'tempo' as const;
  public readonly httpMethod?: 'GET' | 'POST';
  public readonly nodeGraph: boolean;

  constructor(props: TempoDatasourceProps) {
    super(() => ({
      uid: checkUid(props.uid, 'grafana.tempo.uid'),
      provisioned: {
        name: props.name,
        url: checkUrl(props.url, 'grafana.tempo.url'),
        isDefault: props.isDefault ?? false,
      },
    }));
    this.check(); // built by the app, not by an environment file: check at once
    if (props.httpMethod !== undefined && props.httpMethod !== 'GET' && props.httpMethod !== 'POST')
      throw new ConfigError(
        'grafana.tempoDatasource.httpMethod',
        `${show(props.httpMethod)} is not an HTTP method Grafana's Tempo datasource uses; give 'GET' or 'POST'`,
      );
    this.httpMethod = props.httpMethod;
    this.nodeGraph = checkBoolean(props.nodeGraph ?? true, 'grafana.tempoDatasource.nodeGraph');
  }
}

export interface DatasourceModelInput {
  readonly tempo: TempoDatasource;
  readonly loki?: LokiDatasource;
  readonly prometheus?: PrometheusDatasource;
  /**
   * Datasources provisioned only for their links to Tempo (derived fields, exemplars), beside an
   * existing `loki` / `prometheus` that this app cannot change.
   */
  readonly traceLinks?: { readonly loki?: LokiDatasource; readonly prometheus?: PrometheusDatasource };
  /** Span attribute → log label, for trace-to-logs queries. */
  readonly logLabels: Readonly<Record<string, string>>;
  /** Span attribute → metric label, for trace-to-metrics queries. */
  readonly metricLabels: Readonly<Record<string, string>>;
  /** Span-metrics names when the generator writes them (trace-to-metrics queries use them). */
  readonly spanMetrics?: SpanMetricNames;
  readonly serviceGraphs: boolean;
  /** Tenant sent as X-Scope-OrgID when Tempo is multi-tenant (without the query gateway). */
  readonly tenant?: string;
  /**
   * Further Tempo datasources, one per tenant or tenant set (`orgId` `a|b` is Tempo's cross-tenant
   * query), each with the same trace-to-logs and trace-to-metrics links as the main one.
   * @default - none
   */
  readonly tenantDatasources?: readonly TenantDatasource[];
  /**
   * The Tempo datasources Loki's derived field and Prometheus's exemplars link to (one link each,
   * labelled with its tenants).
   * @default - the main one
   */
  readonly linkTargets?: readonly TenantDatasource[];
  /**
   * Grafana reaches Tempo through the query gateway: each Tempo datasource authenticates with
   * Basic auth as its own UID (the gateway maps that user to the datasource's tenants), the
   * password read from `<passwordDir>/<uid>` (Grafana's `$__file{}` expansion of a mounted
   * Secret), and sends no X-Scope-OrgID (the gateway sets it).
   * @default - Tempo directly, with X-Scope-OrgID
   */
  readonly gateway?: { readonly passwordDir: string };
}

/** A Tempo datasource for some tenants (see DatasourceModelInput.tenantDatasources). */
export interface TenantDatasource {
  readonly ds: TempoDatasource;
  /** The X-Scope-OrgID value: a tenant, or tenants joined by `|`. */
  readonly orgId: string;
  /** Shown on links to it, e.g. `backstage` or `jenkins + argocd`. */
  readonly label: string;
}

/**
 * A value Grafana must expand when it loads the file (`$__file{…}`): written as is, where every
 * other `$` is escaped.
 */
class ProvisioningExpansion {
  constructor(public readonly value: string) {}
}

const tagList = (m: Readonly<Record<string, string>>) =>
  Object.entries(m).map(([key, value]) => ({ key, value }));

/** The provisioning document: `{ apiVersion: 1, datasources: [...] }`. `$` are written unescaped here. */
export function buildDatasourceProvisioning(i: DatasourceModelInput): {
  apiVersion: 1;
  datasources: Record<string, unknown>[];
} {
  const main = i.tempo;
  const datasources: Record<string, unknown>[] = [];
  const shift = { spanStartTimeShift: '-1h', spanEndTimeShift: '1h' };
  const sm = i.spanMetrics;
  const tempos: { ds: TempoDatasource; orgId?: string }[] = [
    { ds: main, orgId: i.tenant },
    ...(i.tenantDatasources ?? []),
  ];
  for (const { ds: t, orgId } of tempos)
    datasources.push({
      name: t.provisioned!.name,
      type: 'tempo',
      uid: t.uid,
      access: 'proxy',
      url: t.provisioned!.url,
      isDefault: t.provisioned!.isDefault,
      editable: false,
      ...(i.gateway ? { basicAuth: true, basicAuthUser: t.uid } : {}),
      jsonData: {
        ...(t.httpMethod ? { httpMethod: t.httpMethod } : {}),
        ...(orgId && !i.gateway ? { httpHeaderName1: 'X-Scope-OrgID' } : {}),
        // The gateway speaks HTTP/1.1; Grafana's streaming dials gRPC to the URL's host
        // (grafana-tempo-datasource pkg/tempo/grpc.go), so it stays off through the gateway.
        ...(i.gateway ? { streamingEnabled: { search: false, metrics: false } } : {}),
        ...(i.loki
          ? {
              tracesToLogsV2: {
                datasourceUid: i.loki.uid,
                ...shift,
                tags: tagList(i.logLabels),
                filterByTraceID: true,
                filterBySpanID: false,
              },
            }
          : {}),
        ...(i.prometheus
          ? {
              tracesToMetrics: {
                datasourceUid: i.prometheus.uid,
                ...shift,
                tags: tagList(i.metricLabels),
                ...(sm
                  ? {
                      queries: [
                        { name: 'Request rate', query: `sum(rate(${sm.calls}{$__tags}[5m]))` },
                        {
                          name: 'Error rate',
                          query: `sum(rate(${sm.calls}{$__tags, ${sm.labels.statusCode}="${sm.errorStatus}"}[5m]))`,
                        },
                        {
                          name: 'Latency P95',
                          query: `histogram_quantile(0.95, sum by (le) (rate(${sm.latencyBucket}{$__tags}[5m])))`,
                        },
                      ],
                    }
                  : {}),
              },
              ...(i.serviceGraphs ? { serviceMap: { datasourceUid: i.prometheus.uid } } : {}),
            }
          : {}),
        nodeGraph: { enabled: t.nodeGraph },
        search: { hide: false },
        traceQuery: { timeShiftEnabled: true, ...shift },
        spanBar: { type: 'Tag', tag: 'http.route' },
      },
      ...(i.gateway
        ? {
            secureJsonData: {
              basicAuthPassword: new ProvisioningExpansion(`$__file{${i.gateway.passwordDir}/${t.uid}}`),
            },
          }
        : // The tenant is not a secret, but Grafana only takes custom header values here.
          orgId
          ? { secureJsonData: { httpHeaderValue1: orgId } }
          : {}),
    });
  const linked: { ds: TempoDatasource; label?: string }[] = i.linkTargets?.length
    ? [...i.linkTargets]
    : [{ ds: main }];
  // One target: the plain 'TraceID' / 'View trace'; several: each labelled with its tenants.
  const targets = linked.map((x) => ({
    uid: x.ds.uid,
    suffix: linked.length > 1 ? ` (${x.label ?? x.ds.provisioned!.name})` : '',
  }));
  for (const loki of [i.loki, i.traceLinks?.loki]) {
    const p = loki?.provisioned;
    if (!loki || !p) continue;
    datasources.push({
      name: p.name,
      type: 'loki',
      uid: loki.uid,
      access: 'proxy',
      url: p.url,
      isDefault: p.isDefault,
      editable: false,
      jsonData: {
        derivedFields: targets.map((x) => ({
          name: `TraceID${x.suffix}`,
          matcherRegex: p.matcherRegex,
          datasourceUid: x.uid,
          url: '${__value.raw}',
          urlDisplayLabel: `View trace${x.suffix}`,
        })),
      },
    });
  }
  for (const prometheus of [i.prometheus, i.traceLinks?.prometheus]) {
    const p = prometheus?.provisioned;
    if (!prometheus || !p) continue;
    datasources.push({
      name: p.name,
      type: 'prometheus',
      uid: prometheus.uid,
      access: 'proxy',
      url: p.url,
      isDefault: p.isDefault,
      editable: false,
      jsonData: {
        httpMethod: 'POST',
        exemplarTraceIdDestinations: p.exemplarLabels!.flatMap((name) =>
          targets.map((x) => ({
            name,
            datasourceUid: x.uid,
            urlDisplayLabel: `View trace${x.suffix}`,
          })),
        ),
      },
    });
  }
  const uids = [
    ...datasources.map((d) => ({ uid: d.uid as string, name: `'${d.name as string}'` })),
    ...[i.loki, i.prometheus]
      .filter((d) => d !== undefined && !d.provisioned)
      .map((d) => ({ uid: d!.uid, name: `the existing ${d!.type} datasource` })),
  ];
  for (const [n, d] of uids.entries()) {
    const first = uids.findIndex((e) => e.uid === d.uid);
    if (first !== n)
      throw new ConfigError(
        'grafana.datasources',
        `UID '${d.uid}' is used by ${uids[first].name} and ${d.name}; give each datasource its own uid`,
      );
  }
  const defaults = datasources.filter((d) => d.isDefault).map((d) => d.name);
  if (defaults.length > 1) {
    throw new ConfigError(
      'grafana.datasources',
      `${defaults.map((d) => `'${d}'`).join(' and ')} are both marked default; Grafana refuses to provision two defaults in one organization (kube-prometheus-stack already marks its Prometheus), so mark at most one`,
    );
  }
  return { apiVersion: 1, datasources };
}

/** Escapes every `$` as `$$`: Grafana expands environment variables in provisioning files. */
export function escapeProvisioning(value: unknown): unknown {
  if (value instanceof ProvisioningExpansion) return value.value;
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(escapeProvisioning);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeProvisioning(v)]));
  return value;
}

export function renderDatasourceProvisioning(i: DatasourceModelInput): string {
  return stringify(escapeProvisioning(buildDatasourceProvisioning(i)), {
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}
