/**
 * The query gateway: nginx in front of Tempo's query API (and, with `ingest`, its OTLP
 * receivers) that authenticates every client and sets `X-Scope-OrgID` from the authenticated
 * identity, never from a header the client sent. Grafana reaches Tempo through it like any other
 * client. Optionally exposed outside the cluster by Gateway API routes or an Ingress.
 *
 * Objects: ConfigMap (`nginx.conf`), Deployment (nginx-unprivileged, Pod Security restricted,
 * read-only root, the htpasswd Secret mounted read-only; with `GatewayAuth.oidc` an oauth2-proxy
 * sidecar, see `oauth2-proxy-config.ts`), Service, PodDisruptionBudget, and the `HTTPRoute` /
 * `GRPCRoute` or `Ingress`. The NetworkPolicies follow from `connections`.
 *
 * Why a sidecar and not a Deployment of its own: nginx asks oauth2-proxy about every request
 * (`auth_request`), so the question stays on the pod's loopback (no extra hop, Service or
 * NetworkPolicy ingress, and it cannot be asked by anyone else through the network policy); it
 * scales, rolls and fails with the nginx it serves; and oauth2-proxy keeps no state (sessions are
 * in encrypted cookies, tokens are verified against the issuer's keys), so nothing is gained by
 * sharing it between replicas.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  GrpcRoute,
  HttpRoute,
  HttpRouteSpecRulesMatchesPathType,
} from '../../imports/gateway.networking.k8s.io';
import { ConfigError, propertyPath, show } from '../../lib/errors';
import {
  chartNamespace,
  containerPort,
  httpProbe,
  NamedPort,
  servicePort,
  serviceHost,
  spreadOverNodesAndZones,
  surgeOne,
} from '../../lib/k8s';
import { ComponentIdentity, selectorLabels, standardLabels } from '../../lib/labels';
import {
  configChecksum,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
} from '../../lib/pod-security';
import { parseQuantity, checkDnsLabel, checkPlainObject, checkPositiveInteger } from '../../lib/validate';
import { resolveResources, resourceRequirements, ResourceRequirements } from '../../lib/resources';
import { checkSecretRef, SecretKeyRef, secretFilesVolume } from '../../lib/secrets';
import { IMAGES, imageRef } from '../../lib/versions';
import { Connections, DNS_PORTS, FlowDeclaring, Peers, PodGroup, urlPeer } from '../common/flows';
import type { ServingPort } from '../common/receivers';
import type { Tempo } from '../tempo/tempo';
import {
  BasicGatewayAuth,
  GatewayApiExposure,
  GatewayAuth,
  GatewayExposure,
  IngressExposure,
  OidcGatewayAuth,
  ResolvedOidcAuth,
  resolveTenants,
} from './gateway-options';
import {
  GATEWAY_READY_PATH,
  GatewayUpstream,
  GatewayUser,
  OTLP_GRPC_TRACES_SERVICE,
  OTLP_HTTP_TRACES_PATH,
  renderNginxConfig,
} from './nginx-config';
import { OAUTH2_PROXY_METRICS_PORT, OAUTH2_PROXY_PORT, oauth2ProxyArgs } from './oauth2-proxy-config';
import type { DnsLabel, TenantId } from '../../lib/input-types';

export * from './gateway-options';

/** UID/GID of the nginx-unprivileged image's `nginx` user. */
const NGINX_UID = 101;
/** UID/GID of the oauth2-proxy image's user (distroless `nonroot`). */
const OAUTH2_PROXY_UID = 65532;
/** The exporter sidecar's `--web.listen-address` (nginx-prometheus-exporter's default :9113). */
export const GATEWAY_METRICS_PORT = {
  name: 'metrics',
  port: 9113,
  protocol: 'TCP',
} as const satisfies NamedPort;
/** nginx's `stub_status`, on the pod's loopback for the exporter only. */
const GATEWAY_STATUS = { port: 8090, path: '/stub_status' } as const;

