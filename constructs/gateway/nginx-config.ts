/**
 * The query gateway's nginx configuration, pure: settings in, `nginx.conf` text out. The same text
 * runs in the pod (nginx-unprivileged, `lib/versions.ts`) and in the end-to-end test (Debian's
 * nginx in front of a stub Tempo, test/gateway-e2e.test.ts).
 *
 * What it guarantees (nginx 1.22 – 1.30, http core module docs):
 * - every request but the readiness probe authenticates (`auth_basic`, access phase);
 * - the tenant comes from the authenticated user only: `map $remote_user` → `X-Scope-OrgID`.
 *   `proxy_set_header` / `grpc_set_header` replace a client's header of the same name (compared
 *   case-insensitively), so a client-sent `X-Scope-OrgID` never reaches Tempo;
 * - the tenant check runs after authentication: `if` runs in the rewrite phase, before
 *   `auth_basic`, so it sits in a named location reached through `try_files` (precontent phase,
 *   after access). A request without credentials gets 401 with the Basic challenge, an
 *   authenticated user without a tenant 403;
 * - only Tempo's query API (`/api/…`, minus the overrides API that writes) and, with ingest, the
 *   OTLP paths are forwarded; everything else is 404. The client's `Authorization` is not
 *   forwarded.
 *
 * With OIDC (`oidc`), authentication is oauth2-proxy's (a sidecar, `oauth2-proxy-config.ts`):
 * nginx asks it about every request (`auth_request`, access phase; ngx_http_auth_request_module)
 * and takes the identity from its answer's headers (`auth_request_set` from
 * `$upstream_http_x_auth_request_email` / `…_groups`, oauth2-proxy's `--set-xauthrequest`
 * headers: pkg/apis/options/legacy_options.go getXAuthRequestHeaders at v7.15.6), never from the
 * client's request headers. The identity maps to tenants through `users`, then `groups` (the first
 * group, in the order given, that the comma-separated X-Auth-Request-Groups contains). The cookie
 * and any client-sent X-Auth-Request-* header are stripped before Tempo. Grafana, which cannot
 * obtain OIDC tokens for a datasource, gets its own listener (`grafana`) with Basic auth for its
 * datasource users only.
 */

/** Where the gateway forwards to: a Service `host:port`, plaintext or TLS verified against a CA. */
export interface GatewayUpstream {
  /** `host:port`. */
  readonly address: string;
  /** TLS to the upstream, verified against this CA file for `serverName`. @default - plaintext */
  readonly tls?: { readonly caFile: string; readonly serverName: string };
}

/** One user of the htpasswd file and the `X-Scope-OrgID` value its requests carry. */
export interface GatewayUser {
  readonly user: string;
  /** A tenant ID, or tenants joined by `|` (Tempo's cross-tenant query; reads only). */
  readonly orgId: string;
}

/** One IdP group and the `X-Scope-OrgID` value its members' requests carry. */
export interface GatewayGroup {
  readonly group: string;
  /** A tenant ID, or tenants joined by `|`. */
  readonly orgId: string;
}

/** OIDC on the main listeners: oauth2-proxy answers nginx's `auth_request` for every request. */
export interface NginxOidcSettings {
  /** oauth2-proxy's `host:port` inside the pod. */
  readonly authAddress: string;
  /** Groups and their tenants, in order: the first group the identity is in decides. */
  readonly groups: readonly GatewayGroup[];
  /** Forward `/oauth2/` (browser sign-in, callback, sign-out) to oauth2-proxy. */
  readonly signIn: boolean;
}

/** With OIDC, Grafana's own listener: Basic auth for the datasource users, queries only. */
export interface NginxGrafanaListener {
  readonly port: number;
  /** The htpasswd file of Grafana's datasource users. */
  readonly htpasswdFile: string;
  /** Grafana's datasource users and their tenants. */
  readonly users: readonly GatewayUser[];
}

