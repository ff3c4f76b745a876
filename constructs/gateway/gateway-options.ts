/**
 * What an environment says about the query gateway: how clients authenticate (`GatewayAuth`),
 * which identity reads which tenant (`users`), and how the gateway is reached from outside the
 * cluster (`GatewayExposure`). The factories only store their props; the checks run when the
 * environment is validated (`DeferredChecks`), so errors read `<env>.queryGateway…`.
 */
import { ConfigError, DeferredChecks, propertyPath, show } from '../../lib/errors';
import { checkDistinct, type HttpUrl, type TenantId } from '../../lib/input-types';
import { resolveResources, ResolvedResources, ResourceRequirements } from '../../lib/resources';
import { checkSecretRef, SecretKeyRef } from '../../lib/secrets';
import {
  checkDnsLabel,
  checkDnsName,
  checkDnsSubdomain,
  checkHttpUrl,
  checkLabels,
  checkPlainObject,
  checkSecretKey,
  checkTenantId,
} from '../../lib/validate';
import type { GatewayGroup } from './nginx-config';

/** The Secret with the htpasswd file (in the stack's namespace; you create it). */
export interface GatewayBasicAuthProps {
  /**
   * Name of the Secret. Create it with one line per user, e.g.
   * `printf 'alice:%s\n' "$(openssl passwd -6)" > htpasswd` then
   * `kubectl create secret generic tempo-gateway-htpasswd --from-file=htpasswd`.
   */
  readonly secretName: string;
  /** The Secret's key holding the htpasswd file. @default 'htpasswd' */
  readonly key?: string;
}

/** How the gateway authenticates its clients. */
export abstract class GatewayAuth extends DeferredChecks {
  /**
   * HTTP Basic authentication against an htpasswd file from a Secret (nginx `auth_basic`; hashes
   * from `openssl passwd -6` (SHA-512 crypt), `-5` or `-apr1`, which the glibc and musl builds
   * of nginx both verify).
   */
  public static basic(props: GatewayBasicAuthProps): BasicGatewayAuth {
    return new BasicGatewayAuth(props);
  }

  /**
   * OpenID Connect: oauth2-proxy (pinned in lib/versions.ts) beside nginx in each gateway pod
   * verifies bearer tokens from your issuer (machine clients: CI, a collector's `oauth2client`
   * extension) and, when the gateway is exposed, signs browsers in. The tenant comes from the
   * verified identity (`users`) or its groups (`groups`). Grafana, which cannot obtain such tokens
   * for a datasource, authenticates on a listener of its own with Basic auth (`grafanaHtpasswd`).
   */
  public static oidc(props: GatewayOidcAuthProps): OidcGatewayAuth {
    return new OidcGatewayAuth(props);
  }
}

/** htpasswd file of the user's Secret, checked: `{ secretName, key }`. */
function resolveHtpasswd(
  props: GatewayBasicAuthProps | undefined,
  p: string,
  example: string,
): { secretName: string; key: string } {
  checkPlainObject(props, p, "{ secretName: 'tempo-gateway-htpasswd' }");
  if (props?.secretName === undefined || props.secretName === '')
    throw new ConfigError(`${p}.secretName`, example);
  const key = checkSecretKey(props.key ?? 'htpasswd', `${p}.key`);
  return { secretName: checkDnsSubdomain(props.secretName, `${p}.secretName`), key };
}

export class BasicGatewayAuth extends GatewayAuth {
  public readonly kind = 'basic' as const;
  private resolved?: { secretName: string; key: string };

  constructor(private readonly props: GatewayBasicAuthProps) {
    super();
  }

  protected validate(): void {
    this.resolved = resolveHtpasswd(
      this.props,
      'queryGateway.auth.basic',
      "is required: the gateway reads its users and password hashes from an htpasswd file in a Secret you create; name it, e.g. GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' })",
    );
  }

  /** The Secret and key of the htpasswd file. */
  public get secret(): { readonly secretName: string; readonly key: string } {
    this.check();
    return this.resolved!;
  }
}