/** Ingest from outside the cluster: OTLP through the gateway to Tempo's receivers. */
export interface GatewayIngestProps {
  /**
   * CA that issued Tempo's receiver certificate (`tempo.receiverTls`), for the gateway to verify
   * it. Required when Tempo's receivers serve TLS.
   * @default - none (Tempo's receivers are plaintext)
   */
  readonly tempoCaSecret?: SecretKeyRef;
}

/** The query gateway of an environment. */
export interface QueryGatewayProps {
  /** Deployment and Service name. @default 'tempo-gateway' */
  readonly name?: DnsLabel;
  /**
   * How clients authenticate: `GatewayAuth.basic({ secretName })` (an htpasswd file), or
   * `GatewayAuth.oidc({ issuerUrl, clientId, clientSecret, cookieSecret })` (OpenID Connect
   * through an oauth2-proxy sidecar).
   */
  readonly auth: GatewayAuth;
  /**
   * Who reads (and, with ingest, writes) which tenant: user → tenant ID, or a list of tenant IDs
   * for a cross-tenant reader (Tempo's `a|b` query; such a user cannot write). A user is an
   * htpasswd user (Basic) or the verified identity (OIDC: the `userClaim` claim, by default the
   * email). The gateway sets `X-Scope-OrgID` from this map (and with OIDC its `groups`) alone; an
   * authenticated identity in none gets 403. Grafana's users (one per Tempo datasource) are added
   * by the stack.
   * @default - none (allowed with OIDC `groups` only)
   */
  readonly users?: Readonly<Record<string, TenantId | readonly TenantId[]>>;
  /** Also forward OTLP (HTTP `/v1/traces`, and gRPC) to Tempo's receivers. @default - queries only */
  readonly ingest?: GatewayIngestProps;
  /** How clients outside the cluster reach it. @default - in-cluster only (its Service) */
  readonly exposure?: GatewayExposure;
  /** @default 2 */
  readonly replicas?: number;
  /** @default - requests 100m / 128Mi, limits 1 CPU / 256Mi */
  readonly resources?: ResourceRequirements;
}

export interface QueryGatewayConstructProps extends QueryGatewayProps {
  /** The Tempo it fronts. */
  readonly tempo: Tempo;
  /** Users the stack adds for its own clients (Grafana's datasources). @default - none */
  readonly clients?: readonly GatewayUser[];
}

// What nginx's map and htpasswd accept without quoting surprises: no ':' (htpasswd's separator),
// no '~' first (a regex key), none of the map's own keywords.
const USER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const MAP_KEYWORDS = ['default', 'hostnames', 'include', 'volatile'];

/** The users' `X-Scope-OrgID` values (checked), in the order given. */
function resolveGatewayUsers(
  users: QueryGatewayProps['users'] | undefined,
  property: string,
  allowEmpty = false,
): GatewayUser[] {
  if (users === undefined || users === null || Object.keys(users).length === 0) {
    if (allowEmpty && users !== null) return [];
    throw new ConfigError(
      property,
      "is empty: the gateway takes each request's tenant from who authenticated; map at least one user to a tenant, e.g. { 'ci-checkout': 'checkout' }",
    );
  }
  checkPlainObject(users, property, "{ 'ci-checkout': 'checkout' }");
  return Object.entries(users).map(([user, tenants]) => {
    const at = propertyPath(property, user);
    if (!USER.test(user) || MAP_KEYWORDS.includes(user))
      throw new ConfigError(
        at,
        `${show(user)} is not a user name the gateway accepts; use up to 128 letters, digits, '.', '_', '@', '+' and '-', starting with a letter or digit (not ${MAP_KEYWORDS.join(', ')})`,
      );
    return { user, orgId: resolveTenants(tenants, at).join('|') };
  });
}

/** Grafana's own listener with OIDC (Basic auth for its datasource users; Grafana only). */
const GRAFANA_PORT: NamedPort = { name: 'grafana', port: 8082, protocol: 'TCP', appProtocol: 'http' };

const DEFAULT_RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '1', memory: '256Mi' },
};

