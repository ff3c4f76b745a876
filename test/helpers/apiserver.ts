/**
 * A real Kubernetes API server for the tests: etcd (Debian's etcd-server) and kube-apiserver with
 * kubectl of the same release (build/bin, built by scripts/build-kube-apiserver.sh from the Go
 * module proxy), on 127.0.0.1 at free ports, TLS with serving and client certificates made by
 * openssl, `--authorization-mode=Node,RBAC`, Pod Security admission on. No controllers run: objects
 * are stored and validated (schemas, admission, immutability), never reconciled.
 *
 * Like promtool and otelcol, the tests that need it are skipped with a message naming what is
 * missing, unless REQUIRE_APISERVER is set (as .ci/run does).
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { BUILT_KUBECTL } from './kubectl';
import { freePort, hasOpenssl } from './loopback';
import { optionalTool } from './optional-tool';

const BIN = join(__dirname, '..', '..', 'build', 'bin');
export const KUBE_APISERVER = join(BIN, 'kube-apiserver');
/** kubectl of the API server's release (no version skew); the one on PATH is not used. */
const KUBECTL = BUILT_KUBECTL;

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return existsSync(`/usr/bin/${name}`) ? `/usr/bin/${name}` : undefined;
}

export const ETCD = onPath('etcd');

const missing = [
  ...(existsSync(KUBE_APISERVER) ? [] : ['build/bin/kube-apiserver']),
  ...(existsSync(KUBECTL) ? [] : ['build/bin/kubectl']),
  ...(ETCD ? [] : ['etcd']),
  ...(hasOpenssl ? [] : ['openssl']),
  ...(spawnSync('go', ['version']).status === 0
    ? []
    : ['go (fetches the Argo CD, Flux and Gateway API CRDs)']),
];