/** OpenID Connect at the gateway (see `GatewayAuth.oidc`). */
export interface GatewayOidcAuthProps {
  /**
   * The issuer, exactly as its tokens' `iss` claim names it (https): oauth2-proxy reads
   * `<issuerUrl>/.well-known/openid-configuration` at start and verifies tokens with its keys,
   * e.g. `https://sso.example.com/realms/platform` (Keycloak), `https://dex.example.com`.
   */
  readonly issuerUrl: HttpUrl;
  /**
   * The gateway's OAuth client at the issuer. A bearer token is accepted only if its `aud` claim
   * names it (or one of `extraAudiences`): have the issuer add it to the tokens it mints for the
   * gateway's clients (a Keycloak audience mapper, an Okta authorization server's audience, an
   * Entra ID app's `api://…/.default` scope).
   */
  readonly clientId: string;
  /** The client's secret (browser sign-in's code exchange): a key of a Secret you create. */
  readonly clientSecret: SecretKeyRef;
  /**
   * The key that encrypts browser sessions' cookies, a key of a Secret you create: 16, 24 or 32
   * bytes, or their unpadded base64url, without a trailing newline, e.g.
   * `kubectl create secret generic tempo-gateway-oidc --from-literal=cookie-secret="$(openssl rand -base64 32 | tr -- '+/' '-_')" --from-literal=client-secret=…`.
   */
  readonly cookieSecret: SecretKeyRef;
  /**
   * Further `aud` values a bearer token may carry (`--oidc-extra-audience`), e.g. the client ID
   * of a CI client whose tokens the issuer cannot give the gateway's audience.
   * @default - only `clientId`
   */
  readonly extraAudiences?: readonly string[];
  /**
   * The claim whose value `users` maps (`--oidc-email-claim`). With `email`, a token whose
   * `email_verified` is false is refused; a bearer token without the claim is known by its `sub`
   * (a machine client's service-account ID).
   * @default 'email'
   */
  readonly userClaim?: string;
  /** The claim that lists the identity's groups (`--oidc-groups-claim`). @default 'groups' */
  readonly groupsClaim?: string;
  /**
   * IdP group → tenant ID, or a list of tenant IDs (a cross-tenant reader). An identity that is
   * not in `users` reads the tenants of the first group listed here that it belongs to (list the
   * widest groups first); an identity in neither gets 403.
   * @default - none (only `users`)
   */
  readonly groups?: Readonly<Record<string, TenantId | readonly TenantId[]>>;
  /**
   * Scopes of browser sign-in (some issuers only put `groups` in tokens asked for it).
   * @default ['openid', 'email', 'profile']
   */
  readonly scopes?: readonly string[];
  /**
   * The CA that issued the issuer's certificate, when it is a private one (a key of a Secret):
   * oauth2-proxy then trusts only it (`--provider-ca-file`).
   * @default - the public roots of the oauth2-proxy image
   */
  readonly issuerCaSecret?: SecretKeyRef;
  /**
   * The htpasswd file of Grafana's datasource users (one line per Tempo datasource, named by its
   * UID; the passwords are `grafana.gatewayCredentials`). Grafana's datasources cannot obtain OIDC
   * tokens of their own, so Grafana queries through a listener of its own (port 8082) that only
   * Grafana's pods reach.
   * @default - required when the stack provisions Grafana
   */
  readonly grafanaHtpasswd?: GatewayBasicAuthProps;
  /** The oauth2-proxy container's resources. @default - requests 50m / 64Mi, limits 500m / 128Mi */
  readonly resources?: ResourceRequirements;
}

export interface ResolvedOidcAuth {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly clientSecret: SecretKeyRef;
  readonly cookieSecret: SecretKeyRef;
  readonly extraAudiences: readonly string[];
  readonly userClaim: string;
  readonly groupsClaim: string;
  readonly groups: readonly GatewayGroup[];
  readonly scopes: readonly string[];
  readonly issuerCa?: SecretKeyRef;
  readonly grafanaHtpasswd?: { readonly secretName: string; readonly key: string };
  readonly resources: ResolvedResources;
}

const OAUTH2_PROXY_RESOURCES: ResolvedResources = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '128Mi' },
};

// A claim name as oauth2-proxy looks it up (nested claims with '.'); a group as an IdP names it
// (Keycloak's '/parent/child' paths, Entra ID's object IDs): no ',' (X-Auth-Request-Groups joins
// the groups with it), no space or quote.
const CLAIM = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$/;
const GROUP = /^[A-Za-z0-9/][A-Za-z0-9._@+:/-]{0,255}$/;
// OAuth client IDs and audiences: printable, no space (they are flag values and `aud` strings).
const TOKEN = /^[\x21-\x7e]{1,255}$/;

/**
 * `a` or `[a, b]` as a list of tenants: each a valid tenant ID, none listed twice. Joined by `|`,
 * the list is the `X-Scope-OrgID` value of Tempo's cross-tenant query.
 */
export function resolveTenants(tenants: TenantId | readonly TenantId[], at: string): string[] {
  const list = typeof tenants === 'string' ? [tenants] : tenants;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError(at, `${show(tenants)} is not a tenant; give a tenant ID or a list of them`);
  list.forEach((t, i) => checkTenantId(t, typeof tenants === 'string' ? at : `${at}[${i}]`));
  checkDistinct(list, at, 'tenant');
  return [...list];
}

