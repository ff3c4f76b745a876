/**
 * The OIDC query gateway (`GatewayAuth.oidc`) as models: the pod it renders (two restricted
 * containers, secrets only as files), who may reach what (the NetworkPolicies through the
 * evaluator: Grafana on its own listener, the issuer on its port, nobody on oauth2-proxy's), every
 * synthesized oauth2-proxy command line checked by the pinned oauth2-proxy itself
 * (`--config-test`: unknown flags and invalid values fail), nginx -t on the OIDC configurations the
 * end-to-end test (test/gateway-oidc-e2e.test.ts) does not run (ingest, gRPC), and bad input: one
 * line each, exact text, through the CLI, dist/ untouched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Size } from 'cdk8s';
import { GatewayAuth, GatewayExposure, GatewayOidcAuthProps } from '../constructs/gateway/gateway-options';
import { renderNginxConfig } from '../constructs/gateway/nginx-config';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import type { EnvironmentDefinition } from '../environments/types';
import { EXAMPLES } from '../examples';
import { renderStack } from './fixtures/stacks';
import { IMAGES, imageRef, VERSIONS } from '../lib/versions';
import {
  expectOneErrorLine,
  hashTree,
  ROOT,
  runInProcess,
  useDistCopy,
  writeEnvironmentsModule,
} from './helpers/cli-run';
import { readManifests } from './helpers/cluster-apply';
import { networkPolicies, renderedPods } from './helpers/flow-probes';
import { restrictedViolations } from './helpers/invariants';
import { mayReach, PodEndpoint } from './helpers/network-evaluator';
import { selfSignedCertificate } from './helpers/loopback';
import { haveNginxAndOpenssl, NGINX } from './helpers/nginx';
import { haveOauth2Proxy, OAUTH2_PROXY } from './helpers/oauth2-proxy';

const staging = EXAMPLES.find((e) => e.name === 'fawkes-staging')!;
const gatewayDeployment = (manifests: readonly any[]) =>
  manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'tempo-gateway');
const sidecar = (d: any) => d.spec.template.spec.containers.find((c: any) => c.name === 'oauth2-proxy');

const oidc = (o: Partial<GatewayOidcAuthProps> = {}) =>
  GatewayAuth.oidc({
    issuerUrl: 'https://sso.example.com/realms/qa',
    clientId: 'tempo-gateway',
    clientSecret: { name: 'gw-oidc', key: 'client-secret' },
    cookieSecret: { name: 'gw-oidc', key: 'cookie-secret' },
    ...o,
  });
/** A multi-tenant stack with an OIDC gateway, without Grafana. */
const qa = (gateway: Partial<NonNullable<EnvironmentDefinition['queryGateway']>> = {}, extra = {}) =>
  ({
    name: 'qa',
    tempo: { storage: TempoStorage.local({ size: Size.gibibytes(5) }), multitenancy: true },
    collector: { tenant: 'team-a' },
    grafana: false,
    queryGateway: { auth: oidc(), users: { 'alice@example.com': 'team-a' }, ...gateway },
    ...extra,
  }) as EnvironmentDefinition;

