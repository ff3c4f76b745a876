/**
 * Which Tempo datasources Grafana gets, from one source of truth: the stack's tenants. A
 * single-tenant Tempo gets one datasource. A multi-tenant one gets one datasource per tenant
 * (the main one, `grafana.tenant` (a tenant or a set), keeps `tempoDatasource`'s UID and name), plus one per tenant
 * set read together with Tempo's cross-tenant query (`X-Scope-OrgID: a|b`): `crossTenant`, and
 * any set a dashboard panel asks for. Every other UID is derived from the main UID and the
 * tenants, so it is stable across synths; with the query gateway, each datasource authenticates
 * as its UID (the gateway maps that user to the datasource's tenants).
 */
import { createHash } from 'node:crypto';
import { ConfigError, show } from '../../lib/errors';
import { resolveTenants } from '../gateway/gateway-options';
import type { DashboardSpec } from './custom-dashboards';

export interface PlannedTempoDatasource {
  readonly uid: string;
  readonly name: string;
  /** `X-Scope-OrgID`: the tenants joined by `|`. Undefined for a single-tenant Tempo. */
  readonly orgId?: string;
  /** Shown on links to it: `backstage`, `jenkins + argocd`. */
  readonly label: string;
  readonly main: boolean;
}

export interface TempoDatasourcePlan {
  readonly main: PlannedTempoDatasource;
  /** Every datasource, the main one first. */
  readonly all: readonly PlannedTempoDatasource[];
  /** What Loki's derived fields and Prometheus's exemplars link to. */
  readonly linkTargets: readonly PlannedTempoDatasource[];
  /** The datasource of the standard dashboards' trace search: the cross-tenant one, else the main. */
  readonly search: PlannedTempoDatasource;
  /** The datasource of a panel's `tenant` (undefined: the main one). */
  forPanel(tenant: string | readonly string[] | undefined, property: string): PlannedTempoDatasource;
}

export interface TempoDatasourcePlanInput {
  /** The stack's id (its namespace): default UID `<stackId>-tempo`, name `Tempo (<stackId>)`. */
  readonly stackId: string;
  readonly multitenant: boolean;
  /** Every tenant the stack writes, in a stable order. */
  readonly stackTenants: readonly string[];
  readonly uid?: string;
  readonly name?: string;
  /** `grafana.tenant`: the main datasource's tenant, or tenants it reads together. */
  readonly tenant?: string | readonly string[];
  /** `grafana.tenants`. @default - stackTenants */
  readonly tenants?: readonly string[];
  /** `grafana.crossTenant`. */
  readonly crossTenant?: readonly string[];
  /** `grafana.dashboards`, for the tenants of their panels. */
  readonly dashboards?: readonly DashboardSpec[];
}

const UID = /^[a-zA-Z0-9_-]{1,40}$/;

/** Tenant sets are compared regardless of order. */
const setKey = (tenants: readonly string[]) => [...tenants].sort().join('|');