export interface NginxGatewaySettings {
  /** Port of the query API (and OTLP/HTTP with ingest). */
  readonly httpPort: number;
  /** Port of OTLP/gRPC ingest (cleartext HTTP/2), with ingest only. */
  readonly grpcPort?: number;
  /** Basic auth on the main listeners: the htpasswd file (a key of the user's Secret, mounted read-only). */
  readonly htpasswdFile?: string;
  /** OIDC on the main listeners instead of Basic auth. */
  readonly oidc?: NginxOidcSettings;
  /**
   * Identities and their tenants, in a stable order: htpasswd users (Basic), or the identity
   * oauth2-proxy reports (OIDC: X-Auth-Request-Email, the `--oidc-email-claim` claim).
   */
  readonly users: readonly GatewayUser[];
  /** With OIDC: Grafana's Basic-auth listener. @default - none */
  readonly grafana?: NginxGrafanaListener;
  /** Tempo's query API: the query-frontend, or the monolithic binary. */
  readonly query: GatewayUpstream;
  /** Tempo's OTLP receivers (the distributors), when clients outside the cluster send traces. */
  readonly ingest?: { readonly otlpHttp?: GatewayUpstream; readonly otlpGrpc?: GatewayUpstream };
  /** nginx worker processes (the container's CPU limit, rounded up). */
  readonly workerProcesses: number;
  /** A writable directory for the pid file and nginx's temporary files (an emptyDir). */
  readonly tmpDir: string;
  /** Largest request body (OTLP batches). */
  readonly clientMaxBodySize: string;
  /** How long a query may take before nginx gives up on Tempo. */
  readonly proxyReadTimeoutSeconds: number;
  /**
   * nginx's `stub_status` for the metrics exporter sidecar: a server on the pod's loopback only
   * (`127.0.0.1:<port>`), no credentials, nothing else served. @default - none
   */
  readonly status?: { readonly port: number; readonly path: string };
}

/** The path of the readiness probe (answered by nginx itself, without credentials). */
export const GATEWAY_READY_PATH = '/gateway/ready';

/** OTLP paths (opentelemetry-proto `opentelemetry/proto/collector/trace/v1`). */
export const OTLP_HTTP_TRACES_PATH = '/v1/traces';
export const OTLP_GRPC_TRACES_SERVICE = '/opentelemetry.proto.collector.trace.v1.TraceService/';

const q = (s: string) => `"${s}"`;

/** The internal location of the auth subrequest (never reachable from outside: `internal`). */
const AUTH_LOCATION = '/.tracesynth-gateway/auth';

/** oauth2-proxy's `--set-xauthrequest` headers: a client's copy never reaches Tempo. */
const X_AUTH_REQUEST_HEADERS = [
  'X-Auth-Request-User',
  'X-Auth-Request-Email',
  'X-Auth-Request-Preferred-Username',
  'X-Auth-Request-Groups',
  'X-Auth-Request-Access-Token',
];

/** A regular expression (PCRE) that matches `value` literally. */
const literal = (value: string) => value.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function upstreamBlock(name: string, u: GatewayUpstream): string[] {
  return [`  upstream ${name} {`, `    server ${u.address};`, '    keepalive 16;', '  }'];
}

/** proxy_ssl_* / grpc_ssl_* lines for a TLS upstream. */
function tlsLines(prefix: 'proxy' | 'grpc', u: GatewayUpstream): string[] {
  if (!u.tls) return [];
  return [
    `      ${prefix}_ssl_trusted_certificate ${u.tls.caFile};`,
    `      ${prefix}_ssl_verify on;`,
    `      ${prefix}_ssl_name ${u.tls.serverName};`,
    `      ${prefix}_ssl_server_name on;`,
  ];
}

/** Headers cleared toward Tempo (`""` removes a header) besides Authorization. */
function stripLines(prefix: 'proxy' | 'grpc', oidc: boolean): string[] {
  // The session cookie and oauth2-proxy's identity headers stay at the gateway.
  return oidc ? ['Cookie', ...X_AUTH_REQUEST_HEADERS].map((h) => `      ${prefix}_set_header ${h} "";`) : [];
}

/**
 * A named location that refuses requests without a tenant, then passes them on with the tenant
 * set: HTTP (`proxy_*`, keepalive to the upstream) or gRPC (`grpc_*`).
 */
function proxyLocation(
  prefix: 'proxy' | 'grpc',
  name: string,
  tenantVar: string,
  upstream: string,
  u: GatewayUpstream,
  oidc = false,
): string[] {
  const http = prefix === 'proxy';
  const scheme = (http ? 'http' : 'grpc') + (u.tls ? 's' : '');
  return [
    `    location @${name} {`,
    `      if (${tenantVar} = "") {`,
    '        return 403;',
    '      }',
    `      ${prefix}_pass ${scheme}://${upstream};`,
    ...(http ? ['      proxy_http_version 1.1;', '      proxy_set_header Connection "";'] : []),
    `      ${prefix}_set_header X-Scope-OrgID ${tenantVar};`,
    `      ${prefix}_set_header Authorization "";`,
    ...stripLines(prefix, oidc),
    ...(http ? ['      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;'] : []),
    ...tlsLines(prefix, u),
    '    }',
  ];
}

/** Everything a server does not serve: 404. */
const NOT_FOUND = ['    location / {', '      return 404;', '    }'];

/** Tempo's query API (`/api/`) for the tenant in `tenantVar`, minus the overrides API. */
function queryLocations(tenantVar: string, u: GatewayUpstream, oidc = false): string[] {
  return [
    // Tempo's user-configurable overrides API changes a tenant's limits: never from outside.
    '    location /api/overrides {',
    '      return 403;',
    '    }',
    ...forward('/api/', 'tempo_query', oidc),
    ...proxyLocation('proxy', 'tempo_query', tenantVar, 'tempo_query', u, oidc),
  ];
}