describe('fawkes-staging: the OIDC gateway as rendered', () => {
  const { charts, manifests } = renderStack(staging);
  const d = gatewayDeployment(manifests);
  const pod = d.spec.template.spec;

  test('nginx, the oauth2-proxy and exporter sidecars: Pod Security restricted, requests, limits, probes; the image pinned', () => {
    expect(pod.containers.map((c: any) => c.name)).toEqual(['nginx', 'oauth2-proxy', 'exporter']);
    expect(restrictedViolations([d])).toEqual([]);
    const proxy = sidecar(d);
    expect(proxy.image).toBe(imageRef(IMAGES.oauth2Proxy));
    expect(proxy.image).toBe(`quay.io/oauth2-proxy/oauth2-proxy:${VERSIONS.oauth2Proxy}`);
    expect(proxy.securityContext).toMatchObject({
      runAsUser: 65532,
      runAsGroup: 65532,
      readOnlyRootFilesystem: true,
    });
    expect([proxy.readinessProbe.httpGet.path, proxy.livenessProbe.httpGet.path]).toEqual([
      '/ready',
      '/ping',
    ]);
  });

  test('secrets only by reference: Secret keys mounted as files, no value in any object', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const args: string[] = sidecar(d).args;
    expect(args).toContain('--client-secret-file=/etc/oauth2-proxy/client-secret/client-secret');
    expect(args).toContain('--cookie-secret-file=/etc/oauth2-proxy/cookie-secret/cookie-secret');
    expect(args.filter((a) => /^--(client-secret|cookie-secret)=/.test(a))).toEqual([]);
    expect(sidecar(d).env).toBeUndefined();
    const secrets = pod.volumes
      .filter((v: any) => v.secret)
      .map((v: any) => [v.secret.secretName, v.secret.items[0].key]);
    expect(secrets).toEqual([
      ['tempo-gateway-grafana-htpasswd', 'htpasswd'],
      ['tempo-gateway-oidc', 'client-secret'],
      ['tempo-gateway-oidc', 'cookie-secret'],
    ]);
  });

  test('oauth2-proxy verifies bearer tokens of the issuer and reports the identity nginx maps', () => {
    const args: string[] = sidecar(d).args;
    expect(args).toEqual(
      expect.arrayContaining([
        '--provider=oidc',
        '--oidc-issuer-url=https://sso.fawkes.example.com/realms/fawkes',
        '--client-id=tempo-gateway-staging',
        '--skip-jwt-bearer-tokens=true',
        '--set-xauthrequest=true',
        '--oidc-email-claim=preferred_username',
        '--oidc-groups-claim=groups',
        '--redirect-url=https://tempo.staging.fawkes.example.com/oauth2/callback',
        '--code-challenge-method=S256',
      ]),
    );
    const conf = charts.gateway!.gateway.nginxConfig;
    expect(conf).toContain('auth_request_set $tempo_oidc_user $upstream_http_x_auth_request_email;');
    expect(conf).toContain('auth_request_set $tempo_oidc_groups $upstream_http_x_auth_request_groups;');
    // Groups in the order written (the widest first), after the identity's own entry.
    expect(charts.gateway!.gateway.oidc!.groups.map((g) => g.group)).toEqual([
      'platform-sre',
      'team-backstage',
      'team-jenkins',
      'team-argocd',
    ]);
  });

  test('SUMMARY.md names the issuer and client the cluster needs (a prerequisite) and no secret value', () => {
    const summary = readFileSync(join(ROOT, 'examples', 'dist', 'fawkes-staging', 'SUMMARY.md'), 'utf8');
    expect(summary).toContain(
      'https://sso.fawkes.example.com/realms/fawkes, client `tempo-gateway-staging`, redirect URI https://tempo.staging.fawkes.example.com/oauth2/callback | Deployment |',
    );
    expect(summary).toContain('`tempo-gateway-oidc/client-secret`, `tempo-gateway-oidc/cookie-secret`');
  });

  test("Grafana's datasources query the Basic listener (8082) as their UIDs", () => {
    const g = charts.gateway!.gateway;
    expect(g.grafanaUrl).toBe('http://tempo-gateway.fawkes-observability.svc.cluster.local:8082');
    expect(g.grafanaUsers.map((u) => u.user)).toContain('tempo-backstage');
    expect(g.users.map((u) => u.user)).toEqual(['service-account-fawkes-delivery']);
    const ds = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.endsWith('-datasources'));
    const urls = new Set(
      [...(Object.values(ds.data)[0] as string).matchAll(/url: (http:\/\/tempo-gateway[^\s]+)/g)].map(
        (m: RegExpMatchArray) => m[1],
      ),
    );
    expect([...urls]).toEqual([g.grafanaUrl]);
  });

  describe('who reaches what', () => {
    const policies = networkPolicies(manifests);
    const gateway = renderedPods(manifests).filter(
      (p) => p.labels['app.kubernetes.io/component'] === 'query-gateway',
    );
    const grafana: PodEndpoint = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } };
    const ingress: PodEndpoint = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const app: PodEndpoint = { namespace: 'shop', labels: { app: 'checkout' } };

    test('Grafana reaches its listener only; the ingress controller the OIDC listener only; nobody oauth2-proxy', () => {
      expect(gateway).toHaveLength(1);
      for (const g of gateway) {
        expect(mayReach(policies, grafana, g, 8082)).toBe(true);
        expect(mayReach(policies, grafana, g, 8080)).toBe(false);
        expect(mayReach(policies, ingress, g, 8080)).toBe(true);
        expect(mayReach(policies, ingress, g, 8082)).toBe(false);
        for (const peer of [grafana, ingress, app]) expect(mayReach(policies, peer, g, 4180)).toBe(false);
      }
    });

    test('the gateway calls the issuer on its port (issuerCidrs, default everywhere), and nothing else outside', () => {
      for (const g of gateway) {
        expect(mayReach(policies, g, { ip: '52.95.110.1' }, 443)).toBe(true);
        expect(mayReach(policies, g, { ip: '52.95.110.1' }, 80)).toBe(false);
      }
      const narrowed = renderStack({
        ...staging,
        networkPolicies: { ...staging.networkPolicies, issuerCidrs: ['198.51.100.0/24'] },
      });
      const p = networkPolicies(narrowed.manifests);
      for (const g of gateway) {
        expect(mayReach(p, g, { ip: '198.51.100.7' }, 443)).toBe(true);
        expect(mayReach(p, g, { ip: '52.95.110.1' }, 443)).toBe(false);
      }
    });
  });
});