export function planTempoDatasources(i: TempoDatasourcePlanInput): TempoDatasourcePlan {
  const mainUid = i.uid ?? `${i.stackId}-tempo`.slice(0, 40);
  const mainName = i.name ?? `Tempo (${i.stackId})`;
  const panelTenants = (i.dashboards ?? []).flatMap((d, n) =>
    Array.isArray(d?.panels)
      ? d.panels.flatMap((p, k) =>
          p && typeof p === 'object' && 'tenant' in p && p.tenant !== undefined
            ? [{ tenant: p.tenant, property: `grafana.dashboards[${n}].panels[${k}].tenant` }]
            : [],
        )
      : [],
  );
  if (!i.multitenant) {
    const needs = (property: string) =>
      new ConfigError(
        property,
        'needs a multi-tenant Tempo (tempo.multitenancy: true); a single-tenant Tempo keeps every span in one tenant, so remove it',
      );
    if (i.tenants !== undefined) throw needs('grafana.tenants');
    if (i.crossTenant !== undefined) throw needs('grafana.crossTenant');
    if (panelTenants.length) throw needs(panelTenants[0]!.property);
    const only: PlannedTempoDatasource = {
      uid: mainUid,
      name: mainName,
      label: mainName,
      main: true,
    };
    return { main: only, all: [only], linkTargets: [only], search: only, forPanel: () => only };
  }
  if (!i.tenant)
    throw new ConfigError(
      'grafana.tenant',
      'is required: Tempo has multi-tenancy on and answers queries without X-Scope-OrgID with 401; set the tenant Grafana queries',
    );
  const mainSet = resolveTenants(i.tenant, 'grafana.tenant');
  if (i.tenants !== undefined && (!Array.isArray(i.tenants) || i.tenants.length === 0))
    throw new ConfigError(
      'grafana.tenants',
      `${show(i.tenants)} is not a list of tenants; list the tenants that get a datasource, or leave it unset for every tenant of the stack`,
    );
  const listed = i.tenants !== undefined ? resolveTenants(i.tenants, 'grafana.tenants') : i.stackTenants;
  const tenants = [...new Set([...mainSet, ...listed])];
  const mainKey = setKey(mainSet);

  const used = new Set<string>([mainUid]);
  const derivedUid = (key: string): string => {
    const candidate = `${mainUid}-${key}`;
    if (UID.test(candidate) && !used.has(candidate)) return candidate;
    // Too long, a character Grafana's UIDs do not allow, or taken: a hash of the tenant set.
    const hash = createHash('sha256').update(key).digest('hex').slice(0, 8);
    return `${mainUid.slice(0, 31)}-${hash}`;
  };
  const byKey = new Map<string, PlannedTempoDatasource>();
  const add = (set: readonly string[]): PlannedTempoDatasource => {
    const key = setKey(set);
    const known = byKey.get(key);
    if (known) return known;
    const isMain = key === mainKey;
    const label = set.join(' + ');
    const uid = isMain ? mainUid : derivedUid(set.join('-'));
    used.add(uid);
    const ds: PlannedTempoDatasource = {
      uid,
      name: isMain ? mainName : `Tempo (${i.stackId}, ${label})`,
      orgId: set.join('|'),
      label,
      main: isMain,
    };
    byKey.set(key, ds);
    return ds;
  };
  const main = add(mainSet);
  const singles = tenants.map((t) => add([t]));
  const checkSet = (set: unknown, property: string): string[] => {
    if (!Array.isArray(set) || set.length < 2)
      throw new ConfigError(
        property,
        `${show(set)} is not a tenant set; list at least two tenants to read together (or give one tenant as a string)`,
      );
    const list = resolveTenants(set, property);
    list.forEach((t, n) => {
      if (!tenants.includes(t))
        throw new ConfigError(
          `${property}[${n}]`,
          `${show(t)} is not a tenant with a Grafana datasource; use one of ${tenants.map(show).join(', ')}`,
        );
    });
    return list;
  };
  const cross = i.crossTenant !== undefined ? add(checkSet(i.crossTenant, 'grafana.crossTenant')) : undefined;
  const forPanel = (tenant: string | readonly string[] | undefined, property: string) => {
    if (tenant === undefined) return main;
    if (typeof tenant === 'string') {
      const ds = byKey.get(tenant);
      if (!ds)
        throw new ConfigError(
          property,
          `${show(tenant)} is not a tenant with a Grafana datasource; use one of ${tenants.map(show).join(', ')}`,
        );
      return ds;
    }
    return add(checkSet(tenant, property));
  };
  // Every panel's set gets its datasource now, so the list is complete before anything renders.
  for (const p of panelTenants) forPanel(p.tenant, p.property);
  const all = [...byKey.values()];
  // Links from logs and exemplars go where a trace is found whatever its tenant: a datasource
  // reading several tenants (the main one, else crossTenant), else one link per tenant.
  const wide = mainSet.length > 1 ? main : cross;
  return {
    main,
    all,
    linkTargets: wide ? [wide] : singles,
    search: wide ?? main,
    forPanel,
  };
}