/** A map from who authenticated (`source`) to the tenant (`target`); anyone else maps to "". */
function userMap(source: string, target: string, users: readonly GatewayUser[]): string[] {
  return [
    `  map ${source} ${target} {`,
    '    default "";',
    ...users.map((u) => `    ${q(u.user)} ${q(u.orgId)};`),
    '  }',
  ];
}

/**
 * The location that sends a path to a named location once authentication has passed. With OIDC
 * the auth subrequest is made here (the named location, reached after it, does not repeat it).
 */
function forward(match: string, name: string, oidc = false): string[] {
  return [
    `    location ${match} {`,
    ...(oidc ? authRequestLines() : []),
    // No file of this name exists: try_files (precontent phase, after auth) falls to @name.
    `      try_files /.tracesynth-gateway-no-such-file @${name};`,
    '    }',
  ];
}

/** Ask oauth2-proxy; keep the identity from its answer's headers (never the client's). */
function authRequestLines(): string[] {
  return [
    `      auth_request ${AUTH_LOCATION};`,
    '      auth_request_set $tempo_oidc_user $upstream_http_x_auth_request_email;',
    '      auth_request_set $tempo_oidc_groups $upstream_http_x_auth_request_groups;',
  ];
}

/** The auth subrequest's location, and the Bearer challenge on 401 (RFC 6750 section 3). */
function authLocations(): string[] {
  return [
    `    location = ${AUTH_LOCATION} {`,
    '      internal;',
    '      proxy_pass http://oauth2_proxy/oauth2/auth;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_pass_request_body off;',
    '      proxy_set_header Content-Length "";',
    '    }',
    '    error_page 401 = @tempo_unauthorized;',
    '    location @tempo_unauthorized {',
    '      add_header WWW-Authenticate \'Bearer realm="Tempo"\' always;',
    '      return 401;',
    '    }',
  ];
}

/** The tenant maps of OIDC: the identity's own entry first, else its first listed group. */
function oidcTenantMaps(s: NginxGatewaySettings, o: NginxOidcSettings): string[] {
  return [
    ...userMap('$tempo_oidc_user', '$tempo_user_tenant', s.users),
    // X-Auth-Request-Groups joins the groups with ',' (pkg/middleware/headers.go flattenHeaders).
    '  map $tempo_oidc_groups $tempo_group_tenant {',
    '    default "";',
    ...o.groups.map((g) => `    ${q(`~(^|,)${literal(g.group)}(,|$)`)} ${q(g.orgId)};`),
    '  }',
    '  map $tempo_user_tenant $tempo_tenant {',
    '    default $tempo_user_tenant;',
    '    "" $tempo_group_tenant;',
    '  }',
  ];
}

