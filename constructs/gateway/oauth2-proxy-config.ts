/**
 * The query gateway's oauth2-proxy (the OIDC sidecar of `GatewayAuth.oidc`), pure: settings in,
 * command-line flags out. The same flags run in the pod (`quay.io/oauth2-proxy/oauth2-proxy`,
 * lib/versions.ts) and in the end-to-end test (the same release built from its Go module,
 * test/gateway-oidc-e2e.test.ts). Every flag is one of v7.15.6's (pkg/apis/options: options.go,
 * cookie.go, legacy_options.go, logging.go); secrets are files of mounted Secrets
 * (`--client-secret-file`, `--cookie-secret-file`), never values.
 *
 * oauth2-proxy only authenticates: nginx asks `/oauth2/auth` about each request (`auth_request`)
 * and maps the identity it answers with to tenants (nginx-config.ts). What the flags guarantee:
 * - `Authorization: Bearer <JWT>` from the issuer (machine clients: CI, a collector's
 *   oauth2client extension) is verified against the issuer's JWKS, its `aud` must be the client
 *   ID or one of the extra audiences, and it must not be expired (`--skip-jwt-bearer-tokens`,
 *   oauthproxy.go buildSessionChain → go-oidc's IDTokenVerifier). An invalid or expired token
 *   loads no session, so `/oauth2/auth` answers 401 (`--bearer-token-login-fallback`, default
 *   true; false would answer 403);
 * - a browser signs in through the authorization-code flow with PKCE (S256) and carries an
 *   encrypted session cookie (Secure, HttpOnly, SameSite=Lax), revalidated against the issuer
 *   hourly (`--cookie-refresh`) and expiring after 12 hours;
 * - the identity is the `userClaim` claim (`--oidc-email-claim`; a bearer token without it falls
 *   back to its `sub`, providers/oidc.go CreateSessionFromToken), reported in
 *   X-Auth-Request-Email; the groups claim in X-Auth-Request-Groups (`--set-xauthrequest`). With
 *   the default `email` claim, a token whose `email_verified` is false is refused
 *   (providers/provider_data.go buildSessionFromClaims);
 * - every email domain is accepted (`--email-domain=*`, required by pkg/validation/options.go):
 *   who reads what is decided by the tenant maps at nginx, where an identity in no map gets 403.
 */

import type { NamedPort } from '../../lib/k8s';
import type { ResolvedOidcAuth } from './gateway-options';

/** Where oauth2-proxy listens in the pod (nginx reaches it on 127.0.0.1; the kubelet probes it). */
export const OAUTH2_PROXY_PORT = {
  name: 'oauth2-proxy',
  port: 4180,
  protocol: 'TCP',
} as const satisfies NamedPort;
/**
 * Its Prometheus endpoint (`--metrics-address`; 44180 as the oauth2-proxy Helm chart): the request
 * counter by status code, `oauth2_proxy_requests_total{code}` (pkg/middleware/metrics.go).
 */
export const OAUTH2_PROXY_METRICS_PORT = {
  name: 'proxy-metrics',
  port: 44180,
  protocol: 'TCP',
} as const satisfies NamedPort;

export interface OAuth2ProxySettings extends Pick<
  ResolvedOidcAuth,
  'issuerUrl' | 'clientId' | 'extraAudiences' | 'userClaim' | 'groupsClaim' | 'scopes'
> {
  /** Mounted files of the Secrets. */
  readonly clientSecretFile: string;
  readonly cookieSecretFile: string;
  /** The issuer's CA (a private PKI). @default - the image's public roots */
  readonly issuerCaFile?: string;
  /** Browser sign-in's callback, `https://<host>/oauth2/callback`. @default - no browser sign-in */
  readonly redirectUrl?: string;
}

export function oauth2ProxyArgs(s: OAuth2ProxySettings): string[] {
  return [
    '--provider=oidc',
    `--oidc-issuer-url=${s.issuerUrl}`,
    `--client-id=${s.clientId}`,
    `--client-secret-file=${s.clientSecretFile}`,
    `--cookie-secret-file=${s.cookieSecretFile}`,
    ...(s.issuerCaFile ? [`--provider-ca-file=${s.issuerCaFile}`] : []),
    // Every interface: the kubelet's probes reach it; the NetworkPolicy admits no one to it, and
    // nginx calls it on 127.0.0.1.
    `--http-address=0.0.0.0:${OAUTH2_PROXY_PORT.port}`,
    // Scraped by Prometheus only (NetworkPolicy).
    `--metrics-address=0.0.0.0:${OAUTH2_PROXY_METRICS_PORT.port}`,
    '--skip-jwt-bearer-tokens=true',
    ...s.extraAudiences.map((a) => `--oidc-extra-audience=${a}`),
    `--oidc-email-claim=${s.userClaim}`,
    `--oidc-groups-claim=${s.groupsClaim}`,
    '--set-xauthrequest=true',
    '--email-domain=*',
    `--scope=${s.scopes.join(' ')}`,
    '--code-challenge-method=S256',
    ...(s.redirectUrl ? [`--redirect-url=${s.redirectUrl}`] : []),
    // Straight to the issuer: no oauth2-proxy sign-in page in front of it.
    '--skip-provider-button=true',
    '--cookie-name=_tempo_gateway',
    '--cookie-secure=true',
    '--cookie-samesite=lax',
    '--cookie-expire=12h',
    '--cookie-refresh=1h',
    // nginx logs every request with its identity and tenant; oauth2-proxy keeps its
    // authentication log (sign-ins, refused sessions).
    '--request-logging=false',
    '--silence-ping-logging=true',
  ];
}
