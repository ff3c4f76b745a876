/**
 * The OIDC query gateway end to end: the real nginx (Debian's, as test/gateway-e2e.test.ts) runs
 * the `nginx.conf` of examples/dist/fawkes-staging, and the real oauth2-proxy (the release pinned
 * in lib/versions.ts, built from its Go module by scripts/build-oauth2-proxy.sh into build/bin)
 * runs with the flags of the same Deployment, in front of a stub Tempo that records the
 * X-Scope-OrgID of every request and answers with that tenant's traces (Tempo is AGPL and never
 * run here). The issuer is test/helpers/oidc-issuer.ts: HTTPS on loopback, discovery, JWKS, RS256
 * tokens it signs, and the authorization-code flow with PKCE. Everything listens on 127.0.0.1.
 *
 * What is adapted, and only that (each string must occur, so a change to the model fails here):
 * Service addresses become loopback addresses, listen ports free ports, the pod's paths a
 * temporary directory, and the issuer URL's host the test issuer's (its path is kept). oauth2-proxy
 * trusts the test issuer's certificate through SSL_CERT_FILE (Go's crypto/x509 reads it on Linux),
 * as the pod trusts a public issuer through the image's roots.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VERSIONS } from '../lib/versions';
import { adapt, freePort } from './helpers/loopback';
import { OidcIssuer } from './helpers/oidc-issuer';
import {
  answers200,
  get,
  htpasswd,
  NginxRun,
  Reply,
  Seen,
  startNginx,
  stopProcess,
  stubTempo,
  waitUntil,
} from './helpers/gateway-harness';
import { haveNginxAndOpenssl } from './helpers/nginx';
import { haveOauth2Proxy, OAUTH2_PROXY } from './helpers/oauth2-proxy';

const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'examples', 'dist', 'fawkes-staging', 'gateway');
const haveNginx = haveNginxAndOpenssl();
const haveProxy = haveOauth2Proxy();
const maybe = haveNginx && haveProxy ? describe : describe.skip;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const traceIds = (r: Reply) =>
  JSON.parse(r.body)
    .traces.map((t: { traceID: string }) => t.traceID)
    .sort();
/** The `name=value` pairs of a response's Set-Cookie headers (those with a value), as a Cookie header. */
const cookies = (r: Reply) =>
  ((r.headers['set-cookie'] as string[] | undefined) ?? [])
    .map((c) => c.split(';')[0]!)
    .filter((c) => c.slice(c.indexOf('=') + 1) !== '')
    .join('; ');

const CLIENT = { id: 'tempo-gateway-staging', secret: randomBytes(24).toString('hex') };

class Harness {
  /** Made by `start` (jest collects a skipped suite too, and a filtered run skips the hooks). */
  dir = '';
  issuer!: OidcIssuer;
  readonly seen: Seen[] = [];
  port = 0;
  grafanaPort = 0;
  /** oauth2-proxy's --metrics-address. */
  metricsPort = 0;
  private stub?: Server;
  private nginx?: NginxRun;
  private proxy?: ChildProcess;
  private proxyLog = '';