describe('variants', () => {
  test('an issuer inside the cluster is reached as its Service; a private CA is mounted and trusted alone', () => {
    const { charts, manifests } = renderStack(
      qa({
        auth: oidc({
          issuerUrl: 'https://keycloak.sso.svc.cluster.local:8443/realms/qa',
          issuerCaSecret: { name: 'sso-ca', key: 'ca.crt' },
        }),
      }),
    );
    const flow = charts.flows.flows.find((f) => f.purpose.startsWith('oauth2-proxy'))!;
    expect(flow.to).toEqual({ kind: 'service', host: 'keycloak.sso.svc.cluster.local', namespace: 'sso' });
    expect(flow.ports.map((x) => x.port)).toEqual([8443]);
    const proxy = sidecar(gatewayDeployment(manifests));
    expect(proxy.args).toContain('--provider-ca-file=/etc/oauth2-proxy/issuer-ca/ca.crt');
    // No exposure: no browser sign-in (bearer tokens only), no Grafana listener without Grafana.
    expect(proxy.args.some((a: string) => a.startsWith('--redirect-url'))).toBe(false);
    expect(charts.gateway!.gateway.nginxConfig).not.toContain('location /oauth2/');
    expect(charts.gateway!.gateway.ports.map((p) => p.name)).toEqual(['http']);
  });

  test('a Gateway API exposure routes /oauth2 for sign-in at its first host name', () => {
    const { manifests } = renderStack(
      qa({
        exposure: GatewayExposure.gatewayApi({
          gateway: { name: 'external', namespace: 'gateway-system' },
          hostnames: ['tempo.example.com', '*.tempo.example.com'],
        }),
      }),
    );
    const route = manifests.find((m) => m.kind === 'HTTPRoute');
    expect(route.spec.rules[0].matches.map((m: any) => m.path.value)).toEqual(['/api', '/oauth2']);
    expect(sidecar(gatewayDeployment(manifests)).args).toContain(
      '--redirect-url=https://tempo.example.com/oauth2/callback',
    );
  });

  test('OTLP ingest through the OIDC gateway: both listeners authenticate through oauth2-proxy', () => {
    const { charts, manifests } = renderStack(
      qa({
        ingest: {},
        exposure: GatewayExposure.gatewayApi({
          gateway: { name: 'external', namespace: 'gateway-system' },
          hostnames: ['tempo.example.com'],
        }),
      }),
    );
    const g = charts.gateway!.gateway;
    expect(g.ports.map((p) => p.name)).toEqual(['http', 'grpc']);
    expect(manifests.filter((m) => m.kind === 'GRPCRoute')).toHaveLength(1);
    expect(g.nginxConfig.match(/auth_request \/\.tracesynth-gateway\/auth;/g)).toHaveLength(3);
    expect(g.nginxConfig).toContain('grpc_set_header X-Scope-OrgID $tempo_ingest_tenant;');
    const receivers = charts.flows.flows.filter((f) => f.purpose.startsWith('forwards OTLP'));
    expect(receivers.flatMap((f) => f.ports.map((p) => p.name))).toEqual(['otlp-http', 'otlp-grpc']);
  });

  test('groups alone (no users); a group name is matched literally inside the comma-separated list', () => {
    const { charts } = renderStack(
      qa({ users: {}, auth: oidc({ groups: { '/platform/sre.team+x': ['team-a', 'team-b'] } }) }),
    );
    expect(charts.gateway!.gateway.nginxConfig).toContain(
      '"~(^|,)\\/platform\\/sre\\.team\\+x(,|$)" "team-a|team-b";',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The pinned oauth2-proxy checks every command line this app synthesizes.

const haveProxy = haveOauth2Proxy();

/** Every oauth2-proxy container of the committed dist/ and examples/dist/. */
function committedSidecars(): [string, string[]][] {
  const found: [string, string[]][] = [];
  for (const base of ['dist', join('examples', 'dist')])
    for (const env of readdirSync(join(ROOT, base)))
      for (const m of readManifests(join(ROOT, base, env, 'gateway')).filter(
        (o) => o.kind === 'Deployment',
      )) {
        const c = sidecar(m);
        if (c) found.push([`${base}/${env}`, c.args]);
      }
  return found;
}

(haveProxy ? describe : describe.skip)(`oauth2-proxy ${VERSIONS.oauth2Proxy} --config-test`, () => {
  // Made when the tests run (a filtered run skips the hooks, and would leave it behind).
  let dir = '';
  let ca = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tracesynth-oauth2-proxy-'));
    ca = join(dir, 'ca.crt');
    selfSignedCertificate('ca', { key: join(dir, 'ca.key'), cert: ca });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the check with the mounted files in a temporary directory. */
  function configTest(args: readonly string[]) {
    const files = { client: join(dir, 'client-secret'), cookie: join(dir, 'cookie-secret') };
    writeFileSync(files.client, 'not-a-real-secret');
    writeFileSync(files.cookie, randomBytes(32).toString('base64url'));
    const local = args.map((a) =>
      a
        .replace(/^--client-secret-file=.*/, `--client-secret-file=${files.client}`)
        .replace(/^--cookie-secret-file=.*/, `--cookie-secret-file=${files.cookie}`)
        .replace(/^--provider-ca-file=.*/, `--provider-ca-file=${ca}`),
    );
    return spawnSync(OAUTH2_PROXY, [...local, '--config-test'], { encoding: 'utf8', timeout: 30_000 });
  }

  test('every committed environment and example with an OIDC gateway', () => {
    const all = committedSidecars();
    expect(all.map(([where]) => where)).toContain('examples/dist/fawkes-staging');
    for (const [where, args] of all) {
      const r = configTest(args);
      expect([where, r.status, r.stdout.trim(), r.stderr.trim()]).toEqual([
        where,
        0,
        'configuration is valid',
        '',
      ]);
    }
  });

  test('the variants: a private CA, extra audiences, other claims and scopes, no sign-in', () => {
    const { manifests } = renderStack(
      qa({
        auth: oidc({
          issuerCaSecret: { name: 'sso-ca', key: 'ca.crt' },
          extraAudiences: ['ci-client', 'api://tempo'],
          userClaim: 'sub',
          groupsClaim: 'roles',
          scopes: ['openid', 'groups'],
        }),
      }),
    );
    const r = configTest(sidecar(gatewayDeployment(manifests)).args);
    expect([r.status, r.stdout.trim()]).toEqual([0, 'configuration is valid']);
  });

  test('and it can fail: a misspelt flag, a cookie secret of the wrong length', () => {
    const args: string[] = committedSidecars()[0]![1];
    const misspelt = configTest(args.map((a) => a.replace('--set-xauthrequest', '--set-xauth-request')));
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stderr).toContain('unknown flag: --set-xauth-request');
    const shortKey = spawnSync(
      OAUTH2_PROXY,
      [
        ...args.filter((a) => !a.startsWith('--cookie-secret-file') && !a.startsWith('--client-secret-file')),
        '--client-secret=x',
        '--cookie-secret=short',
        '--config-test',
      ],
      { encoding: 'utf8' },
    );
    expect(shortKey.status).not.toBe(0);
    expect(shortKey.stderr).toContain('cookie_secret must be 16, 24, or 32 bytes');
  });
});

// ---------------------------------------------------------------------------------------------
// nginx -t on OIDC configurations the end-to-end test does not run.

const haveNginx = haveNginxAndOpenssl();

(haveNginx ? test : test.skip)(
  'nginx -t: OIDC with OTLP/HTTP and OTLP/gRPC ingest over TLS, and the Grafana listener',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracesynth-nginx-oidc-'));
    try {
      const tls = { caFile: join(dir, 'ca.crt'), serverName: 'tempo.qa.svc.cluster.local' };
      selfSignedCertificate('ca', { key: join(dir, 'ca.key'), cert: tls.caFile });
      const conf = renderNginxConfig({
        httpPort: 18080,
        grpcPort: 18081,
        oidc: {
          authAddress: '127.0.0.1:14180',
          groups: [{ group: 'sre', orgId: 'a|b' }],
          signIn: true,
        },
        users: [{ user: 'ci@example.com', orgId: 'a' }],
        grafana: { port: 18082, htpasswdFile: join(dir, 'htpasswd'), users: [{ user: 'tempo', orgId: 'a' }] },
        query: { address: '127.0.0.1:13200' },
        ingest: {
          otlpHttp: { address: '127.0.0.1:14318', tls },
          otlpGrpc: { address: '127.0.0.1:14317', tls },
        },
        workerProcesses: 1,
        tmpDir: dir,
        clientMaxBodySize: '16m',
        proxyReadTimeoutSeconds: 300,
      });
      // The gRPC server authenticates the same way, and forwards the ingest tenant only.
      const grpc = conf.slice(conf.indexOf('listen 18081 http2;'));
      expect(grpc).toContain('auth_request /.tracesynth-gateway/auth;');
      expect(grpc).toContain('grpc_set_header X-Scope-OrgID $tempo_ingest_tenant;');
      expect(grpc).toContain('grpc_set_header X-Auth-Request-Groups "";');
      const file = join(dir, 'nginx.conf');
      writeFileSync(
        file,
        conf
          .replace('error_log /dev/stderr warn;', `error_log ${dir}/error.log warn;`)
          .replace(/\/dev\/stdout/g, `${dir}/access.log`),
      );
      const r = spawnSync(NGINX!, ['-t', '-p', dir, '-c', file, '-e', join(dir, 'error.log')], {
        encoding: 'utf8',
      });
      expect([r.status, r.stderr]).toEqual([0, expect.stringContaining('syntax is ok')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

// ---------------------------------------------------------------------------------------------
// Bad input: one line each, through the CLI; dist/ stays byte-identical.

const GW = (auth: string, fields = "users: { 'alice@example.com': 'team-a' }", extra = '') =>
  `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: TempoStorage.local({ size: Size.gibibytes(5) }), multitenancy: true }, collector: { tenant: 'team-a' }, grafana: false, ${extra} queryGateway: { auth: ${auth}, ${fields} } }];`;
const OIDC = (fields: string, drop: string[] = []) => {
  const all: Record<string, string> = {
    issuerUrl: "'https://sso.example.com/realms/qa'",
    clientId: "'tempo-gateway'",
    clientSecret: "{ name: 'gw-oidc', key: 'client-secret' }",
    cookieSecret: "{ name: 'gw-oidc', key: 'cookie-secret' }",
  };
  const kept = Object.entries(all)
    .filter(([k]) => !drop.includes(k) && !new RegExp(`\\b${k}:`).test(fields))
    .map(([k, v]) => `${k}: ${v}`);
  return `GatewayAuth.oidc({ ${[...kept, fields].filter(Boolean).join(', ')} })`;
};
/** With Grafana (and monitoring): its datasource users need a listener. */
const WITH_GRAFANA =
  "monitoring: {}, grafana: { tenant: 'team-a', gatewayCredentials: { secretName: 'tempo-gateway-grafana' } },";

const CASES: readonly (readonly [string, string, string])[] = [
  [
    'a missing client secret Secret',
    GW(OIDC('', ['clientSecret'])),
    "qa.queryGateway.auth.oidc.clientSecret: is required: oauth2-proxy reads the client secret from a Secret you create (dist/ holds no secret value); name its key, e.g. { name: 'tempo-gateway-oidc', key: 'client-secret' }",
  ],
  [
    'a missing cookie secret Secret',
    GW(OIDC('', ['cookieSecret'])),
    "qa.queryGateway.auth.oidc.cookieSecret: is required: oauth2-proxy reads the key that encrypts session cookies from a Secret you create (dist/ holds no secret value); name its key, e.g. { name: 'tempo-gateway-oidc', key: 'cookie-secret' }",
  ],
  [
    'the cookie key is the client secret',
    GW(OIDC("cookieSecret: { name: 'gw-oidc', key: 'client-secret' }")),
    'qa.queryGateway.auth.oidc.cookieSecret: is the same Secret key as clientSecret; the cookie key must be a random value of its own (16, 24 or 32 bytes)',
  ],
  [
    'a Secret reference without its key',
    GW(OIDC("clientSecret: { name: 'gw-oidc' }")),
    "qa.queryGateway.auth.oidc.clientSecret.key: is required; e.g. 'accessKey'",
  ],
  [
    'an issuer URL that is not https',
    GW(OIDC("issuerUrl: 'http://sso.example.com/realms/qa'")),
    "qa.queryGateway.auth.oidc.issuerUrl: 'http://sso.example.com/realms/qa' is not an https URL: the keys that verify every token would come over plaintext; give the issuer's https URL, e.g. 'https://sso.example.com/realms/platform'",
  ],
  [
    'no issuer URL',
    GW(OIDC('', ['issuerUrl'])),
    "qa.queryGateway.auth.oidc.issuerUrl: is required: oauth2-proxy verifies tokens with the keys the issuer publishes (<issuerUrl>/.well-known/openid-configuration); give it as the tokens' iss claim names it, e.g. 'https://sso.example.com/realms/platform'",
  ],
  [
    'an issuer URL that is no URL',
    GW(OIDC("issuerUrl: 'sso.example.com'")),
    "qa.queryGateway.auth.oidc.issuerUrl: 'sso.example.com' is not an http(s) URL; expected e.g. 'https://sso.example.com/realms/platform'",
  ],
  [
    'an issuer URL with a query',
    GW(OIDC("issuerUrl: 'https://sso.example.com/?realm=qa'")),
    "qa.queryGateway.auth.oidc.issuerUrl: 'https://sso.example.com/?realm=qa' has a query or fragment, which no issuer identifier has; give it as the tokens' iss claim names it",
  ],
  [
    'no client ID',
    GW(OIDC('', ['clientId'])),
    "qa.queryGateway.auth.oidc.clientId: is required: the gateway's OAuth client at the issuer, which bearer tokens must name in their aud claim; e.g. 'tempo-gateway'",
  ],
  [
    'a client ID with a space',
    GW(OIDC("clientId: 'tempo gateway'")),
    "qa.queryGateway.auth.oidc.clientId: 'tempo gateway' is not an OAuth client ID; use up to 255 printable characters without spaces",
  ],
  [
    'a group mapping to an invalid tenant ID',
    GW(OIDC("groups: { 'team-a': 'team a' }")),
    "qa.queryGateway.auth.oidc.groups.team-a: 'team a' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
  ],
  [
    'a group mapping to a list with an invalid tenant ID',
    GW(OIDC("groups: { sre: ['team-a', '..'] }")),
    "qa.queryGateway.auth.oidc.groups.sre[1]: '..' is not a valid tenant ID: Tempo refuses '.' and '..' (they would be paths in the bucket); give a name such as 'team-a'",
  ],
  [
    'an identity mapping to an invalid tenant ID',
    GW(OIDC(''), "users: { 'alice@example.com': 'team/a' }"),
    "qa.queryGateway.users['alice@example.com']: 'team/a' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
  ],
  [
    'a group name with a comma',
    GW(OIDC("groups: { 'a,b': 'team-a' }")),
    "qa.queryGateway.auth.oidc.groups['a,b']: 'a,b' is not a group name the gateway accepts; use up to 256 letters, digits, '.', '_', '@', '+', ':', '/' and '-' (no ',' or spaces), starting with a letter, digit or '/'",
  ],
  [
    'no identity and no group mapped',
    GW(OIDC(''), 'users: {}'),
    "qa.queryGateway.users: is empty and auth.oidc.groups maps no group: no identity could read a tenant; map identities (their 'email' claim) or the issuer's groups to tenants, e.g. users: { 'alice@example.com': 'checkout' }",
  ],
  [
    'a claim name with a space',
    GW(OIDC("userClaim: 'preferred username'")),
    "qa.queryGateway.auth.oidc.userClaim: 'preferred username' is not a claim name; use letters, digits and '_', '.', ':', '/', '-' (e.g. 'email')",
  ],
  [
    'scopes without openid',
    GW(OIDC("scopes: ['email', 'groups']")),
    "qa.queryGateway.auth.oidc.scopes: lacks 'openid', without which the issuer returns no ID token; add it, e.g. ['openid', 'email', 'profile', 'groups']",
  ],
  [
    'an audience with a space',
    GW(OIDC("extraAudiences: ['ci client']")),
    "qa.queryGateway.auth.oidc.extraAudiences[0]: 'ci client' is not an audience; use up to 255 printable characters without spaces",
  ],
  [
    "Grafana without its datasource users' htpasswd",
    GW(OIDC(''), "users: { 'alice@example.com': 'team-a' }", WITH_GRAFANA),
    "qa.queryGateway.auth.oidc.grafanaHtpasswd: is required: Grafana's datasources cannot obtain OIDC tokens, so Grafana queries as its datasources ('tracing-qa-tempo') with Basic auth on a listener of its own; name the Secret with their htpasswd file, e.g. { secretName: 'tempo-gateway-grafana-htpasswd' }",
  ],
  [
    "Grafana's htpasswd without Grafana",
    GW(OIDC("grafanaHtpasswd: { secretName: 'gw-grafana' }")),
    'qa.queryGateway.auth.oidc.grafanaHtpasswd: is set but the stack provisions no Grafana (grafana: false, or no monitoring); remove it',
  ],
  [
    'a wildcard first host name with sign-in',
    GW(
      OIDC(''),
      "users: { 'alice@example.com': 'team-a' }, exposure: GatewayExposure.gatewayApi({ gateway: { name: 'g', namespace: 'gw' }, hostnames: ['*.example.com', 'tempo.example.com'] })",
    ),
    "qa.queryGateway.exposure.hostnames[0]: '*.example.com' is a wildcard, and OIDC sign-in returns browsers to one host (https://<host>/oauth2/callback); list the host browsers use first",
  ],
  [
    'an issuer CIDR that is no CIDR',
    GW(
      OIDC(''),
      "users: { 'alice@example.com': 'team-a' }",
      "networkPolicies: { issuerCidrs: ['10.0.0.0'] },",
    ),
    "qa.networkPolicies.issuerCidrs[0]: '10.0.0.0' is not a CIDR; expected e.g. '10.0.0.0/8' or 'fd00::/8'",
  ],
];

describe('bad input: one line, exact text, dist/ byte-identical', () => {
  const copy = useDistCopy('oidc-bad');

  test.each(CASES)('%s', (_title, body, message) => {
    const line = expectOneErrorLine(runInProcess(writeEnvironmentsModule(copy.envs, body, 'ts'), copy.out));
    expect(line).toBe(message);
    expect(hashTree(copy.out)).toBe(copy.before);
  });

  test('every message is listed in docs/errors.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
    for (const [, , message] of CASES) {
      const property = message
        .slice(0, message.indexOf(': '))
        .replace(/^qa\./, '')
        .replace(/\[.*$/, '')
        .replace(/\.(groups|users)\..*$/, '.$1');
      expect([property, doc.includes(`\`${property}`)]).toEqual([property, true]);
    }
  });
});