export const hasApiServer = optionalTool(
  missing.length === 0,
  'REQUIRE_APISERVER',
  `a real API server (missing: ${missing.join(', ')})`,
  'scripts/build-kube-apiserver.sh builds kube-apiserver and kubectl; apt-get install etcd-server openssl',
);

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** CA, API server serving certificate (127.0.0.1, localhost), admin client certificate, service-account key pair. */
function makeCertificates(dir: string): void {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=tracesynth-test-ca',
  ]);
  const sign = (name: string, subject: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, ['req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${name}.crt`,
      '-extfile',
      `${name}.ext`,
    ]);
  };
  sign(
    'apiserver',
    '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n',
  );
  // O=system:masters: the cluster-admin group of the RBAC bootstrap policy.
  sign(
    'admin',
    '/O=system:masters/CN=tracesynth-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'sa.key']);
  openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running etcd + kube-apiserver, and kubectl pointed at it. */
export class TestCluster {
  /** Every cluster of this process, stopped on exit whatever happened. */
  private static readonly running = new Set<TestCluster>();
  private stopped = false;

  private constructor(
    public readonly dir: string,
    public readonly kubeconfig: string,
    public readonly server: string,
    private readonly etcd: ChildProcess,
    private readonly apiserver: ChildProcess,
  ) {
    TestCluster.running.add(this);
  }

  /** Starts etcd and the API server and waits until `/readyz` answers ok (about 10 s). */
  static async start(): Promise<TestCluster> {
    // etcd's data on tmpfs when there is one: fsync is most of its cost, and nothing here must last.
    const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
    const dir = mkdtempSync(join(base, 'tracesynth-apiserver-'));
    let etcd: ChildProcess | undefined;
    let apiserver: ChildProcess | undefined;
    try {
      makeCertificates(dir);
      const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
      etcd = spawn(
        ETCD!,
        [
          '--name=test',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=http://127.0.0.1:${client}`,
          `--advertise-client-urls=http://127.0.0.1:${client}`,
          `--listen-peer-urls=http://127.0.0.1:${peer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
          `--initial-cluster=test=http://127.0.0.1:${peer}`,
          '--log-level=warn',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const etcdLog = collect(etcd);
      const f = (name: string) => join(dir, name);
      apiserver = spawn(
        KUBE_APISERVER,
        [
          `--etcd-servers=http://127.0.0.1:${client}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${secure}`,
          `--cert-dir=${f('certs')}`,
          `--tls-cert-file=${f('apiserver.crt')}`,
          `--tls-private-key-file=${f('apiserver.key')}`,
          `--client-ca-file=${f('ca.crt')}`,
          '--authorization-mode=Node,RBAC',
          // As clusters run it (kubeadm sets it): Pod Security admission, not this switch, decides.
          '--allow-privileged=true',
          // Added to the default plugins (PodSecurity is among them since 1.25; named to be explicit).
          '--enable-admission-plugins=NodeRestriction,PodSecurity',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${f('sa.pub')}`,
          `--service-account-signing-key-file=${f('sa.key')}`,
          // Addresses the Services are given; nothing is ever sent to them (no nodes, no proxies).
          '--service-cluster-ip-range=10.96.0.0/16',
          '--profiling=false',
          '--v=0',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const apiserverLog = collect(apiserver);
      const server = `https://127.0.0.1:${secure}`;
      const kubeconfig = f('kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          `- name: test\n  cluster:\n    server: ${server}\n    certificate-authority: ${f('ca.crt')}`,
          'users:',
          `- name: admin\n  user:\n    client-certificate: ${f('admin.crt')}\n    client-key: ${f('admin.key')}`,
          'contexts:',
          '- name: test\n  context:\n    cluster: test\n    user: admin',
          'current-context: test',
          '',
        ].join('\n'),
      );
      const cluster = new TestCluster(dir, kubeconfig, server, etcd, apiserver);
      try {
        await cluster.waitReady(90_000);
      } catch (e) {
        await cluster.stop();
        throw new Error(
          `${(e as Error).message}\n--- kube-apiserver ---\n${apiserverLog().slice(-4000)}\n--- etcd ---\n${etcdLog().slice(-2000)}`,
        );
      }
      return cluster;
    } catch (e) {
      for (const p of [apiserver, etcd]) if (p?.pid && p.exitCode === null) p.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** GET `path` with the admin certificate: status and body. */
  get(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.server}${path}`,
        {
          ca: readFileSync(join(this.dir, 'ca.crt')),
          cert: readFileSync(join(this.dir, 'admin.crt')),
          key: readFileSync(join(this.dir, 'admin.key')),
          timeout: 5000,
        },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      for (const [name, p] of [
        ['etcd', this.etcd],
        ['kube-apiserver', this.apiserver],
      ] as const)
        if (p.exitCode !== null)
          throw new Error(`${name} exited with ${p.exitCode} before the API server was ready`);
      try {
        const r = await this.get('/readyz');
        if (r.status === 200) return;
        last = `${r.status} ${r.body}`;
      } catch (e) {
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the API server was not ready after ${timeoutMs / 1000} s: ${last}`);
  }

  /** Runs build/bin/kubectl against this cluster (stdin from `input`). */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = spawn(KUBECTL, [`--kubeconfig=${this.kubeconfig}`, ...args], {
        // Its own discovery cache per cluster (the default one is keyed by host:port, which repeats).
        env: { ...process.env, KUBECACHEDIR: join(this.dir, 'kubecache') },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  /** Stops the API server, then etcd, by PID (TERM, KILL after 10 s), and removes their files. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    TestCluster.running.delete(this);
    for (const p of [this.apiserver, this.etcd]) {
      if (!p.pid || p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      process.kill(p.pid, 'SIGTERM');
      const timer = setTimeout(() => p.pid && isAlive(p.pid) && process.kill(p.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** On process exit (no event loop left): SIGKILL both by PID, remove the files. */
  private killNow(): void {
    for (const p of [this.apiserver, this.etcd])
      if (p.pid && p.exitCode === null && p.signalCode === null && isAlive(p.pid))
        process.kill(p.pid, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  static {
    // A failed or interrupted test run still stops both processes (jest exits its workers).
    process.once('exit', () => {
      for (const c of TestCluster.running) c.killNow();
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last 64 kB of a child's stderr, for the error when it fails. */
function collect(child: ChildProcess): () => string {
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + d).slice(-65536);
  });
  return () => log;
}