export class OidcGatewayAuth extends GatewayAuth {
  public readonly kind = 'oidc' as const;
  private resolvedProps?: ResolvedOidcAuth;

  constructor(private readonly props: GatewayOidcAuthProps) {
    super();
  }

  protected validate(): void {
    const p = 'queryGateway.auth.oidc';
    const o = this.props;
    checkPlainObject(
      o,
      p,
      "{ issuerUrl: 'https://sso.example.com/realms/platform', clientId: 'tempo-gateway', clientSecret, cookieSecret }",
    );
    if (o?.issuerUrl === undefined || o.issuerUrl === '')
      throw new ConfigError(
        `${p}.issuerUrl`,
        "is required: oauth2-proxy verifies tokens with the keys the issuer publishes (<issuerUrl>/.well-known/openid-configuration); give it as the tokens' iss claim names it, e.g. 'https://sso.example.com/realms/platform'",
      );
    const url = checkHttpUrl(o.issuerUrl, `${p}.issuerUrl`, 'https://sso.example.com/realms/platform');
    if (url.protocol !== 'https:')
      throw new ConfigError(
        `${p}.issuerUrl`,
        `${show(o.issuerUrl)} is not an https URL: the keys that verify every token would come over plaintext; give the issuer's https URL, e.g. 'https://sso.example.com/realms/platform'`,
      );
    if (url.search || url.hash)
      throw new ConfigError(
        `${p}.issuerUrl`,
        `${show(o.issuerUrl)} has a query or fragment, which no issuer identifier has; give it as the tokens' iss claim names it`,
      );
    if (o.clientId === undefined || o.clientId === '')
      throw new ConfigError(
        `${p}.clientId`,
        "is required: the gateway's OAuth client at the issuer, which bearer tokens must name in their aud claim; e.g. 'tempo-gateway'",
      );
    if (typeof o.clientId !== 'string' || !TOKEN.test(o.clientId))
      throw new ConfigError(
        `${p}.clientId`,
        `${show(o.clientId)} is not an OAuth client ID; use up to 255 printable characters without spaces`,
      );
    const secret = (name: 'clientSecret' | 'cookieSecret', what: string, key: string): SecretKeyRef => {
      if (o[name] === undefined)
        throw new ConfigError(
          `${p}.${name}`,
          `is required: oauth2-proxy reads ${what} from a Secret you create (dist/ holds no secret value); name its key, e.g. { name: 'tempo-gateway-oidc', key: '${key}' }`,
        );
      return checkSecretRef(o[name], `${p}.${name}`);
    };
    const clientSecret = secret('clientSecret', 'the client secret', 'client-secret');
    const cookieSecret = secret('cookieSecret', 'the key that encrypts session cookies', 'cookie-secret');
    if (clientSecret.name === cookieSecret.name && clientSecret.key === cookieSecret.key)
      throw new ConfigError(
        `${p}.cookieSecret`,
        'is the same Secret key as clientSecret; the cookie key must be a random value of its own (16, 24 or 32 bytes)',
      );
    const extraAudiences = o.extraAudiences ?? [];
    if (!Array.isArray(extraAudiences))
      throw new ConfigError(
        `${p}.extraAudiences`,
        `${show(extraAudiences)} is not a list; give e.g. ['ci-client']`,
      );
    extraAudiences.forEach((a, i) => {
      if (typeof a !== 'string' || !TOKEN.test(a))
        throw new ConfigError(
          `${p}.extraAudiences[${i}]`,
          `${show(a)} is not an audience; use up to 255 printable characters without spaces`,
        );
    });
    const claim = (name: 'userClaim' | 'groupsClaim', fallback: string): string => {
      const value = o[name] ?? fallback;
      if (typeof value !== 'string' || !CLAIM.test(value))
        throw new ConfigError(
          `${p}.${name}`,
          `${show(value)} is not a claim name; use letters, digits and '_', '.', ':', '/', '-' (e.g. '${fallback}')`,
        );
      return value;
    };
    const groups: GatewayGroup[] = [];
    if (o.groups !== undefined) {
      checkPlainObject(o.groups, `${p}.groups`, "{ 'team-checkout': 'checkout' }");
      for (const [group, tenants] of Object.entries(o.groups)) {
        const at = propertyPath(`${p}.groups`, group);
        if (!GROUP.test(group))
          throw new ConfigError(
            at,
            `${show(group)} is not a group name the gateway accepts; use up to 256 letters, digits, '.', '_', '@', '+', ':', '/' and '-' (no ',' or spaces), starting with a letter, digit or '/'`,
          );
        groups.push({ group, orgId: resolveTenants(tenants, at).join('|') });
      }
    }
    const scopes = o.scopes ?? ['openid', 'email', 'profile'];
    if (!Array.isArray(scopes) || scopes.some((x) => typeof x !== 'string' || !TOKEN.test(x)))
      throw new ConfigError(
        `${p}.scopes`,
        `${show(scopes)} is not a list of scopes; give e.g. ['openid', 'email', 'profile', 'groups']`,
      );
    if (!scopes.includes('openid'))
      throw new ConfigError(
        `${p}.scopes`,
        `lacks 'openid', without which the issuer returns no ID token; add it, e.g. ['openid', 'email', 'profile', 'groups']`,
      );
    this.resolvedProps = {
      issuerUrl: o.issuerUrl,
      clientId: o.clientId,
      clientSecret,
      cookieSecret,
      extraAudiences: [...extraAudiences],
      userClaim: claim('userClaim', 'email'),
      groupsClaim: claim('groupsClaim', 'groups'),
      groups,
      scopes: [...scopes],
      ...(o.issuerCaSecret !== undefined
        ? { issuerCa: checkSecretRef(o.issuerCaSecret, `${p}.issuerCaSecret`) }
        : {}),
      ...(o.grafanaHtpasswd !== undefined
        ? {
            grafanaHtpasswd: resolveHtpasswd(
              o.grafanaHtpasswd,
              `${p}.grafanaHtpasswd`,
              "is required: name the Secret with the htpasswd file of Grafana's datasource users, e.g. { secretName: 'tempo-gateway-grafana-htpasswd' }",
            ),
          }
        : {}),
      resources: resolveResources(o.resources, OAUTH2_PROXY_RESOURCES, `${p}.resources`),
    };
  }