export function renderNginxConfig(s: NginxGatewaySettings): string {
  const t = s.tmpDir;
  const oidc = s.oidc;
  if ((s.htpasswdFile === undefined) === (oidc === undefined))
    throw new Error('renderNginxConfig: give exactly one of htpasswdFile (Basic) and oidc');
  if (s.grafana && !oidc) throw new Error('renderNginxConfig: the Grafana listener is for OIDC only');
  const otlpHttp = s.ingest?.otlpHttp;
  const otlpGrpc = s.ingest?.otlpGrpc;
  const basicAuth = (file: string) => ['    auth_basic "Tempo";', `    auth_basic_user_file ${file};`];
  const lines: string[] = [
    `worker_processes ${s.workerProcesses};`,
    'error_log /dev/stderr warn;',
    `pid ${t}/nginx.pid;`,
    '',
    'events {',
    '  worker_connections 4096;',
    '}',
    '',
    'http {',
    // The root filesystem is read-only: every temporary path on the emptyDir.
    `  client_body_temp_path ${t}/client_body;`,
    `  proxy_temp_path ${t}/proxy;`,
    `  fastcgi_temp_path ${t}/fastcgi;`,
    `  uwsgi_temp_path ${t}/uwsgi;`,
    `  scgi_temp_path ${t}/scgi;`,
    '  server_tokens off;',
    '  default_type application/octet-stream;',
    `  client_max_body_size ${s.clientMaxBodySize};`,
    `  proxy_read_timeout ${s.proxyReadTimeoutSeconds}s;`,
    `  grpc_read_timeout ${s.proxyReadTimeoutSeconds}s;`,
    ...(oidc
      ? [
          // The identity oauth2-proxy reported ($remote_user would be whatever a client put in a
          // Basic header).
          '  log_format oidc \'$remote_addr "$tempo_oidc_user" [$time_local] "$request" $status $body_bytes_sent \'',
          '                  \'tenant="$tempo_tenant" $request_time\';',
          ...(s.grafana
            ? [
                '  log_format grafana \'$remote_addr $remote_user [$time_local] "$request" $status $body_bytes_sent \'',
                '                     \'tenant="$tempo_grafana_tenant" $request_time\';',
              ]
            : []),
        ]
      : [
          '  log_format tenant \'$remote_addr $remote_user [$time_local] "$request" $status $body_bytes_sent \'',
          '                    \'tenant="$tempo_tenant" $request_time\';',
          '  access_log /dev/stdout tenant;',
        ]),
    '',
    ...(oidc
      ? oidcTenantMaps(s, oidc)
      : [
          // The one source of a request's tenant: who it authenticated as. Unknown users map to "".
          ...userMap('$remote_user', '$tempo_tenant', s.users),
        ]),
    ...(s.grafana ? userMap('$remote_user', '$tempo_grafana_tenant', s.grafana.users) : []),
    ...(s.ingest
      ? [
          // A cross-tenant identity (`a|b`) reads several tenants but writes to none.
          '  map $tempo_tenant $tempo_ingest_tenant {',
          '    default $tempo_tenant;',
          '    "~[|]" "";',
          '  }',
        ]
      : []),
    '',
    ...upstreamBlock('tempo_query', s.query),
    ...(otlpHttp ? upstreamBlock('tempo_otlp_http', otlpHttp) : []),
    ...(otlpGrpc ? upstreamBlock('tempo_otlp_grpc', otlpGrpc) : []),
    ...(oidc ? upstreamBlock('oauth2_proxy', { address: oidc.authAddress }) : []),
    '',
    '  server {',
    `    listen ${s.httpPort};`,
    ...(oidc ? ['    access_log /dev/stdout oidc;'] : basicAuth(s.htpasswdFile!)),
    '',
    `    location = ${GATEWAY_READY_PATH} {`,
    ...(oidc ? [] : ['      auth_basic off;']),
    '      access_log off;',
    '      default_type text/plain;',
    '      return 200 "ok\\n";',
    '    }',
    ...(oidc ? authLocations() : []),
    ...(oidc?.signIn
      ? [
          // Browser sign-in: /oauth2/start, /oauth2/callback, /oauth2/sign_out.
          '    location /oauth2/ {',
          '      proxy_pass http://oauth2_proxy;',
          '      proxy_http_version 1.1;',
          '      proxy_set_header Connection "";',
          '      proxy_set_header Host $host;',
          '    }',
        ]
      : []),
    ...queryLocations('$tempo_tenant', s.query, !!oidc),
    ...(otlpHttp
      ? [
          ...forward(`= ${OTLP_HTTP_TRACES_PATH}`, 'tempo_otlp_http', !!oidc),
          ...proxyLocation(
            'proxy',
            'tempo_otlp_http',
            '$tempo_ingest_tenant',
            'tempo_otlp_http',
            otlpHttp,
            !!oidc,
          ),
        ]
      : []),
    ...NOT_FOUND,
    '  }',
  ];
  if (s.grafana)
    lines.push(
      '',
      // Grafana's datasources (Basic, their UIDs): queries only; NetworkPolicy admits Grafana only.
      '  server {',
      `    listen ${s.grafana.port};`,
      '    access_log /dev/stdout grafana;',
      ...basicAuth(s.grafana.htpasswdFile),
      ...queryLocations('$tempo_grafana_tenant', s.query),
      ...NOT_FOUND,
      '  }',
    );
  if (otlpGrpc && s.grpcPort !== undefined) {
    lines.push(
      '',
      '  server {',
      // Cleartext HTTP/2 (gRPC). `listen … http2` is what nginx 1.22 understands; 1.25.1+ still
      // accepts it (with a deprecation notice for the `http2` directive).
      `    listen ${s.grpcPort} http2;`,
      ...(oidc ? ['    access_log /dev/stdout oidc;', ...authLocations()] : basicAuth(s.htpasswdFile!)),
      ...forward(OTLP_GRPC_TRACES_SERVICE, 'tempo_otlp_grpc', !!oidc),
      ...proxyLocation(
        'grpc',
        'tempo_otlp_grpc',
        '$tempo_ingest_tenant',
        'tempo_otlp_grpc',
        otlpGrpc,
        !!oidc,
      ),
      ...NOT_FOUND,
      '  }',
    );
  }
  if (s.status)
    lines.push(
      '',
      // Connection and request counters for the exporter sidecar (ngx_http_stub_status_module, in
      // nginx-unprivileged and Debian's nginx-light): loopback only, never behind the Service.
      '  server {',
      `    listen 127.0.0.1:${s.status.port};`,
      '    access_log off;',
      `    location = ${s.status.path} {`,
      '      stub_status;',
      '    }',
      ...NOT_FOUND,
      '  }',
    );
  lines.push('}', '');
  return lines.join('\n');
}