/** Paths inside the gateway container. */
const PATHS = {
  configDir: '/etc/nginx/tracesynth',
  htpasswdDir: '/etc/nginx/htpasswd',
  grafanaHtpasswdDir: '/etc/nginx/grafana-htpasswd',
  oidcClientSecretDir: '/etc/oauth2-proxy/client-secret',
  oidcCookieSecretDir: '/etc/oauth2-proxy/cookie-secret',
  oidcIssuerCaDir: '/etc/oauth2-proxy/issuer-ca',
  tempoServerCaDir: '/etc/nginx/tempo-server-ca',
  tempoReceiverCaDir: '/etc/nginx/tempo-receiver-ca',
  tmp: '/tmp',
} as const;

export class QueryGateway extends Construct implements FlowDeclaring {
  public readonly name: string;
  public readonly namespace: string;
  public readonly selectorLabels: Record<string, string>;
  /** What clients in the cluster use as the Tempo URL. */
  public readonly queryUrl: string;
  /** What Grafana uses as the Tempo URL (with OIDC, Grafana's own listener). */
  public readonly grafanaUrl: string;
  /**
   * Every identity of the main listener and the `X-Scope-OrgID` its requests carry (Basic: the
   * environment's users and Grafana's; OIDC: the environment's users).
   */
  public readonly users: readonly GatewayUser[];
  /** With OIDC: Grafana's datasource users (on Grafana's listener). */
  public readonly grafanaUsers: readonly GatewayUser[];
  /** The htpasswd Secret the gateway reads (with OIDC: Grafana's, if Grafana is provisioned). */
  public readonly htpasswdSecret?: { readonly secretName: string; readonly key: string };
  /** With OIDC: the checked settings, and where browsers sign in (if exposed). */
  public readonly oidc?: ResolvedOidcAuth & { readonly redirectUrl?: string };
  /** Whether OTLP ingest is forwarded. */
  public readonly ingest: boolean;
  public readonly exposure?: GatewayExposure;
  public readonly replicas: number;
  public readonly ports: readonly NamedPort[];
  /** The pod's metrics ports: the nginx exporter's, and oauth2-proxy's with OIDC. */
  public readonly metricsPorts: readonly NamedPort[];
  public readonly group: PodGroup;
  public readonly connections: Connections;
  /** The rendered nginx.conf (the ConfigMap's only key). */
  public readonly nginxConfig: string;

