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

export interface NginxGatewaySettings {
  /** Port of the query API (and OTLP/HTTP with ingest). */
  readonly httpPort: number;
  /** Port of OTLP/gRPC ingest (cleartext HTTP/2), with ingest only. */
  readonly grpcPort?: number;
  /** The htpasswd file (a key of the user's Secret, mounted read-only). */
  readonly htpasswdFile: string;
  /** Users and their tenants, in a stable order. */
  readonly users: readonly GatewayUser[];
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
}

/** The path of the readiness probe (answered by nginx itself, without credentials). */
export const GATEWAY_READY_PATH = '/gateway/ready';

/** OTLP paths (opentelemetry-proto `opentelemetry/proto/collector/trace/v1`). */
export const OTLP_HTTP_TRACES_PATH = '/v1/traces';
export const OTLP_GRPC_TRACES_SERVICE = '/opentelemetry.proto.collector.trace.v1.TraceService/';

const q = (s: string) => `"${s}"`;

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

/** A named location that refuses requests without a tenant, then proxies with the tenant set. */
function proxyLocation(name: string, tenantVar: string, upstream: string, u: GatewayUpstream): string[] {
  return [
    `    location @${name} {`,
    `      if (${tenantVar} = "") {`,
    '        return 403;',
    '      }',
    `      proxy_pass ${u.tls ? 'https' : 'http'}://${upstream};`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    `      proxy_set_header X-Scope-OrgID ${tenantVar};`,
    '      proxy_set_header Authorization "";',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    ...tlsLines('proxy', u),
    '    }',
  ];
}

/** The location that sends a path to a named location once authentication has passed. */
function forward(match: string, name: string): string[] {
  return [
    `    location ${match} {`,
    // No file of this name exists: try_files (precontent phase, after auth) falls to @name.
    `      try_files /.tracesynth-gateway-no-such-file @${name};`,
    '    }',
  ];
}

export function renderNginxConfig(s: NginxGatewaySettings): string {
  const t = s.tmpDir;
  const otlpHttp = s.ingest?.otlpHttp;
  const otlpGrpc = s.ingest?.otlpGrpc;
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
    '  log_format tenant \'$remote_addr $remote_user [$time_local] "$request" $status $body_bytes_sent \'',
    '                    \'tenant="$tempo_tenant" $request_time\';',
    '  access_log /dev/stdout tenant;',
    '',
    // The one source of a request's tenant: who it authenticated as. Unknown users map to "".
    '  map $remote_user $tempo_tenant {',
    '    default "";',
    ...s.users.map((u) => `    ${q(u.user)} ${q(u.orgId)};`),
    '  }',
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
    '',
    '  server {',
    `    listen ${s.httpPort};`,
    '    auth_basic "Tempo";',
    `    auth_basic_user_file ${s.htpasswdFile};`,
    '',
    `    location = ${GATEWAY_READY_PATH} {`,
    '      auth_basic off;',
    '      access_log off;',
    '      default_type text/plain;',
    '      return 200 "ok\\n";',
    '    }',
    // Tempo's user-configurable overrides API changes a tenant's limits: never from outside.
    '    location /api/overrides {',
    '      return 403;',
    '    }',
    ...forward('/api/', 'tempo_query'),
    ...proxyLocation('tempo_query', '$tempo_tenant', 'tempo_query', s.query),
    ...(otlpHttp
      ? [
          ...forward(`= ${OTLP_HTTP_TRACES_PATH}`, 'tempo_otlp_http'),
          ...proxyLocation('tempo_otlp_http', '$tempo_ingest_tenant', 'tempo_otlp_http', otlpHttp),
        ]
      : []),
    '    location / {',
    '      return 404;',
    '    }',
    '  }',
  ];
  if (otlpGrpc && s.grpcPort !== undefined) {
    lines.push(
      '',
      '  server {',
      // Cleartext HTTP/2 (gRPC). `listen … http2` is what nginx 1.22 understands; 1.25.1+ still
      // accepts it (with a deprecation notice for the `http2` directive).
      `    listen ${s.grpcPort} http2;`,
      '    auth_basic "Tempo";',
      `    auth_basic_user_file ${s.htpasswdFile};`,
      ...forward(OTLP_GRPC_TRACES_SERVICE, 'tempo_otlp_grpc'),
      '    location @tempo_otlp_grpc {',
      '      if ($tempo_ingest_tenant = "") {',
      '        return 403;',
      '      }',
      `      grpc_pass ${otlpGrpc.tls ? 'grpcs' : 'grpc'}://tempo_otlp_grpc;`,
      '      grpc_set_header X-Scope-OrgID $tempo_ingest_tenant;',
      '      grpc_set_header Authorization "";',
      ...tlsLines('grpc', otlpGrpc),
      '    }',
      '    location / {',
      '      return 404;',
      '    }',
      '  }',
    );
  }
  lines.push('}', '');
  return lines.join('\n');
}
