/**
 * What an environment says about the query gateway: how clients authenticate (`GatewayAuth`),
 * which identity reads which tenant (`users`), and how the gateway is reached from outside the
 * cluster (`GatewayExposure`). The factories only store their props; the checks run when the
 * environment is validated (`DeferredChecks`), so errors read `<env>.queryGateway…`.
 */
import { ConfigError, DeferredChecks, show } from '../../lib/errors';
import { checkDnsLabel, checkDnsSubdomain, checkLabels, checkPlainObject } from '../../lib/validate';

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
}

export class BasicGatewayAuth extends GatewayAuth {
  public readonly kind = 'basic' as const;
  private resolved?: { secretName: string; key: string };

  constructor(private readonly props: GatewayBasicAuthProps) {
    super();
  }

  protected validate(): void {
    const p = 'queryGateway.auth.basic';
    checkPlainObject(this.props, p, "{ secretName: 'tempo-gateway-htpasswd' }");
    if (this.props?.secretName === undefined || this.props.secretName === '')
      throw new ConfigError(
        `${p}.secretName`,
        "is required: the gateway reads its users and password hashes from an htpasswd file in a Secret you create; name it, e.g. GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' })",
      );
    const key = this.props.key ?? 'htpasswd';
    if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]+$/.test(key))
      throw new ConfigError(
        `${p}.key`,
        `${show(key)} is not a valid Secret key; use letters, digits, '-', '_' and '.'`,
      );
    this.resolved = { secretName: checkDnsSubdomain(this.props.secretName, `${p}.secretName`), key };
  }

  /** The Secret and key of the htpasswd file. */
  public get secret(): { readonly secretName: string; readonly key: string } {
    this.check();
    return this.resolved!;
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

// RFC 1123 host names as Gateway API validates `hostnames` (an optional leading `*.` wildcard).
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkHostname(value: string, property: string): string {
  if (typeof value !== 'string' || value.length > 253 || !HOSTNAME.test(value))
    throw new ConfigError(
      property,
      `${show(value)} is not a DNS name; give a lowercase host name such as 'tempo.example.com' (no scheme, port or path)`,
    );
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
    hostnames.forEach((h, i) => checkHostname(h, `${p}.hostnames[${i}]`));
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
    const host = checkHostname(this.props.host, `${p}.host`);
    if (host.startsWith('*.'))
      throw new ConfigError(`${p}.host`, `${show(host)} is a wildcard; give the one host clients use`);
    this.resolved = {
      host,
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