  constructor(scope: Construct, id: string, props: QueryGatewayConstructProps) {
    super(scope, id);
    const p = 'queryGateway';
    const tempo = props.tempo;
    const namespace = chartNamespace(this, p);
    this.namespace = namespace;
    const name = checkDnsLabel(props.name ?? 'tempo-gateway', `${p}.name`, 52);
    this.name = name;
    if (!tempo.multitenancyEnabled)
      throw new ConfigError(
        p,
        "needs tempo.multitenancy: true: the gateway sets each request's X-Scope-OrgID from who authenticated, and a single-tenant Tempo ignores it (every user would read everything); enable multi-tenancy or remove queryGateway",
      );
    if (!(props.auth instanceof GatewayAuth))
      throw new ConfigError(
        `${p}.auth`,
        "is required: every client authenticates at the gateway; give GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' }) (an htpasswd file in a Secret you create)",
      );
    const clients = props.clients ?? [];
    let oidc: ResolvedOidcAuth | undefined;
    if (props.auth instanceof OidcGatewayAuth) {
      oidc = props.auth.settings;
      const own = resolveGatewayUsers(props.users, `${p}.users`, true);
      if (own.length === 0 && oidc.groups.length === 0)
        throw new ConfigError(
          `${p}.users`,
          `is empty and auth.oidc.groups maps no group: no identity could read a tenant; map identities (their '${oidc.userClaim}' claim) or the issuer's groups to tenants, e.g. users: { 'alice@example.com': 'checkout' }`,
        );
      this.users = own;
      this.grafanaUsers = clients;
      if (clients.length > 0 && !oidc.grafanaHtpasswd)
        throw new ConfigError(
          `${p}.auth.oidc.grafanaHtpasswd`,
          `is required: Grafana's datasources cannot obtain OIDC tokens, so Grafana queries as its datasources (${clients.map((c) => show(c.user)).join(', ')}) with Basic auth on a listener of its own; name the Secret with their htpasswd file, e.g. { secretName: 'tempo-gateway-grafana-htpasswd' }`,
        );
      if (clients.length === 0 && oidc.grafanaHtpasswd)
        throw new ConfigError(
          `${p}.auth.oidc.grafanaHtpasswd`,
          'is set but the stack provisions no Grafana (grafana: false, or no monitoring); remove it',
        );
      this.htpasswdSecret = oidc.grafanaHtpasswd;
    } else {
      const auth = props.auth as BasicGatewayAuth;
      this.htpasswdSecret = auth.secret;
      const own = resolveGatewayUsers(props.users, `${p}.users`);
      for (const c of clients) {
        const clash = own.find((u) => u.user === c.user);
        if (clash)
          throw new ConfigError(
            propertyPath(`${p}.users`, c.user),
            `is the user a Grafana datasource authenticates as (Grafana's datasource users are the datasource UIDs); rename this user`,
          );
      }
      this.users = [...own, ...clients];
      this.grafanaUsers = [];
    }
    const replicas = checkPositiveInteger(props.replicas ?? 2, `${p}.replicas`);
    this.replicas = replicas;
    const resources = resolveResources(props.resources, DEFAULT_RESOURCES, `${p}.resources`);
    const exposure = props.exposure;
    if (
      exposure !== undefined &&
      !(exposure instanceof GatewayApiExposure || exposure instanceof IngressExposure)
    )
      throw new ConfigError(
        `${p}.exposure`,
        `${show(exposure)} is not a GatewayExposure; give GatewayExposure.gatewayApi({ gateway, hostnames }) or GatewayExposure.ingress({ host, className })`,
      );
    this.exposure = exposure;

    // Upstreams: the query API (TLS when Tempo's HTTP server has it), the OTLP receivers.
    const queryUpstream: GatewayUpstream = {
      address: `${tempo.queryServiceHost}:${tempo.metricsPort.port}`,
      ...(tempo.httpTls
        ? {
            tls: {
              caFile: `${PATHS.tempoServerCaDir}/${tempo.httpTls.caKey}`,
              serverName: tempo.httpTls.serverName,
            },
          }
        : {}),
    };
    this.ingest = props.ingest !== undefined;
    const receiverTls = tempo.settings.tls !== undefined;
    const receiver = (rid: 'otlpHttp' | 'otlpGrpc') =>
      tempo.ports.find((x) => (x as ServingPort).receiver?.id === rid);
    let tempoCa: SecretKeyRef | undefined;
    let ingestUpstreams: { otlpHttp?: GatewayUpstream; otlpGrpc?: GatewayUpstream } | undefined;
    if (props.ingest !== undefined) {
      checkPlainObject(props.ingest, `${p}.ingest`, '{}');
      if (props.ingest.tempoCaSecret !== undefined)
        tempoCa = checkSecretRef(props.ingest.tempoCaSecret, `${p}.ingest.tempoCaSecret`);
      if (receiverTls && !tempoCa)
        throw new ConfigError(
          `${p}.ingest.tempoCaSecret`,
          "is required: Tempo's receivers serve TLS (tempo.receiverTls), so the gateway verifies their certificate; name the CA's Secret key, e.g. { name: 'tracing-ca', key: 'ca.crt' }",
        );
      if (!receiverTls && tempoCa)
        throw new ConfigError(
          `${p}.ingest.tempoCaSecret`,
          "is set but Tempo's receivers are plaintext (no tempo.receiverTls); remove it",
        );
      const http = receiver('otlpHttp');
      const grpc = receiver('otlpGrpc');
      if (!http && !grpc)
        throw new ConfigError(
          `${p}.ingest`,
          "needs Tempo's OTLP receivers, and both are disabled; enable tempo.receivers.otlpHttp or otlpGrpc, or remove ingest",
        );
      const upstream = (port: NamedPort): GatewayUpstream => ({
        address: `${tempo.serviceHost}:${port.port}`,
        ...(tempoCa
          ? { tls: { caFile: `${PATHS.tempoReceiverCaDir}/${tempoCa.key}`, serverName: tempo.serviceHost } }
          : {}),
      });
      ingestUpstreams = {
        ...(http ? { otlpHttp: upstream(http) } : {}),
        ...(grpc ? { otlpGrpc: upstream(grpc) } : {}),
      };
    }

    const httpPort: NamedPort = { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' };
    // Cleartext HTTP/2: `kubernetes.io/h2c` tells Gateway API implementations to speak h2c.
    const grpcPort: NamedPort = {
      name: 'grpc',
      port: 8081,
      protocol: 'TCP',
      appProtocol: 'kubernetes.io/h2c',
    };
    const withGrpc = ingestUpstreams?.otlpGrpc !== undefined;
    const grafanaListener = oidc !== undefined && this.grafanaUsers.length > 0;
    this.ports = [httpPort, ...(withGrpc ? [grpcPort] : []), ...(grafanaListener ? [GRAFANA_PORT] : [])];
    const host = serviceHost(name, namespace);
    this.queryUrl = `http://${host}:${httpPort.port}`;
    this.grafanaUrl = grafanaListener ? `http://${host}:${GRAFANA_PORT.port}` : this.queryUrl;
    // Browser sign-in where browsers reach the gateway: the exposure's host.
    const redirectUrl = oidc && exposure ? `https://${signInHost(exposure)}/oauth2/callback` : undefined;
    if (oidc) this.oidc = { ...oidc, ...(redirectUrl ? { redirectUrl } : {}) };

    this.nginxConfig = renderNginxConfig({
      httpPort: httpPort.port,
      ...(withGrpc ? { grpcPort: grpcPort.port } : {}),
      ...(oidc
        ? {
            oidc: {
              authAddress: `127.0.0.1:${OAUTH2_PROXY_PORT.port}`,
              groups: oidc.groups,
              signIn: redirectUrl !== undefined,
            },
          }
        : { htpasswdFile: `${PATHS.htpasswdDir}/${this.htpasswdSecret!.key}` }),
      ...(grafanaListener
        ? {
            grafana: {
              port: GRAFANA_PORT.port,
              htpasswdFile: `${PATHS.grafanaHtpasswdDir}/${oidc!.grafanaHtpasswd!.key}`,
              users: this.grafanaUsers,
            },
          }
        : {}),
      users: this.users,
      query: queryUpstream,
      ...(ingestUpstreams ? { ingest: ingestUpstreams } : {}),
      workerProcesses: Math.max(
        1,
        Math.ceil(parseQuantity(resources.limits.cpu, `${p}.resources.limits.cpu`)),
      ),
      tmpDir: PATHS.tmp,
      clientMaxBodySize: '16m',
      proxyReadTimeoutSeconds: 300,
      status: GATEWAY_STATUS,
    });

    const identity: ComponentIdentity = {
      name: 'tempo-gateway',
      instance: name,
      component: 'query-gateway',
      version: IMAGES.nginx.tag,
    };
    const labels = standardLabels(identity);
    this.selectorLabels = selectorLabels(identity);
    const metadata = (n: string) => ({ name: n, namespace, labels });
    const configData = { 'nginx.conf': this.nginxConfig };
    const configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: metadata(`${name}-config`),
      data: configData,
    });