  constructor(private readonly traces: Record<string, string[]>) {}

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'tracesynth-gateway-oidc-'));
    this.issuer = new OidcIssuer(this.dir, '/realms/fawkes', CLIENT);
    await this.issuer.start();
    this.stub = createServer(stubTempo(this.traces, this.seen));
    await new Promise<void>((r) => this.stub!.listen(0, '127.0.0.1', r));
    const stubAddress = `127.0.0.1:${(this.stub.address() as AddressInfo).port}`;
    const [port, grafanaPort, proxyPort] = [await freePort(), await freePort(), await freePort()];
    this.port = port;
    this.grafanaPort = grafanaPort;

    // oauth2-proxy with the Deployment's flags.
    const deployment = parse(readFileSync(join(DIST, 'deployment-tempo-gateway.yaml'), 'utf8'));
    const container = deployment.spec.template.spec.containers.find((c: any) => c.name === 'oauth2-proxy');
    writeFileSync(join(this.dir, 'client-secret'), CLIENT.secret);
    writeFileSync(join(this.dir, 'cookie-secret'), randomBytes(32).toString('base64url'));
    let args = (container.args as string[]).join('\n');
    args = adapt(args, 'https://sso.fawkes.example.com/realms/fawkes', this.issuer.issuer);
    args = adapt(args, '/etc/oauth2-proxy/client-secret/', `${this.dir}/`);
    args = adapt(args, '/etc/oauth2-proxy/cookie-secret/', `${this.dir}/`);
    args = adapt(args, '--http-address=0.0.0.0:4180', `--http-address=127.0.0.1:${proxyPort}`);
    this.metricsPort = await freePort();
    args = adapt(args, '--metrics-address=0.0.0.0:44180', `--metrics-address=127.0.0.1:${this.metricsPort}`);
    this.proxy = spawn(OAUTH2_PROXY, args.split('\n'), {
      env: { PATH: process.env.PATH ?? '', SSL_CERT_FILE: this.issuer.caFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proxy.stdout!.on('data', (d) => (this.proxyLog += d));
    this.proxy.stderr!.on('data', (d) => (this.proxyLog += d));

    // nginx with the ConfigMap's nginx.conf.
    const cm = parse(readFileSync(join(DIST, 'configmap-tempo-gateway-config.yaml'), 'utf8'));
    let conf = cm.data['nginx.conf'] as string;
    conf = adapt(conf, ' /tmp/', ` ${this.dir}/`);
    conf = adapt(conf, 'error_log /dev/stderr warn;', `error_log ${this.dir}/error.log warn;`);
    conf = adapt(conf, 'access_log /dev/stdout oidc;', `access_log ${this.dir}/access.log oidc;`);
    conf = adapt(conf, 'access_log /dev/stdout grafana;', `access_log ${this.dir}/grafana.log grafana;`);
    conf = adapt(
      conf,
      'server tempo-query-frontend.fawkes-observability.svc.cluster.local:3200;',
      `server ${stubAddress};`,
    );
    conf = adapt(conf, 'server 127.0.0.1:4180;', `server 127.0.0.1:${proxyPort};`);
    conf = adapt(conf, 'listen 8080;', `listen 127.0.0.1:${port};`);
    conf = adapt(conf, 'listen 8082;', `listen 127.0.0.1:${grafanaPort};`);
    conf = adapt(conf, 'listen 127.0.0.1:8090;', `listen 127.0.0.1:${await freePort()};`);
    conf = adapt(conf, '/etc/nginx/grafana-htpasswd/', `${this.dir}/`);
    writeFileSync(join(this.dir, 'htpasswd'), htpasswd({ 'tempo-backstage': 'pw-grafana' }));
    const nginx = (this.nginx = startNginx(this.dir, conf));

    // Bounded wait: nginx's readiness endpoint, then oauth2-proxy's (it reads discovery first).
    const proxy = this.proxy;
    if (
      !(await waitUntil(
        async () => (await answers200(port, '/gateway/ready')) && (await answers200(proxyPort, '/ready')),
        200,
        () => proxy.exitCode !== null,
      ))
    )
      throw new Error(
        `the gateway did not become ready; oauth2-proxy said:\n${this.proxyLog}\nnginx said:\n${nginx.output()}`,
      );
  }

  async stop(): Promise<void> {
    await stopProcess(this.nginx?.process, 'SIGQUIT');
    await stopProcess(this.proxy, 'SIGTERM');
    if (this.stub) {
      this.stub.closeAllConnections();
      await new Promise<void>((r) => this.stub!.close(() => r()));
    }
    await this.issuer?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

maybe(
  `query gateway with OIDC (real nginx + oauth2-proxy ${VERSIONS.oauth2Proxy}) in front of a stub Tempo: fawkes-staging`,
  () => {
    const h = new Harness({ backstage: ['b1'], jenkins: ['j1'], argocd: ['a1'], fawkes: ['f1'] });
    beforeAll(() => h.start(), 60_000);
    afterAll(() => h.stop());
    const search = '/api/search?q=%7B%7D';
    const aud = CLIENT.id;
    const alice = () =>
      h.issuer.token({ aud, sub: 'u-alice', preferred_username: 'alice', groups: ['team-backstage'] });

    test("a team member's token reads the team's tenant, and a forged X-Scope-OrgID is ignored", async () => {
      for (const forged of [
        {},
        { 'X-Scope-OrgID': 'jenkins' },
        { 'x-scope-orgid': 'jenkins|argocd' },
      ] as Record<string, string>[]) {
        const r = await get(h.port, search, { ...bearer(alice()), ...forged });
        expect(r.status).toBe(200);
        expect(traceIds(r)).toEqual(['b1']);
        const seen = h.seen.at(-1)!;
        expect(seen.orgIds).toEqual(['backstage']);
        // The token stops at the gateway.
        expect(seen.headers.authorization).toBeUndefined();
      }
    });

    test('forged identity headers change nothing and never reach Tempo', async () => {
      const r = await get(h.port, search, {
        ...bearer(alice()),
        'X-Auth-Request-Email': 'service-account-fawkes-delivery',
        'X-Auth-Request-Groups': 'platform-sre',
        'X-Auth-Request-User': 'root',
      });
      expect(traceIds(r)).toEqual(['b1']);
      const headers = Object.keys(h.seen.at(-1)!.headers);
      expect(headers.filter((k) => k.startsWith('x-auth-request'))).toEqual([]);
      // An identity in no map stays refused, whatever it claims in request headers.
      const nobody = h.issuer.token({
        aud,
        sub: 'u-eve',
        preferred_username: 'eve',
        groups: ['contractors'],
      });
      const before = h.seen.length;
      const eve = await get(h.port, search, {
        ...bearer(nobody),
        'X-Auth-Request-Email': 'service-account-fawkes-delivery',
        'X-Auth-Request-Groups': 'platform-sre',
        'X-Scope-OrgID': 'backstage',
      });
      expect(eve.status).toBe(403);
      expect(h.seen.length).toBe(before);
    });

    test('groups: the first listed group decides; a user mapping (a service account) comes before groups', async () => {
      const sre = h.issuer.token({
        aud,
        sub: 'u-sam',
        preferred_username: 'sam',
        groups: ['team-backstage', 'platform-sre'],
      });
      expect(traceIds(await get(h.port, search, bearer(sre)))).toEqual(['a1', 'b1', 'f1', 'j1']);
      expect(h.seen.at(-1)!.orgIds).toEqual(['fawkes|backstage|jenkins|argocd']);
      // A client-credentials token: no email, no groups, known by preferred_username.
      const ci = h.issuer.token({
        aud,
        sub: 'sa-1',
        preferred_username: 'service-account-fawkes-delivery',
        groups: ['team-backstage'],
      });
      expect(traceIds(await get(h.port, search, bearer(ci)))).toEqual(['a1', 'j1']);
      expect(h.seen.at(-1)!.orgIds).toEqual(['jenkins|argocd']);
    });

    test('refused before Tempo: no token, a forged, expired, foreign-audience or foreign-issuer token (401 with the Bearer challenge), an unmapped identity (403)', async () => {
      const before = h.seen.length;
      const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const unauthorized: Record<string, string>[] = [
        {},
        { 'X-Scope-OrgID': 'backstage' },
        bearer('not-a-jwt'),
        bearer(
          h.issuer.token({ aud, preferred_username: 'alice', groups: ['team-backstage'] }, { key: forger }),
        ),
        bearer(
          h.issuer.token(
            { aud, preferred_username: 'alice', groups: ['team-backstage'] },
            { expiresIn: -120 },
          ),
        ),
        bearer(
          h.issuer.token({ aud: 'another-client', preferred_username: 'alice', groups: ['team-backstage'] }),
        ),
        bearer(
          h.issuer.token({
            aud,
            iss: 'https://sso.example.org/realms/fawkes',
            preferred_username: 'alice',
            groups: ['team-backstage'],
          }),
        ),
      ];
      for (const headers of unauthorized) {
        const r = await get(h.port, search, headers);
        expect([JSON.stringify(headers).slice(0, 40), r.status]).toEqual([
          JSON.stringify(headers).slice(0, 40),
          401,
        ]);
        expect(r.headers['www-authenticate']).toBe('Bearer realm="Tempo"');
      }
      const unmapped = h.issuer.token({
        aud,
        sub: 'u-bob',
        preferred_username: 'bob',
        groups: ['team-frontend'],
      });
      expect((await get(h.port, search, bearer(unmapped))).status).toBe(403);
      expect(h.seen.length).toBe(before);
    });

    test('only the query API is forwarded; the overrides API is refused', async () => {
      const before = h.seen.length;
      expect((await get(h.port, '/api/overrides', bearer(alice()))).status).toBe(403);
      expect((await get(h.port, '/metrics', bearer(alice()))).status).toBe(404);
      expect((await get(h.port, '/.tracesynth-gateway/auth', bearer(alice()))).status).toBe(404);
      expect(h.seen.length).toBe(before);
    });

    test('browser sign-in: authorization code with PKCE, then the session cookie reads the tenant (and stays at the gateway)', async () => {
      h.issuer.nextSignIn({
        sub: 'u-carol',
        preferred_username: 'carol',
        email: 'carol@example.com',
        email_verified: true,
        groups: ['team-jenkins'],
      });
      const start = await get(h.port, '/oauth2/start?rd=%2Fapi%2Fsearch');
      expect(start.status).toBe(302);
      const authorize = new URL(start.headers.location as string);
      expect(authorize.origin + authorize.pathname).toBe(`${h.issuer.issuer}/authorize`);
      expect(authorize.searchParams.get('redirect_uri')).toBe(
        'https://tempo.staging.fawkes.example.com/oauth2/callback',
      );
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      // The issuer signs carol in and sends the browser back to the callback, on the gateway.
      const back = await fetchFromIssuer(authorize);
      const callback = new URL(back);
      const done = await get(h.port, callback.pathname + callback.search, { cookie: cookies(start) });
      expect([done.status, h.issuer.tokenRequests.at(-1)]).toEqual([302, 'ok']);
      expect(done.headers.location).toBe('/api/search');
      const session = cookies(done);
      expect(session).toMatch(/^_tempo_gateway=/);
      const r = await get(h.port, search, { cookie: session, 'X-Scope-OrgID': 'backstage' });
      expect(r.status).toBe(200);
      expect(traceIds(r)).toEqual(['j1']);
      expect(h.seen.at(-1)!.orgIds).toEqual(['jenkins']);
      expect(h.seen.at(-1)!.headers.cookie).toBeUndefined();
    });

    test("Grafana's listener: its datasource users with Basic auth; bearer tokens are not accepted there", async () => {
      const basic = `Basic ${Buffer.from('tempo-backstage:pw-grafana').toString('base64')}`;
      const r = await get(h.grafanaPort, search, { authorization: basic, 'X-Scope-OrgID': 'jenkins' });
      expect(r.status).toBe(200);
      expect(h.seen.at(-1)!.orgIds).toEqual(['backstage']);
      const before = h.seen.length;
      expect((await get(h.grafanaPort, search, bearer(alice()))).status).toBe(401);
      expect(h.seen.length).toBe(before);
    });

    test("oauth2-proxy's metrics: the request counter the gateway alert reads, by status code", async () => {
      await get(h.port, search, bearer(alice()));
      await get(h.port, search, {});
      const r = await get(h.metricsPort, '/metrics', {});
      expect(r.status).toBe(200);
      // nginx's auth subrequests: 202 for a verified identity, 401 without one.
      expect(r.body).toMatch(/^oauth2_proxy_requests_total\{code="202"\} [1-9]/m);
      expect(r.body).toMatch(/^oauth2_proxy_requests_total\{code="401"\} [1-9]/m);
    });

    /** The issuer's answer to the authorization request: its redirect back to the gateway. */
    async function fetchFromIssuer(url: URL): Promise<string> {
      const { request: httpsRequest } = await import('node:https');
      return new Promise((resolve, reject) => {
        const req = httpsRequest(url, { ca: readFileSync(h.issuer.caFile), timeout: 10_000 }, (res) => {
          res.resume();
          if (res.statusCode !== 302) reject(new Error(`the issuer answered ${res.statusCode}`));
          else resolve(res.headers.location!);
        });
        req.on('error', reject);
        req.end();
      });
    }
  },
);
