/**
 * Grafana datasource provisioning (file format `apiVersion: 1`), pure. Datasources are typed
 * objects: a link from Tempo to Loki or Prometheus (and back) is an object reference, so a UID
 * cannot dangle. Keys follow Grafana's provisioning docs
 * (docs/sources/datasources/tempo/configure-tempo-data-source/provision-data-source.md, the
 * Loki `derivedFields` and Prometheus `exemplarTraceIdDestinations` settings).
 */
import { stringify } from 'yaml';
import { ConfigError, show } from '../../lib/errors';
import { checkHttpUrl } from '../../lib/validate';
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

const UID = /^[a-zA-Z0-9_-]{1,40}$/;

function checkUid(uid: string | undefined, property: string): string {
  if (uid === undefined || uid === '') {
    throw new ConfigError(
      property,
      'is missing: a datasource that is not provisioned here must be referenced by its UID (Grafana > Connections > Data sources > the datasource, in the URL)',
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

/** A Grafana datasource other objects link to. */
export abstract class DatasourceRef {
  public abstract readonly type: 'loki' | 'prometheus' | 'tempo';
  public readonly uid: string;
  /** Set when this app provisions the datasource (then its links back can be provisioned too). */
  public readonly provisioned?: { readonly name: string; readonly url: string; readonly isDefault: boolean };

  protected constructor(uid: string, provisioned?: DatasourceRef['provisioned']) {
    this.uid = uid;
    this.provisioned = provisioned;
  }

  /** `{ type, uid }`, the form dashboards use. */
  public get ref(): { type: string; uid: string } {
    return { type: this.type, uid: this.uid };
  }
}

export class LokiDatasource extends DatasourceRef {
  /** A Loki datasource Grafana already has (e.g. from the loki-stack chart). */
  public static existing(props: { readonly uid: string }): LokiDatasource {
    return new LokiDatasource(checkUid(props?.uid, 'grafana.loki.uid'));
  }

  /** A Loki datasource provisioned here (its derived fields link log lines to traces). */
  public static provisioned(props: ProvisionedDatasourceProps): LokiDatasource {
    return new LokiDatasource(checkUid(props.uid ?? 'loki', 'grafana.loki.uid'), {
      name: props.name ?? 'Loki',
      url: checkUrl(props.url, 'grafana.loki.url'),
      isDefault: props.isDefault ?? false,
    });
  }

  public readonly type = 'loki' as const;
}

export class PrometheusDatasource extends DatasourceRef {
  /** A Prometheus datasource Grafana already has (kube-prometheus-stack: uid `prometheus`). */
  public static existing(props: { readonly uid: string }): PrometheusDatasource {
    return new PrometheusDatasource(checkUid(props?.uid, 'grafana.prometheus.uid'));
  }

  /** A Prometheus datasource provisioned here (its exemplars link to traces). */
  public static provisioned(props: ProvisionedDatasourceProps): PrometheusDatasource {
    return new PrometheusDatasource(checkUid(props.uid ?? 'prometheus', 'grafana.prometheus.uid'), {
      name: props.name ?? 'Prometheus',
      url: checkUrl(props.url, 'grafana.prometheus.url'),
      isDefault: props.isDefault ?? false,
    });
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
}

/** The Tempo datasource this app provisions. */
export class TempoDatasource extends DatasourceRef {
  public readonly type = 'tempo' as const;

  constructor(props: TempoDatasourceProps) {
    super(checkUid(props.uid, 'grafana.tempo.uid'), {
      name: props.name,
      url: checkUrl(props.url, 'grafana.tempo.url'),
      isDefault: props.isDefault ?? false,
    });
  }
}

export interface DatasourceModelInput {
  readonly tempo: TempoDatasource;
  readonly loki?: LokiDatasource;
  readonly prometheus?: PrometheusDatasource;
  /** Span attribute → log label, for trace-to-logs queries. */
  readonly logLabels: Readonly<Record<string, string>>;
  /** Span attribute → metric label, for trace-to-metrics queries. */
  readonly metricLabels: Readonly<Record<string, string>>;
  /** Span-metrics names when the generator writes them (trace-to-metrics queries use them). */
  readonly spanMetrics?: SpanMetricNames;
  readonly serviceGraphs: boolean;
  /** Tenant sent as X-Scope-OrgID when Tempo is multi-tenant. */
  readonly tenant?: string;
}

const tagList = (m: Readonly<Record<string, string>>) =>
  Object.entries(m).map(([key, value]) => ({ key, value }));

/** The provisioning document: `{ apiVersion: 1, datasources: [...] }`. `$` are written unescaped here. */
export function buildDatasourceProvisioning(i: DatasourceModelInput): {
  apiVersion: 1;
  datasources: Record<string, unknown>[];
} {
  const t = i.tempo;
  const datasources: Record<string, unknown>[] = [];
  const shift = { spanStartTimeShift: '-1h', spanEndTimeShift: '1h' };
  const sm = i.spanMetrics;
  datasources.push({
    name: t.provisioned!.name,
    type: 'tempo',
    uid: t.uid,
    access: 'proxy',
    url: t.provisioned!.url,
    isDefault: t.provisioned!.isDefault,
    editable: false,
    jsonData: {
      ...(i.tenant ? { httpHeaderName1: 'X-Scope-OrgID' } : {}),
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
      nodeGraph: { enabled: i.serviceGraphs },
      search: { hide: false },
      traceQuery: { timeShiftEnabled: true, ...shift },
      spanBar: { type: 'Tag', tag: 'http.route' },
    },
    // The tenant is not a secret, but Grafana only takes custom header values here.
    ...(i.tenant ? { secureJsonData: { httpHeaderValue1: i.tenant } } : {}),
  });
  if (i.loki?.provisioned) {
    datasources.push({
      name: i.loki.provisioned.name,
      type: 'loki',
      uid: i.loki.uid,
      access: 'proxy',
      url: i.loki.provisioned.url,
      isDefault: i.loki.provisioned.isDefault,
      editable: false,
      jsonData: {
        // A trace ID in a log line (trace_id=…, traceID: …, "traceId":"…") becomes a link to Tempo.
        derivedFields: [
          {
            name: 'TraceID',
            matcherRegex: '(?:trace_?[iI][dD])["\\s:=]+"?([0-9a-fA-F]{16,32})',
            datasourceUid: t.uid,
            url: '${__value.raw}',
            urlDisplayLabel: 'View trace',
          },
        ],
      },
    });
  }
  if (i.prometheus?.provisioned) {
    datasources.push({
      name: i.prometheus.provisioned.name,
      type: 'prometheus',
      uid: i.prometheus.uid,
      access: 'proxy',
      url: i.prometheus.provisioned.url,
      isDefault: i.prometheus.provisioned.isDefault,
      editable: false,
      jsonData: {
        httpMethod: 'POST',
        // Tempo's metrics generator attaches exemplars with the label traceID.
        exemplarTraceIdDestinations: [
          { name: 'traceID', datasourceUid: t.uid, urlDisplayLabel: 'View trace' },
        ],
      },
    });
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