  /** The checked settings. */
  public get settings(): ResolvedOidcAuth {
    this.check();
    return this.resolvedProps!;
  }
}

/** Pods that are not the stack's (an ingress controller, a Gateway's proxies). */
export interface ExternalPods {
  /** Their namespace. */
  readonly namespace?: string;
  /** Their labels. @default - every pod of the namespace */
  readonly labels?: Record<string, string>;
}

/** The Kubernetes Gateway API `Gateway` the routes attach to (created by the platform team). */
export interface GatewayParentRef {
  readonly name: string;
  readonly namespace: string;
  /** One listener of the Gateway (`parentRefs[].sectionName`). @default - every listener that admits the routes */
  readonly sectionName?: string;
}

export interface GatewayApiExposureProps {
  /**
   * The Gateway (by reference): an `HTTPRoute` (query API, OTLP/HTTP) and, with ingest, a
   * `GRPCRoute` (OTLP/gRPC) attach to it. Its listeners must allow routes from the stack's
   * namespace (`allowedRoutes.namespaces`).
   */
  readonly gateway: GatewayParentRef;
  /** Host names the routes answer (`spec.hostnames`), DNS names such as `tempo.example.com`. */
  readonly hostnames: readonly string[];
  /**
   * Where the Gateway's proxy pods run, for the gateway's NetworkPolicy (Istio and Envoy Gateway
   * in merged mode: the Gateway's namespace; Envoy Gateway by default: `envoy-gateway-system`).
   * @default - every pod of the Gateway's namespace
   */
  readonly proxyPods?: ExternalPods;
}

export interface IngressExposureProps {
  /** The host name (`rules[].host`), a DNS name such as `tempo.example.com`. */
  readonly host: string;
  /** The IngressClass (`spec.ingressClassName`). */
  readonly className: string;
  /** A `kubernetes.io/tls` Secret for the host (e.g. from cert-manager). @default - no TLS at the Ingress */
  readonly tlsSecretName?: string;
  /**
   * The ingress controller's pods, for the gateway's NetworkPolicy.
   * @default { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } }
   */
  readonly controllerPods?: ExternalPods;
}

/**
 * A route's host name as Gateway API takes it (`spec.hostnames`): a DNS name, or one after a
 * leading `*.` wildcard (the name after it is what is checked, and named in the error).
 */
function checkRouteHostname(value: string, property: string): string {
  checkDnsName(typeof value === 'string' && value.startsWith('*.') ? value.slice(2) : value, property);
  return value;
}

export interface ResolvedExternalPods {
  readonly namespace: string;
  readonly labels?: Record<string, string>;
}

