/**
 * The query gateway end to end: the real nginx (Debian's package; .ci/run installs it and sets
 * REQUIRE_NGINX) runs the `nginx.conf` of a synthesized stack, read from its ConfigMap in
 * examples/dist/ or rendered from the prod-like fixture (test/fixtures/stacks.ts; never the shipped
 * environments, which users edit), in front of a stub HTTP server standing in for Tempo (Tempo is AGPL
 * and is never built or run here). The stub records the X-Scope-OrgID of every request and
 * answers with that tenant's traces, as a multi-tenant Tempo would. The test creates the
 * htpasswd Secret's content (SHA-512 crypt hashes from `openssl passwd -6`).
 *
 * What is adapted, and only that (each string must occur in the rendered config, so a change to
 * the model fails here instead of silently testing something else): the Service addresses of
 * Tempo become the stub's loopback address, the listen ports become free loopback ports, and the
 * pod's paths (/etc/nginx/…, /tmp) become a temporary directory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  answers200,
  get,
  htpasswd,
  NginxRun,
  Seen,
  startNginx,
  stopProcess,
  stubTempo,
  waitUntil,
} from './helpers/gateway-harness';
import { haveNginxAndOpenssl } from './helpers/nginx';
import { adapt, freePort, selfSignedCertificate } from './helpers/loopback';
import { PROD, renderStack } from './fixtures/stacks';

const ROOT = join(__dirname, '..');
const haveNginx = haveNginxAndOpenssl();
const maybe = haveNginx ? describe : describe.skip;

/** The nginx.conf of a gateway ConfigMap, as written to a file (YAML). */
function gatewayConfig(configMap: string): string {
  return parse(configMap).data['nginx.conf'] as string;
}

/** nginx's stub_status listener as rendered (the pod's loopback). */
const STATUS_ADDRESS = '127.0.0.1:8090';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

interface HarnessOptions {
  /** The gateway's ConfigMap file as written (examples/dist/, or a fixture rendered in memory). */
  readonly configMap: string;
  /** Tempo's query Service address as rendered (→ the plaintext stub). */
  readonly query: string;
  /**
   * Tempo's OTLP/HTTP receiver as rendered, served by a TLS stub whose certificate names
   * `serverName` (the gateway verifies it against the CA mounted at `caDir`).
   */
  readonly tlsIngest?: {
    readonly otlpHttp: string;
    readonly otlpGrpc: string;
    readonly serverName: string;
    readonly caDir: string;
  };
  readonly users: Record<string, string>;
  readonly traces: Record<string, string[]>;
}