    const htpasswd = this.htpasswdSecret;
    const htpasswdVolume = oidc ? 'grafana-htpasswd' : 'htpasswd';
    const volumes: k8s.Volume[] = [
      { name: 'config', configMap: { name: configMap.name } },
      ...(htpasswd ? [secretFilesVolume(htpasswdVolume, htpasswd.secretName, [htpasswd.key])] : []),
      ...(oidc
        ? [
            secretFilesVolume('oidc-client-secret', oidc.clientSecret.name, [oidc.clientSecret.key]),
            secretFilesVolume('oidc-cookie-secret', oidc.cookieSecret.name, [oidc.cookieSecret.key]),
            ...(oidc.issuerCa
              ? [secretFilesVolume('oidc-issuer-ca', oidc.issuerCa.name, [oidc.issuerCa.key])]
              : []),
          ]
        : []),
      ...(tempo.httpTls
        ? [secretFilesVolume('tempo-server-ca', tempo.httpTls.secretName, [tempo.httpTls.caKey])]
        : []),
      ...(tempoCa ? [secretFilesVolume('tempo-receiver-ca', tempoCa.name, [tempoCa.key])] : []),
      { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('64Mi') } },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'config', mountPath: PATHS.configDir, readOnly: true },
      ...(htpasswd
        ? [
            {
              name: htpasswdVolume,
              mountPath: oidc ? PATHS.grafanaHtpasswdDir : PATHS.htpasswdDir,
              readOnly: true,
            },
          ]
        : []),
      ...(tempo.httpTls
        ? [{ name: 'tempo-server-ca', mountPath: PATHS.tempoServerCaDir, readOnly: true }]
        : []),
      ...(tempoCa
        ? [{ name: 'tempo-receiver-ca', mountPath: PATHS.tempoReceiverCaDir, readOnly: true }]
        : []),
      { name: 'tmp', mountPath: PATHS.tmp },
    ];
    const selector = { matchLabels: this.selectorLabels };
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(name),
      spec: {
        replicas,
        selector,
        strategy: { type: 'RollingUpdate', rollingUpdate: surgeOne() },
        template: {
          metadata: { labels, annotations: { 'checksum/config': configChecksum(configData) } },
          spec: {
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(NGINX_UID, NGINX_UID),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: spreadOverNodesAndZones(selector),
            containers: [
              {
                name: 'nginx',
                image: imageRef(IMAGES.nginx),
                imagePullPolicy: 'IfNotPresent',
                // The image's entrypoint would template /etc/nginx/conf.d (read-only here): run
                // nginx itself on the synthesized config.
                command: [
                  'nginx',
                  '-c',
                  `${PATHS.configDir}/nginx.conf`,
                  '-e',
                  '/dev/stderr',
                  '-g',
                  'daemon off;',
                ],
                ports: this.ports.map(containerPort),
                readinessProbe: httpProbe(GATEWAY_READY_PATH, httpPort.name, 2, 3),
                livenessProbe: httpProbe(GATEWAY_READY_PATH, httpPort.name, 10, 6),
                resources: resourceRequirements(resources),
                securityContext: restrictedContainerSecurityContext(),
                volumeMounts: mounts,
              },
              ...(oidc ? [this.oauth2ProxyContainer(oidc, redirectUrl)] : []),
              exporterContainer(),
            ],
            volumes,
          },
        },
      },
    });
    const service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(name),
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: this.ports.map(servicePort) },
    });
    if (replicas > 1)
      new k8s.KubePodDisruptionBudget(this, 'Pdb', {
        metadata: metadata(name),
        spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
      });

    if (exposure instanceof GatewayApiExposure)
      this.gatewayApiRoutes(exposure, service.name, labels, httpPort, withGrpc ? grpcPort : undefined);
    else if (exposure instanceof IngressExposure) this.ingress(exposure, service.name, labels, httpPort);

    // The metrics ports are the pod's, not the Service's: only Prometheus reaches them.
    this.metricsPorts = [GATEWAY_METRICS_PORT, ...(oidc ? [OAUTH2_PROXY_METRICS_PORT] : [])];
    this.group = {
      name,
      namespace,
      selectorLabels: this.selectorLabels,
      ports: [...this.ports, ...this.metricsPorts],
    };
    const c = new Connections([this.group]);
    c.allowFrom(
      this.group,
      Peers.prometheus,
      this.metricsPorts.map((x) => x.name),
      oidc
        ? 'Prometheus scrapes the nginx exporter and oauth2-proxy'
        : 'Prometheus scrapes the nginx exporter',
    );
    if (oidc === undefined || grafanaListener)
      c.allowFrom(
        this.group,
        Peers.grafana,
        [grafanaListener ? GRAFANA_PORT.name : 'http'],
        'Grafana queries traces through the gateway',
      );
    if (exposure) {
      const proxies = exposure.proxies;
      c.allowFrom(
        this.group,
        {
          kind: 'pods',
          name: exposure instanceof IngressExposure ? 'ingress controller' : 'Gateway proxies',
          namespace: proxies.namespace,
          ...(proxies.labels ? { labels: proxies.labels } : {}),
        },
        this.ports.filter((x) => x !== GRAFANA_PORT).map((x) => x.name),
        'clients outside the cluster, through the route',
      );
    }
    c.allowTo(this.group, Peers.dns, DNS_PORTS, 'DNS');
    if (oidc) {
      // Discovery, keys (JWKS), and sign-in's token endpoint: on the issuer's host and port.
      const issuer = urlPeer(oidc.issuerUrl, 'issuer', namespace, `${p}.auth.oidc.issuerUrl`);
      c.allowTo(this.group, issuer.peer, issuer.ports, 'oauth2-proxy: the OIDC issuer (keys, sign-in)');
    }
    c.allowTo(this.group, tempo.queryGroup, ['http'], 'queries Tempo as the authenticated tenant');
    if (ingestUpstreams) {
      const names = [receiver('otlpHttp'), receiver('otlpGrpc')]
        .filter((x): x is ServingPort => x !== undefined)
        .map((x) => x.name);
      c.allowTo(this.group, tempo.receiverGroup, names, 'forwards OTLP as the authenticated tenant');
    }
    this.connections = c;
  }

  /** The oauth2-proxy sidecar: restricted, its secrets as files, probed on its own port. */
  private oauth2ProxyContainer(oidc: ResolvedOidcAuth, redirectUrl: string | undefined): k8s.Container {
    const file = (dir: string, key: string) => `${dir}/${key}`;
    return {
      name: 'oauth2-proxy',
      image: imageRef(IMAGES.oauth2Proxy),
      imagePullPolicy: 'IfNotPresent',
      args: oauth2ProxyArgs({
        ...oidc,
        clientSecretFile: file(PATHS.oidcClientSecretDir, oidc.clientSecret.key),
        cookieSecretFile: file(PATHS.oidcCookieSecretDir, oidc.cookieSecret.key),
        ...(oidc.issuerCa ? { issuerCaFile: file(PATHS.oidcIssuerCaDir, oidc.issuerCa.key) } : {}),
        ...(redirectUrl ? { redirectUrl } : {}),
      }),
      ports: [containerPort(OAUTH2_PROXY_PORT), containerPort(OAUTH2_PROXY_METRICS_PORT)],
      // /ping answers once it serves; /ready also checks its session store (oauthproxy.go).
      readinessProbe: httpProbe('/ready', OAUTH2_PROXY_PORT.name, 2, 3),
      livenessProbe: httpProbe('/ping', OAUTH2_PROXY_PORT.name, 10, 6),
      resources: resourceRequirements(oidc.resources),
      // The image's own user (distroless nonroot); the pod's fsGroup lets it read the Secret files.
      securityContext: {
        ...restrictedContainerSecurityContext(),
        runAsUser: OAUTH2_PROXY_UID,
        runAsGroup: OAUTH2_PROXY_UID,
      },
      volumeMounts: [
        { name: 'oidc-client-secret', mountPath: PATHS.oidcClientSecretDir, readOnly: true },
        { name: 'oidc-cookie-secret', mountPath: PATHS.oidcCookieSecretDir, readOnly: true },
        ...(oidc.issuerCa
          ? [{ name: 'oidc-issuer-ca', mountPath: PATHS.oidcIssuerCaDir, readOnly: true }]
          : []),
      ],
    };
  }

  private gatewayApiRoutes(
    e: GatewayApiExposure,
    service: string,
    labels: Record<string, string>,
    http: NamedPort,
    grpc?: NamedPort,
  ): void {
    const parentRefs = [
      {
        group: 'gateway.networking.k8s.io',
        kind: 'Gateway',
        name: e.gateway.name,
        namespace: e.gateway.namespace,
        ...(e.gateway.sectionName ? { sectionName: e.gateway.sectionName } : {}),
      },
    ];
    const match = (type: HttpRouteSpecRulesMatchesPathType, value: string) => ({ path: { type, value } });
    new HttpRoute(this, 'HttpRoute', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        parentRefs,
        hostnames: [...e.hostnames],
        rules: [
          {
            matches: [
              match(HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, '/api'),
              ...(this.ingest ? [match(HttpRouteSpecRulesMatchesPathType.EXACT, OTLP_HTTP_TRACES_PATH)] : []),
              ...(this.oidc ? [match(HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, '/oauth2')] : []),
            ],
            backendRefs: [{ name: service, port: http.port }],
          },
        ],
      },
    });
    if (grpc)
      new GrpcRoute(this, 'GrpcRoute', {
        metadata: { name: this.name, namespace: this.namespace, labels },
        spec: {
          parentRefs,
          hostnames: [...e.hostnames],
          rules: [
            {
              matches: [{ method: { service: OTLP_GRPC_TRACES_SERVICE.slice(1, -1), method: 'Export' } }],
              backendRefs: [{ name: service, port: grpc.port }],
            },
          ],
        },
      });
  }

  private ingress(
    e: IngressExposure,
    service: string,
    labels: Record<string, string>,
    http: NamedPort,
  ): void {
    const backend = { service: { name: service, port: { name: http.name } } };
    new k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: this.name, namespace: this.namespace, labels },
      spec: {
        ingressClassName: e.className,
        ...(e.tlsSecretName ? { tls: [{ hosts: [e.host], secretName: e.tlsSecretName }] } : {}),
        rules: [
          {
            host: e.host,
            http: {
              paths: [
                { path: '/api', pathType: 'Prefix', backend },
                ...(this.ingest ? [{ path: OTLP_HTTP_TRACES_PATH, pathType: 'Exact', backend }] : []),
                ...(this.oidc ? [{ path: '/oauth2', pathType: 'Prefix', backend }] : []),
              ],
            },
          },
        ],
      },
    });
  }
}