function resolvePods(
  pods: ExternalPods | undefined,
  defaults: ResolvedExternalPods,
  property: string,
): ResolvedExternalPods {
  if (pods === undefined) return defaults;
  checkPlainObject(pods, property, "{ namespace: 'ingress-nginx' }");
  const labels = pods.labels ?? (pods.namespace === undefined ? defaults.labels : undefined);
  if (labels) checkLabels(labels, `${property}.labels`);
  return {
    namespace: checkDnsLabel(pods.namespace ?? defaults.namespace, `${property}.namespace`),
    ...(labels ? { labels } : {}),
  };
}

/** How clients outside the cluster reach the gateway. */
export abstract class GatewayExposure extends DeferredChecks {
  /** Kubernetes Gateway API: an `HTTPRoute` (and a `GRPCRoute` for OTLP/gRPC ingest) on a Gateway. */
  public static gatewayApi(props: GatewayApiExposureProps): GatewayApiExposure {
    return new GatewayApiExposure(props);
  }

  /** A `networking.k8s.io/v1` Ingress (HTTP only: the query API and OTLP/HTTP). */
  public static ingress(props: IngressExposureProps): IngressExposure {
    return new IngressExposure(props);
  }

  /** The pods that forward outside traffic to the gateway. */
  public abstract get proxies(): ResolvedExternalPods;
}

export class GatewayApiExposure extends GatewayExposure {
  public readonly kind = 'gateway-api' as const;
  private resolved?: {
    gateway: GatewayParentRef;
    hostnames: string[];
    proxies: ResolvedExternalPods;
  };

  constructor(private readonly props: GatewayApiExposureProps) {
    super();
  }

  protected validate(): void {
    const p = 'queryGateway.exposure';
    checkPlainObject(this.props, p, "{ gateway: { name, namespace }, hostnames: ['tempo.example.com'] }");
    const g = this.props.gateway;
    if (g === undefined || g === null || typeof g !== 'object')
      throw new ConfigError(
        `${p}.gateway`,
        "is required: the routes attach to a Gateway by reference; give { name: 'external', namespace: 'gateway-system' }",
      );
    const gateway: GatewayParentRef = {
      name: checkDnsSubdomain(g.name, `${p}.gateway.name`),
      namespace: checkDnsLabel(g.namespace, `${p}.gateway.namespace`),
      ...(g.sectionName !== undefined
        ? { sectionName: checkDnsSubdomain(g.sectionName, `${p}.gateway.sectionName`) }
        : {}),
    };
    const hostnames = this.props.hostnames;
    if (!Array.isArray(hostnames) || hostnames.length === 0)
      throw new ConfigError(
        `${p}.hostnames`,
        "is empty; list the host names clients use, e.g. ['tempo.example.com']",
      );
    hostnames.forEach((h, i) => checkRouteHostname(h, `${p}.hostnames[${i}]`));
    this.resolved = {
      gateway,
      hostnames: [...hostnames],
      proxies: resolvePods(this.props.proxyPods, { namespace: gateway.namespace }, `${p}.proxyPods`),
    };
  }

  public get gateway(): GatewayParentRef {
    this.check();
    return this.resolved!.gateway;
  }

  public get hostnames(): readonly string[] {
    this.check();
    return this.resolved!.hostnames;
  }

  public get proxies(): ResolvedExternalPods {
    this.check();
    return this.resolved!.proxies;
  }
}

export class IngressExposure extends GatewayExposure {
  public readonly kind = 'ingress' as const;
  private resolved?: {
    host: string;
    className: string;
    tlsSecretName?: string;
    proxies: ResolvedExternalPods;
  };

  constructor(private readonly props: IngressExposureProps) {
    super();
  }

  protected validate(): void {
    const p = 'queryGateway.exposure';
    checkPlainObject(this.props, p, "{ host: 'tempo.example.com', className: 'nginx' }");
    this.resolved = {
      host: checkDnsName(this.props.host, `${p}.host`),
      className: checkDnsSubdomain(this.props.className, `${p}.className`),
      ...(this.props.tlsSecretName !== undefined
        ? { tlsSecretName: checkDnsSubdomain(this.props.tlsSecretName, `${p}.tlsSecretName`) }
        : {}),
      proxies: resolvePods(
        this.props.controllerPods,
        { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
        `${p}.controllerPods`,
      ),
    };
  }

  public get host(): string {
    this.check();
    return this.resolved!.host;
  }

  public get className(): string {
    this.check();
    return this.resolved!.className;
  }

  public get tlsSecretName(): string | undefined {
    this.check();
    return this.resolved!.tlsSecretName;
  }

  public get proxies(): ResolvedExternalPods {
    this.check();
    return this.resolved!.proxies;
  }
}