/** Runs nginx on a stack's rendered gateway config in front of a stub Tempo. */
class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'tracesynth-gateway-'));
  readonly seen: Seen[] = [];
  port = 0;
  /** The loopback port of nginx's stub_status (the exporter sidecar's scrape URI). */
  statusPort = 0;
  private nginx?: NginxRun;
  private readonly stubs: Server[] = [];

  constructor(private readonly o: HarnessOptions) {}

  private async listen(server: Server): Promise<string> {
    this.stubs.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    const handler = stubTempo(this.o.traces, this.seen);
    const stubAddress = await this.listen(createServer(handler));
    this.port = await freePort();
    let conf = gatewayConfig(this.o.configMap);
    // The pod's emptyDir first (the temporary directory is itself under /tmp).
    conf = adapt(conf, ' /tmp/', ` ${this.dir}/`);
    // Logs to files: the test runner's stdio may be a socket, which /dev/stderr cannot open.
    conf = adapt(conf, 'error_log /dev/stderr warn;', `error_log ${this.dir}/error.log warn;`);
    conf = adapt(conf, 'access_log /dev/stdout tenant;', `access_log ${this.dir}/access.log tenant;`);
    conf = adapt(conf, `server ${this.o.query};`, `server ${stubAddress};`);
    const ti = this.o.tlsIngest;
    if (ti) {
      // A self-signed certificate for the receiver Service's name: also the CA the gateway trusts.
      const key = join(this.dir, 'tls.key');
      const crt = join(this.dir, 'ca.crt');
      selfSignedCertificate(ti.serverName, { key, cert: crt }, `DNS:${ti.serverName}`);
      const tlsAddress = await this.listen(
        createTlsServer({ key: readFileSync(key), cert: readFileSync(crt) }, handler) as unknown as Server,
      );
      conf = adapt(conf, `server ${ti.otlpHttp};`, `server ${tlsAddress};`);
      // OTLP/gRPC is not exercised (no gRPC client here): its upstream only has to resolve.
      conf = adapt(conf, `server ${ti.otlpGrpc};`, `server ${tlsAddress};`);
      conf = adapt(conf, ti.caDir, `${this.dir}/`);
    }
    conf = adapt(conf, 'listen 8080;', `listen 127.0.0.1:${this.port};`);
    this.statusPort = await freePort();
    conf = adapt(conf, `listen ${STATUS_ADDRESS};`, `listen 127.0.0.1:${this.statusPort};`);
    if (conf.includes('listen 8081 http2;'))
      conf = adapt(conf, 'listen 8081 http2;', `listen 127.0.0.1:${await freePort()} http2;`);
    conf = adapt(conf, '/etc/nginx/htpasswd/', `${this.dir}/`);
    writeFileSync(join(this.dir, 'htpasswd'), htpasswd(this.o.users));
    const nginx = (this.nginx = startNginx(this.dir, conf));
    // Bounded wait for the readiness endpoint the kubelet probes.
    if (!(await waitUntil(() => answers200(this.port, '/gateway/ready'), 100)))
      throw new Error(`nginx did not become ready:\n${nginx.output()}`);
  }

  async stop(): Promise<void> {
    await stopProcess(this.nginx?.process, 'SIGQUIT');
    for (const stub of this.stubs) await new Promise<void>((r) => stub.close(() => r()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

maybe('query gateway (real nginx) in front of a stub Tempo: fawkes', () => {
  // fawkes: the team users of examples/fawkes.ts, a cross-tenant reader, and Grafana's datasource
  // users (their UIDs), all from the rendered config.
  const h = new Harness({
    configMap: readFileSync(
      join(ROOT, 'examples/dist/fawkes/gateway/configmap-tempo-gateway-config.yaml'),
      'utf8',
    ),
    query: 'tempo-query-frontend.fawkes-observability.svc.cluster.local:3200',
    users: {
      'team-backstage': 'pw-backstage',
      'team-jenkins': 'pw-jenkins',
      'platform-sre': 'pw-sre',
      'tempo-backstage': 'pw-grafana-backstage',
      'unmapped-user': 'pw-unmapped',
    },
    traces: { backstage: ['b1', 'b2'], jenkins: ['j1'], argocd: ['a1'], fawkes: ['f1'] },
  });
  beforeAll(() => h.start(), 30_000);
  afterAll(() => h.stop());
  const search = '/api/search?q=%7B%7D';

  test("a tenant's credentials read that tenant's traces, sent to Tempo as its X-Scope-OrgID", async () => {
    const r = await get(h.port, search, basic('team-backstage', 'pw-backstage'));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).traces.map((t: any) => t.traceID)).toEqual(['b1', 'b2']);
    const last = h.seen.at(-1)!;
    expect(last.orgIds).toEqual(['backstage']);
    // The client's credentials stop at the gateway.
    expect(last.headers.authorization).toBeUndefined();
  });

  test("and never another tenant's: a client-set X-Scope-OrgID is replaced, in any spelling", async () => {
    for (const name of ['X-Scope-OrgID', 'x-scope-orgid', 'X-SCOPE-ORGID']) {
      const r = await get(h.port, search, { ...basic('team-backstage', 'pw-backstage'), [name]: 'jenkins' });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).traces.map((t: any) => t.traceID)).toEqual(['b1', 'b2']);
      expect(h.seen.at(-1)!.orgIds).toEqual(['backstage']);
    }
    const jenkins = await get(h.port, search, {
      ...basic('team-jenkins', 'pw-jenkins'),
      'X-Scope-OrgID': 'backstage',
    });
    expect(JSON.parse(jenkins.body).traces.map((t: any) => t.traceID)).toEqual(['j1']);
  });

  test('a cross-tenant reader reads its tenants together (Tempo `a|b`)', async () => {
    const r = await get(h.port, search, basic('platform-sre', 'pw-sre'));
    expect(h.seen.at(-1)!.orgIds).toEqual(['fawkes|backstage|jenkins|argocd']);
    expect(
      JSON.parse(r.body)
        .traces.map((t: any) => t.traceID)
        .sort(),
    ).toEqual(['a1', 'b1', 'b2', 'f1', 'j1']);
  });

  test("Grafana's datasource user reads its datasource's tenant", async () => {
    const r = await get(h.port, '/api/echo', basic('tempo-backstage', 'pw-grafana-backstage'));
    expect(r.status).toBe(200);
    expect(h.seen.at(-1)).toMatchObject({ path: '/api/echo', orgIds: ['backstage'] });
  });

  test("stub_status for the exporter sidecar: on the pod's loopback, at its scrape URI; not on the served ports", async () => {
    const deployment = parse(
      readFileSync(join(ROOT, 'examples/dist/fawkes/gateway/deployment-tempo-gateway.yaml'), 'utf8'),
    );
    const exporter = deployment.spec.template.spec.containers.find((c: any) => c.name === 'exporter');
    expect(exporter.args).toContain(`--nginx.scrape-uri=http://${STATUS_ADDRESS}/stub_status`);
    const r = await get(h.statusPort, '/stub_status');
    expect(r.status).toBe(200);
    // The format nginx-prometheus-exporter parses (client/nginx.go parseStubStats at v1.5.3).
    expect(r.body).toMatch(
      /^Active connections: \d+ \nserver accepts handled requests\n \d+ \d+ \d+ \nReading: \d+ Writing: \d+ Waiting: \d+ \n$/,
    );
    expect((await get(h.statusPort, '/api/search')).status).toBe(404);
    const before = h.seen.length;
    expect((await get(h.port, '/stub_status', basic('team-backstage', 'pw-backstage'))).status).toBe(404);
    expect(h.seen.length).toBe(before);
  });

  test('refused: no credentials (401 with the Basic challenge), a wrong password (401), an unmapped user (403)', async () => {
    const before = h.seen.length;
    const none = await get(h.port, search, { 'X-Scope-OrgID': 'backstage' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Basic realm="Tempo"');
    expect((await get(h.port, search, basic('team-backstage', 'wrong'))).status).toBe(401);
    expect((await get(h.port, search, basic('nobody', 'pw-backstage'))).status).toBe(401);
    expect((await get(h.port, search, basic('unmapped-user', 'pw-unmapped'))).status).toBe(403);
    // None of them reached Tempo.
    expect(h.seen.length).toBe(before);
  });

  test('only the query API is forwarded: not the overrides API, not /metrics, not OTLP (no ingest here)', async () => {
    const before = h.seen.length;
    const auth = basic('team-backstage', 'pw-backstage');
    expect((await get(h.port, '/api/overrides', auth, 'POST')).status).toBe(403);
    expect((await get(h.port, '/metrics', auth)).status).toBe(404);
    expect((await get(h.port, '/v1/traces', auth, 'POST')).status).toBe(404);
    expect(h.seen.length).toBe(before);
  });
});

maybe(
  'query gateway (real nginx) in front of a stub Tempo: the prod-like stack, with OTLP/HTTP ingest over verified TLS',
  () => {
    // The prod-like fixture's receivers serve TLS: the gateway verifies the receiver certificate (CA and name).
    const h = new Harness({
      configMap: renderStack(PROD).file('gateway/configmap-tempo-gateway-config.yaml'),
      query: 'tempo-query-frontend.tracing-prod.svc.cluster.local:3200',
      tlsIngest: {
        otlpHttp: 'tempo.tracing-prod.svc.cluster.local:4318',
        otlpGrpc: 'tempo.tracing-prod.svc.cluster.local:4317',
        serverName: 'tempo.tracing-prod.svc.cluster.local',
        caDir: '/etc/nginx/tempo-receiver-ca/',
      },
      users: { oncall: 'pw-oncall', 'tracing-prod-tempo': 'pw-grafana' },
      traces: { prod: ['p1'] },
    });
    beforeAll(() => h.start(), 30_000);
    afterAll(() => h.stop());

    test('oncall and Grafana read prod; a forged tenant header is ignored', async () => {
      const r = await get(h.port, '/api/search', {
        ...basic('oncall', 'pw-oncall'),
        'X-Scope-OrgID': 'other',
      });
      expect(r.status).toBe(200);
      expect(h.seen.at(-1)!.orgIds).toEqual(['prod']);
      expect((await get(h.port, '/api/echo', basic('tracing-prod-tempo', 'pw-grafana'))).status).toBe(200);
      expect((await get(h.port, '/api/echo', basic('oncall', 'pw-grafana'))).status).toBe(401);
    });

    test('OTLP/HTTP from outside reaches the receiver over TLS as the authenticated tenant', async () => {
      const r = await get(
        h.port,
        '/v1/traces',
        { ...basic('oncall', 'pw-oncall'), 'X-Scope-OrgID': 'other' },
        'POST',
      );
      expect(r.status).toBe(200);
      expect(h.seen.at(-1)).toMatchObject({ path: '/v1/traces', orgIds: ['prod'] });
      expect((await get(h.port, '/v1/traces', basic('oncall', 'nope'), 'POST')).status).toBe(401);
    });
  },
);