/** The host browsers sign in through: the Ingress's, or the first of the routes' host names. */
function signInHost(exposure: GatewayApiExposure | IngressExposure): string {
  if (exposure instanceof IngressExposure) return exposure.host;
  const host = exposure.hostnames[0]!;
  if (host.startsWith('*.'))
    throw new ConfigError(
      'queryGateway.exposure.hostnames[0]',
      `${show(host)} is a wildcard, and OIDC sign-in returns browsers to one host (https://<host>/oauth2/callback); list the host browsers use first`,
    );
  return host;
}

/**
 * The metrics sidecar: nginx-prometheus-exporter reads nginx's `stub_status` over the pod's
 * loopback (its flags at v1.5.3: `--nginx.scrape-uri`, `--web.listen-address`) and serves
 * `nginx_up` (0 when nginx does not answer) and the connection and request counters.
 */
function exporterContainer(): k8s.Container {
  const port = k8s.IntOrString.fromString(GATEWAY_METRICS_PORT.name);
  return {
    name: 'exporter',
    image: imageRef(IMAGES.nginxExporter),
    imagePullPolicy: 'IfNotPresent',
    args: [
      `--nginx.scrape-uri=http://127.0.0.1:${GATEWAY_STATUS.port}${GATEWAY_STATUS.path}`,
      `--web.listen-address=:${GATEWAY_METRICS_PORT.port}`,
    ],
    ports: [containerPort(GATEWAY_METRICS_PORT)],
    // /metrics answers while the exporter runs, also when nginx does not (nginx_up 0): the
    // sidecar never takes the gateway out of its Service.
    readinessProbe: { httpGet: { path: '/metrics', port }, periodSeconds: 30, timeoutSeconds: 5 },
    livenessProbe: { tcpSocket: { port }, periodSeconds: 30, timeoutSeconds: 5 },
    resources: resourceRequirements({
      requests: { cpu: '10m', memory: '16Mi' },
      limits: { cpu: '100m', memory: '32Mi' },
    }),
    securityContext: restrictedContainerSecurityContext(),
  };
}
