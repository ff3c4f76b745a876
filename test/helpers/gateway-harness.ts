/**
 * The pieces both query-gateway end-to-end tests (test/gateway-e2e.test.ts, with htpasswd users;
 * test/gateway-oidc-e2e.test.ts, with oauth2-proxy) run the real nginx with: a stub standing in
 * for Tempo's query API (Tempo is AGPL and is never built or run here), an HTTP client, htpasswd
 * hashes, nginx checked (`nginx -t`) and started on an adapted config, and bounded waits.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { IncomingHttpHeaders, request, RequestListener } from 'node:http';
import { join } from 'node:path';
import { NGINX } from './nginx';

/** One request the stub Tempo received. */
export interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Every X-Scope-OrgID header, in order (a forged second one would show here). */
  readonly orgIds: string[];
}

/**
 * A stand-in for Tempo's query API: answers with the traces of the tenants of the request's one
 * X-Scope-OrgID (`a|b`: several, as a multi-tenant Tempo does) and records every request in
 * `seen`; without exactly one X-Scope-OrgID it answers 401, as Tempo does ("no org id").
 */
export function stubTempo(traces: Record<string, string[]>, seen: Seen[]): RequestListener {
  return (req, res) => {
    const raw = req.rawHeaders;
    const orgIds: string[] = [];
    for (let i = 0; i < raw.length; i += 2)
      if (raw[i]!.toLowerCase() === 'x-scope-orgid') orgIds.push(raw[i + 1]!);
    seen.push({ path: req.url ?? '', headers: req.headers, orgIds });
    if (orgIds.length !== 1) return void res.writeHead(401).end('no org id');
    const found = orgIds[0]!
      .split('|')
      .flatMap((t) => (traces[t] ?? []).map((traceID) => ({ traceID, tenant: t })));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ traces: found }));
  };
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/** One HTTP request to 127.0.0.1:`port` (10 s at most). */
export function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Whether 127.0.0.1:`port` answers `path` with 200 (false while nothing listens). */
export async function answers200(port: number, path: string): Promise<boolean> {
  return (await get(port, path).catch(() => undefined))?.status === 200;
}

/** Polls `ready` every 50 ms, `tries` times at most or until `gaveUp` says so; whether it became true. */
export async function waitUntil(
  ready: () => Promise<boolean>,
  tries: number,
  gaveUp: () => boolean = () => false,
): Promise<boolean> {
  for (let i = 0; i < tries && !gaveUp(); i++) {
    if (await ready()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** An htpasswd file of `users` (name → password), SHA-512 crypt hashes from `openssl passwd -6`. */
export function htpasswd(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([user, password]) => {
      const r = spawnSync('openssl', ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl passwd failed: ${r.stderr}`);
      return `${user}:${r.stdout.trim()}\n`;
    })
    .join('');
}

/** nginx running in `dir` on `<dir>/nginx.conf`. */
export interface NginxRun {
  readonly process: ChildProcess;
  /** What nginx printed, and its error log (`<dir>/error.log`): for a failure's message. */
  output(): string;
}

/**
 * Writes `conf` to `<dir>/nginx.conf`, checks it with `nginx -t` (throws with nginx's words when
 * it refuses it) and starts nginx on it in the foreground, `dir` as its prefix.
 */
export function startNginx(dir: string, conf: string): NginxRun {
  // nginx started by root switches its workers to `nobody`; run them as the test's user.
  writeFileSync(join(dir, 'nginx.conf'), process.getuid?.() === 0 ? `user root;\n${conf}` : conf);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')];
  const check = spawnSync(NGINX!, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the synthesized config:\n${check.stderr}`);
  const child = spawn(NGINX!, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return {
    process: child,
    output: () => {
      let log = '';
      try {
        log = readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        /* not written yet */
      }
      return `${stderr}${log}`;
    },
  };
}

/** Sends `signal` to `child` if it still runs, and waits for it to exit. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
