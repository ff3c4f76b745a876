/**
 * End to end with the real collector (build/otelcol, VERSIONS.otelCollector): the synthesized
 * agent and gateway configs run as processes on loopback, two agents and two gateways, the
 * gateways exporting to a third collector (OTLP receiver + file exporter) that stands in for
 * Tempo. Each process gets its own loopback address as POD_IP, so the synthesized ports stay
 * as they are.
 *
 * What is replaced, and nothing else (see `replaceClusterOnlyParts`):
 *  - agent `load_balancing.resolver.k8s` (watches EndpointSlices of the headless gateway
 *    Service) -> `resolver.static` with the two gateways' loopback addresses;
 *  - gateway `k8s_attributes` (reads pods from the API server) -> `passthrough: true`;
 *  - gateway `otlp_grpc/tempo.endpoint` (`dns:///` the distributors' headless Service) -> the
 *    sink's loopback address (the TLS server name it verifies stays the synthesized one);
 *  - with TLS, the Secret mount directories (/var/run/secrets/...) -> the test's temporary
 *    directory holding certificates it generated with openssl.
 * A second phase runs three deliberately broken copies of the gateway (tiny memory limit; a
 * Tempo that never answers with a one-request queue; room for two traces and a 20 kB trace cap,
 * which one 200-span trace exceeds) so the failure counters alerts read are emitted, and every
 * `otelcol_*` name in the synthesized alerts, recording rules and dashboards is checked against
 * what the collectors' /metrics really expose.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server } from 'node:net';
import { stringify } from 'yaml';
import { buildEnvironment } from '../../charts/environment';
import type { CollectorStackProps } from '../../charts/collector-chart';
import { CollectorSampling } from '../../constructs/otel-collector/sampling';
import { COLLECTOR_SPAN_METRICS } from '../../constructs/otel-collector/span-metric-catalog';
import { PROMETHEUS_EXPORTER_PORT } from '../../constructs/otel-collector/span-metrics';
import { TempoProps } from '../../constructs/tempo/tempo';
import { ENVIRONMENTS } from '../../environments';
import { STACKS } from '../fixtures/stacks';
import { renderEnvironment } from '../../lib/synth';
import { synthCollector } from './collector';
import { hasOpenssl } from './loopback';
import { hasOtelcol, LOOPBACK_ENV, OTELCOL } from './otelcol';
import { hexId, http, HttpOptions, otlpRequest, prng, sampleNames, TestSpan, until } from './otlp';

const e2e = hasOtelcol ? describe : describe.skip;

/**
 * 127.<run>.<net>.x: `net` tells this run's scenario files apart, `run` (from the process id) two
 * test runs on one machine (two checkouts, or CI beside a developer), which would otherwise
 * collide on the same fixed addresses and ports.
 */
export const RUN = 1 + (process.pid % 250);

function addresses(net: number) {
  return {
    agentA: `127.${RUN}.${net}.11`,
    agentB: `127.${RUN}.${net}.12`,
    gwA: `127.${RUN}.${net}.21`,
    gwB: `127.${RUN}.${net}.22`,
    sink: `127.${RUN}.${net}.30`,
    faultMem: `127.${RUN}.${net}.41`,
    faultExport: `127.${RUN}.${net}.42`,
    faultSampling: `127.${RUN}.${net}.43`,
    blackHole: `127.${RUN}.${net}.31`,
  } as const;
}
/** This file's loopback addresses (set by describeEndToEnd: each scenario file has its own). */
let ADDR = addresses(1);
export const SINK_PORT = 4317;
const PERCENT = 25;
const N = { errors: 20, slow: 20, rest: 400 } as const;
const SECRET = {
  authorization: 'Bearer e2e-secret-token-31337',
  cookie: 'session=e2e-cookie-424242',
  statement: "SELECT * FROM users WHERE email = 'alice.e2e@example.com'",
  email: 'bob.e2e@example.com',
  card: '4111 1111 1111 1111',
} as const;

interface Certs {
  readonly dir: string;
  readonly ca: string;
  readonly files: (name: string) => { cert: string; key: string };
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A CA and one certificate per DNS name, with openssl (the test's own PKI). */
function makeCerts(dir: string, names: Record<string, string>): Certs {
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  };
  run([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=tracesynth-e2e-ca',
  ]);
  for (const [file, dns] of Object.entries(names)) {
    writeFileSync(
      join(dir, `${file}.ext`),
      `subjectAltName=DNS:${dns}\nextendedKeyUsage=serverAuth,clientAuth\n`,
    );
    run(['req', ...EC_KEY, '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', `/CN=${dns}`]);
    run([
      'x509',
      '-req',
      '-in',
      `${file}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${file}.crt`,
      '-days',
      '1',
      '-extfile',
      `${file}.ext`,
    ]);
  }
  return {
    dir,
    ca: join(dir, 'ca.crt'),
    files: (n) => ({ cert: join(dir, `${n}.crt`), key: join(dir, `${n}.key`) }),
  };
}

function synthConfigs(collector: CollectorStackProps, tempo: TempoProps) {
  const { config, manifests } = synthCollector(collector, tempo);
  return { agent: config('otel-agent'), gateway: config('otel-gateway'), manifests };
}

/** Rewrites every string under `/var/run/secrets/<dir>/<file>` to `<tmp>/<file>`. */
function remapSecretPaths(value: unknown, tmp: string): unknown {
  if (typeof value === 'string')
    return value.replace(/^\/var\/run\/secrets\/[^/]+\/(.+)$/, (_, f) => join(tmp, f));
  if (Array.isArray(value)) return value.map((v) => remapSecretPaths(v, tmp));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remapSecretPaths(v, tmp)]));
  return value;
}

function replaceClusterOnlyParts(c: { agent: any; gateway: any }, grpcPort: number) {
  const agent = structuredClone(c.agent);
  const gateway = structuredClone(c.gateway);
  const lb = agent.exporters.load_balancing;
  expect(Object.keys(lb.resolver)).toEqual(['k8s']);
  lb.resolver = { static: { hostnames: [`${ADDR.gwA}:${grpcPort}`, `${ADDR.gwB}:${grpcPort}`] } };
  expect(gateway.processors.k8s_attributes.passthrough).toBe(false);
  gateway.processors.k8s_attributes = { passthrough: true };
  const tempo = gateway.exporters['otlp_grpc/tempo'];
  expect(tempo.endpoint).toMatch(/^(dns:\/\/\/)?tempo[a-z-]*\.tracing\.svc\.cluster\.local:4317$/);
  tempo.endpoint = `${ADDR.sink}:${SINK_PORT}`;
  // Span metrics are flushed every 15 s in the cluster; here every second, so the test that
  // reads them does not wait out the interval (names and labels do not depend on it).
  const spanMetrics = gateway.connectors?.span_metrics;
  expect(spanMetrics?.metrics_flush_interval).toBe('15s');
  spanMetrics.metrics_flush_interval = '1s';
  return { agent, gateway };
}

/** Collector processes of one test file, each with its config file and log. */
export class Processes {
  private readonly children: {
    name: string;
    child: ChildProcess;
    log: () => string;
    stopped: boolean;
  }[] = [];

  constructor(private readonly dir: string) {}

  /** Starts a collector; a name started again (a restart) gets a new log of its own. */
  start(name: string, config: unknown, podIp: string): void {
    const run = this.children.filter((c) => c.name === name || c.name.startsWith(`${name}#`)).length;
    const id = run === 0 ? name : `${name}#${run + 1}`;
    const file = join(this.dir, `${id}.yaml`);
    writeFileSync(file, typeof config === 'string' ? config : stringify(config, { lineWidth: 0 }));
    const child = spawn(OTELCOL, [`--config=${file}`], {
      env: { ...process.env, ...LOOPBACK_ENV, POD_IP: podIp },
    });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    this.children.push({ name: id, child, log: () => log, stopped: false });
  }

  /**
   * Sends `signal` to the running process started as `name` and resolves when it has exited
   * (SIGKILL after 15 s if it has not: a bound, not a wait).
   */
  stop(name: string, signal: NodeJS.Signals): Promise<void> {
    const c = this.children.filter((x) => x.name.split('#')[0] === name && x.child.exitCode === null).pop();
    if (!c) return Promise.resolve();
    c.stopped = true;
    return new Promise((resolve) => {
      if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
      c.child.once('exit', () => resolve());
      c.child.kill(signal);
      setTimeout(() => c.child.kill('SIGKILL'), 15_000).unref();
    });
  }

  logs(): Record<string, string> {
    return Object.fromEntries(this.children.map((c) => [c.name, c.log()]));
  }

  /** Processes that exited without being told to. */
  exited(): string[] {
    return this.children
      .filter((c) => !c.stopped && (c.child.exitCode !== null || c.child.signalCode !== null))
      .map((c) => `${c.name} exited ${c.child.exitCode ?? c.child.signalCode}: ${c.log().slice(-2000)}`);
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.child.exitCode !== null || c.child.signalCode !== null) return resolve();
            c.child.once('exit', () => resolve());
            c.child.kill('SIGTERM');
            setTimeout(() => c.child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
  }
}

/**
 * The stand-in for Tempo: a collector with an OTLP gRPC receiver that writes every span it
 * accepts to `out` (file exporter, JSON lines).
 */
export function sinkConfig(
  out: string,
  healthPort: number,
  tls?: { cert: string; key: string },
  addr: string = ADDR.sink,
) {
  return {
    extensions: { health_check: { endpoint: `${addr}:${healthPort}` } },
    receivers: {
      otlp: {
        protocols: {
          grpc: {
            endpoint: `${addr}:${SINK_PORT}`,
            ...(tls ? { tls: { cert_file: tls.cert, key_file: tls.key } } : {}),
          },
        },
      },
    },
    exporters: { file: { path: out, flush_interval: '100ms' } },
    service: {
      extensions: ['health_check'],
      telemetry: { metrics: { level: 'none' } },
      pipelines: { traces: { receivers: ['otlp'], exporters: ['file'] } },
    },
  };
}

export interface SinkSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Record<string, unknown>;
}

/** The spans a sink wrote, in order (empty before its first write). */
export function readSink(file: string): SinkSpan[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => JSON.parse(l).resourceSpans ?? [])
    .flatMap((rs: any) => rs.scopeSpans ?? [])
    .flatMap((ss: any) => ss.spans ?? [])
    .map((s: any) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      attributes: Object.fromEntries(
        (s.attributes ?? []).map((a: any) => [a.key, a.value.stringValue ?? a.value.intValue]),
      ),
    }));
}

/** Three spans per trace: the root goes through agent A, its two children through agent B. */
function traces(seed: number) {
  const next = prng(seed);
  const now = Date.now();
  const kinds = [
    ...Array(N.errors).fill('error'),
    ...Array(N.slow).fill('slow'),
    ...Array(N.rest).fill('rest'),
  ] as ('error' | 'slow' | 'rest')[];
  const all = kinds.map((kind) => {
    const traceId = hexId(next, 16);
    const root = hexId(next, 8);
    const spans: TestSpan[] = [
      {
        traceId,
        spanId: root,
        name: 'GET /checkout',
        startMs: now,
        durationMs: kind === 'slow' ? 3000 : 20,
        attributes: {
          'http.request.header.authorization': SECRET.authorization,
          'http.request.header.cookie': SECRET.cookie,
          'user.email': SECRET.email,
          'url.full': `https://shop.example/pay?card=${SECRET.card}&mail=${SECRET.email}`,
        },
      },
      {
        traceId,
        spanId: hexId(next, 8),
        parentSpanId: root,
        name: 'SELECT users',
        startMs: now + 1,
        durationMs: 5,
        attributes: { 'db.statement': SECRET.statement },
      },
      {
        traceId,
        spanId: hexId(next, 8),
        parentSpanId: root,
        name: 'charge',
        startMs: now + 6,
        durationMs: 5,
        error: kind === 'error',
      },
    ];
    return { kind, traceId, spans };
  });
  return all;
}

async function post(addr: string, port: number, spans: TestSpan[], tls?: HttpOptions) {
  const r = await http('POST', addr, port, '/v1/traces', otlpRequest('checkout', spans), tls);
  expect(`${r.status} ${r.status === 200 ? '' : r.body}`.trim()).toBe('200');
}

export async function waitHealthy(addrs: string[], port: number, procs: Processes) {
  const ok = await until(async () => {
    if (procs.exited().length) return true;
    const rs = await Promise.all(addrs.map((a) => http('GET', a, port, '/')));
    return rs.every((r) => r.status === 200);
  }, 20_000);
  expect(procs.exited()).toEqual([]);
  expect(ok).toBe(true);
}

let namesInUse: Set<string> | undefined;
/**
 * `otelcol_*` names the synthesized alerts, recording rules and dashboards of every environment
 * and of the frozen stacks (test/fixtures/stacks.ts, which use every collector alert) read
 * (rendered once per file).
 */
function otelcolNamesInUse(): Set<string> {
  if (namesInUse) return namesInUse;
  const names = (namesInUse = new Set<string>());
  for (const env of [...ENVIRONMENTS, ...STACKS]) {
    for (const m of renderEnvironment(env, buildEnvironment).manifests) {
      if (m.kind !== 'PrometheusRule' && !(m.kind === 'ConfigMap' && JSON.stringify(m).includes('"panels')))
        continue;
      for (const n of JSON.stringify(m).match(/otelcol_[a-z0-9_]+/g) ?? []) names.add(n);
    }
  }
  return names;
}

/**
 * The end-to-end run, plaintext or with TLS. Each scenario is its own test file (so jest runs
 * them side by side) on its own 127.0.<net>.x addresses.
 */
export function describeEndToEnd(_label: string, withTls: boolean, net: number): void {
  ADDR = addresses(net);
  e2e(`collector end to end (${_label})`, () => scenario(_label, withTls));
}

function scenario(_label: string, withTls: boolean): void {
  let dir: string;
  let procs: Processes;
  let sent: ReturnType<typeof traces>;
  let received: SinkSpan[];
  const scraped = new Set<string>();
  let clientTls: HttpOptions | undefined;
  let blackHole: Server | undefined;
  let httpPort: number;
  let agentConfig: any;
  const t0 = Date.now();

  beforeAll(async () => {
    if (withTls && !hasOpenssl) throw new Error('openssl is needed to generate the TLS test certificates');
    dir = mkdtempSync(join(tmpdir(), 'tracesynth-e2e-'));
    procs = new Processes(dir);
    const tempo: TempoProps = withTls ? { receiverTls: { secretName: 'tempo-tls' } } : {};
    const collector: CollectorStackProps = {
      sampling: CollectorSampling.tail({ decisionWait: '2s', latencyThreshold: '1s', percentage: PERCENT }),
      ...(withTls
        ? {
            tempoTls: { caSecret: { name: 'tempo-ca', key: 'ca.crt' } },
            tls: {
              gateway: {
                secretName: 'otel-gateway-tls',
                clientCaSecret: { name: 'collector-ca', key: 'ca.crt' },
              },
              agent: { secretName: 'otel-agent-tls' },
              caSecret: { name: 'collector-ca', key: 'ca.crt' },
            },
          }
        : {}),
    } as CollectorStackProps;
    const synthesized = synthConfigs(collector, tempo);
    const grpcPort = Number(synthesized.gateway.receivers.otlp.protocols.grpc.endpoint.split(':').pop());
    httpPort = Number(synthesized.agent.receivers.otlp.protocols.http.endpoint.split(':').pop());
    const healthPort = Number(synthesized.agent.extensions.health_check.endpoint.split(':').pop());
    let { agent, gateway } = replaceClusterOnlyParts(synthesized, grpcPort);
    let sinkTls: { cert: string; key: string } | undefined;
    if (withTls) {
      const tempoName = gateway.exporters['otlp_grpc/tempo'].tls.server_name_override;
      const gwName = agent.exporters.load_balancing.protocol.otlp.tls.server_name_override;
      const certs = makeCerts(dir, {
        'tls-tempo': tempoName,
        'tls-gateway': gwName,
        'tls-agent': 'otel-agent.tracing.svc.cluster.local',
      });
      // Secret keys as the pods mount them: tls.crt/tls.key per Secret, ca.crt for the CAs.
      const mount = (sub: string) => {
        const d = join(dir, sub);
        mkdirSync(d);
        return d;
      };
      const gwDir = mount('gw');
      const agentDir = mount('agent');
      for (const [d, n] of [
        [gwDir, 'tls-gateway'],
        [agentDir, 'tls-agent'],
      ] as const) {
        writeFileSync(join(d, 'tls.crt'), readFileSync(certs.files(n).cert));
        writeFileSync(join(d, 'tls.key'), readFileSync(certs.files(n).key));
        writeFileSync(join(d, 'ca.crt'), readFileSync(certs.ca));
      }
      agent = remapSecretPaths(agent, agentDir);
      gateway = remapSecretPaths(gateway, gwDir);
      sinkTls = certs.files('tls-tempo');
      clientTls = {
        ca: readFileSync(certs.ca, 'utf8'),
        servername: 'otel-agent.tracing.svc.cluster.local',
        ...{
          cert: readFileSync(certs.files('tls-agent').cert, 'utf8'),
          key: readFileSync(certs.files('tls-agent').key, 'utf8'),
        },
      };
    }
    // In dependency order: a gRPC client that found its server down backs off, and the
    // agents' per-gateway exporters do not retry (by design: the balancer re-routes).
    procs.start('sink', sinkConfig(join(dir, 'sink.json'), healthPort, sinkTls), ADDR.sink);
    await waitHealthy([ADDR.sink], healthPort, procs);
    procs.start('gateway-a', gateway, ADDR.gwA);
    procs.start('gateway-b', gateway, ADDR.gwB);
    await waitHealthy([ADDR.gwA, ADDR.gwB], healthPort, procs);
    agentConfig = agent;
    procs.start('agent-a', agent, ADDR.agentA);
    procs.start('agent-b', agent, ADDR.agentB);
    await waitHealthy([ADDR.agentA, ADDR.agentB], healthPort, procs);

    sent = traces(withTls ? 7 : 42);
    const roots = sent.map((t) => t.spans[0]);
    const children = sent.flatMap((t) => t.spans.slice(1));
    await Promise.all([
      post(ADDR.agentA, httpPort, roots, clientTls),
      post(ADDR.agentB, httpPort, children, clientTls),
    ]);

    // Decision after 2s, then batch (200ms) and export; done when the sink stops growing.
    let last = -1;
    let stableSince = Date.now();
    await until(
      async () => {
        for (const a of [ADDR.agentA, ADDR.agentB, ADDR.gwA, ADDR.gwB]) {
          const r = await http('GET', a, 8888, '/metrics');
          for (const n of sampleNames(r.body)) scraped.add(n);
        }
        const n = readSink(join(dir, 'sink.json')).length;
        if (n !== last) {
          last = n;
          stableSince = Date.now();
        }
        return n >= (N.errors + N.slow) * 3 && Date.now() - stableSince > 2500;
      },
      30_000,
      500,
    );
    received = readSink(join(dir, 'sink.json'));

    // Phase 2: broken copies of the gateway emit the failure counters.
    const faultMem = structuredClone(gateway);
    faultMem.processors.memory_limiter = {
      ...faultMem.processors.memory_limiter,
      limit_mib: 2,
      spike_limit_mib: 1,
    };
    // Room for 2 traces: the others are evicted before their decision ("dropped too early"); and
    // a size cap that the test's one 200-span trace exceeds ("dropped too large").
    const faultSampling = structuredClone(gateway);
    faultSampling.processors.tail_sampling = {
      ...faultSampling.processors.tail_sampling,
      decision_wait: '1s',
      num_traces: 2,
      maximum_trace_size_bytes: 20_000,
      decision_cache: { sampled_cache_size: 20, non_sampled_cache_size: 20 },
    };
    // A Tempo that accepts connections and never answers, no retries, a queue of one request (30
    // spans) and no batching or sampling in front: each send times out after 1s, and requests
    // arriving meanwhile do not fit in the queue.
    blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole!.listen(SINK_PORT, ADDR.blackHole, resolve));
    const faultExport = structuredClone(gateway);
    const pipeline = faultExport.service.pipelines.traces;
    pipeline.processors = pipeline.processors.filter((id: string) => id !== 'tail_sampling');
    delete faultExport.processors.tail_sampling;
    // Its span-metrics pipelines are not what this copy is about.
    delete faultExport.service.pipelines['traces/spanmetrics'];
    delete faultExport.service.pipelines.metrics;
    delete faultExport.connectors;
    delete faultExport.exporters.prometheus;
    faultExport.exporters['otlp_grpc/tempo'] = {
      ...faultExport.exporters['otlp_grpc/tempo'],
      endpoint: `${ADDR.blackHole}:${SINK_PORT}`,
      timeout: '1s',
      retry_on_failure: { enabled: false },
      sending_queue: { enabled: true, num_consumers: 1, sizer: 'items', queue_size: 30 },
    };
    procs.start('fault-memory', faultMem, ADDR.faultMem);
    procs.start('fault-export', faultExport, ADDR.faultExport);
    procs.start('fault-sampling', faultSampling, ADDR.faultSampling);
    await waitHealthy([ADDR.faultMem, ADDR.faultExport, ADDR.faultSampling], healthPort, procs);
    const gwTls = clientTls && {
      ...clientTls,
      servername: agent.exporters.load_balancing.protocol.otlp.tls.server_name_override,
    };
    // The limiter checks every check_interval (1s): post until it refuses.
    await until(
      async () =>
        (
          await http(
            'POST',
            ADDR.faultMem,
            httpPort,
            '/v1/traces',
            otlpRequest('checkout', sent[0].spans),
            gwTls,
          )
        ).status !== 200,
      10_000,
    );
    const batches = Array.from({ length: 6 }, (_, i) =>
      otlpRequest(
        'checkout',
        sent.slice(i * 10, i * 10 + 10).flatMap((t) => t.spans),
      ),
    );
    await Promise.all(batches.map((b) => http('POST', ADDR.faultExport, httpPort, '/v1/traces', b, gwTls)));
    for (const b of batches) await http('POST', ADDR.faultSampling, httpPort, '/v1/traces', b, gwTls);
    const huge = sent[0].spans[1];
    const hugeTrace = Array.from({ length: 200 }, (_, i) => ({
      ...huge,
      traceId: hexId(prng(99), 16),
      spanId: hexId(prng(1000 + i), 8),
    }));
    await http('POST', ADDR.faultSampling, httpPort, '/v1/traces', otlpRequest('checkout', hugeTrace), gwTls);
    const wanted = otelcolNamesInUse();
    await until(
      async () => {
        for (const a of [ADDR.faultMem, ADDR.faultExport, ADDR.faultSampling]) {
          const r = await http('GET', a, 8888, '/metrics');
          for (const n of sampleNames(r.body)) scraped.add(n);
        }
        return [...wanted].every((n) => scraped.has(n));
      },
      15_000,
      500,
    );
    if (process.env.E2E_DEBUG) writeFileSync('/tmp/e2e-scraped.txt', [...scraped].sort().join('\n'));
  }, 120_000);

  afterAll(async () => {
    await procs?.stopAll();
    blackHole?.close();
    if (process.env.E2E_DEBUG)
      for (const [n, l] of Object.entries(procs.logs())) writeFileSync(`/tmp/e2e-${n}.log`, l);
    if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`collector end to end (${_label}): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test('no collector exited, logged an error or a deprecation warning', () => {
    expect(procs.exited()).toEqual([]);
    const logs = procs.logs();
    const bad = Object.entries(logs)
      .filter(([name]) => !name.startsWith('fault-'))
      .flatMap(([name, log]) =>
        log
          .split('\n')
          .filter((l) => /\t(error|warn)\t|deprecated/i.test(l))
          .map((l) => `${name}: ${l}`),
      );
    expect(bad).toEqual([]);
  });

  (withTls ? test : test.skip)(
    'receivers refuse plaintext, and the gateway refuses clients without a certificate',
    async () => {
      const body = otlpRequest('checkout', sent[0].spans);
      expect((await http('POST', ADDR.agentA, httpPort, '/v1/traces', body)).status).not.toBe(200);
      const gwName = agentConfig.exporters.load_balancing.protocol.otlp.tls.server_name_override;
      const noCert = { ca: clientTls!.ca, servername: gwName };
      expect((await http('POST', ADDR.gwA, httpPort, '/v1/traces', body, noCert)).status).toBe(0);
      expect(
        (await http('POST', ADDR.gwA, httpPort, '/v1/traces', body, { ...clientTls!, servername: gwName }))
          .status,
      ).toBe(200);
    },
  );

  test('every error trace and every slow trace is kept, with all of its spans', () => {
    const byTrace = new Map<string, number>();
    for (const s of received) byTrace.set(s.traceId, (byTrace.get(s.traceId) ?? 0) + 1);
    for (const t of sent.filter((x) => x.kind !== 'rest'))
      expect([t.kind, byTrace.get(t.traceId)]).toEqual([t.kind, 3]);
    // Spans of one trace are never split: a kept trace has all three spans, exactly once.
    expect([...byTrace.values()].filter((n) => n !== 3)).toEqual([]);
  });

  test(`the probabilistic policy keeps about ${PERCENT} % of the other traces`, () => {
    const kept = new Set(received.map((s) => s.traceId));
    const rest = sent.filter((t) => t.kind === 'rest');
    const k = rest.filter((t) => kept.has(t.traceId)).length;
    // Binomial(400, 0.25): mean 100, sd 8.7; ±5 sd.
    const mean = (N.rest * PERCENT) / 100;
    const sd = Math.sqrt(N.rest * (PERCENT / 100) * (1 - PERCENT / 100));
    expect(k).toBeGreaterThanOrEqual(Math.floor(mean - 5 * sd));
    expect(k).toBeLessThanOrEqual(Math.ceil(mean + 5 * sd));
  });

  test('sensitive values are gone or hashed', () => {
    const text = JSON.stringify(received);
    for (const v of [SECRET.authorization, SECRET.cookie, SECRET.email, SECRET.card, 'alice.e2e@example.com'])
      expect(text).not.toContain(v);
    const roots = received.filter((s) => s.attributes['url.full'] !== undefined);
    expect(roots.length).toBeGreaterThan(0);
    for (const r of roots) {
      expect(r.attributes['http.request.header.authorization']).toBeUndefined();
      expect(r.attributes['http.request.header.cookie']).toBeUndefined();
      expect(r.attributes['user.email']).toBe('[REDACTED_EMAIL]');
      expect(r.attributes['url.full']).toBe(
        'https://shop.example/pay?card=[REDACTED_CARD]&mail=[REDACTED_EMAIL]',
      );
    }
    // The attributes processor's `hash` action is SHA-256 in this release (sha2Hasher in
    // internal/coreinternal/attraction; the doc comment there still says SHA-1).
    const sha256 = createHash('sha256').update(SECRET.statement).digest('hex');
    const statements = received
      .filter((s) => s.attributes['db.statement'] !== undefined)
      .map((s) => s.attributes['db.statement']);
    expect(statements.length).toBeGreaterThan(0);
    expect(new Set(statements)).toEqual(new Set([sha256]));
  });

  test("the span-metric names of the gateway's catalog are what its prometheus exporter serves", async () => {
    // The gateways tail-sample, so they compute span metrics (flushed every second here) on :8889.
    const wanted = [
      COLLECTOR_SPAN_METRICS.calls,
      COLLECTOR_SPAN_METRICS.latencyBucket,
      COLLECTOR_SPAN_METRICS.latencyCount,
    ];
    const seen = new Set<string>();
    let body = '';
    await until(
      async () => {
        for (const a of [ADDR.gwA, ADDR.gwB]) {
          const r = await http('GET', a, PROMETHEUS_EXPORTER_PORT, '/metrics');
          body += r.body;
          for (const n of sampleNames(r.body)) seen.add(n);
        }
        return wanted.every((n) => seen.has(n));
      },
      40_000,
      1000,
    );
    expect(wanted.filter((n) => !seen.has(n))).toEqual([]);
    const l = COLLECTOR_SPAN_METRICS.labels;
    for (const label of [l.service, l.spanName, l.spanKind, l.statusCode])
      expect(body).toContain(`${label}="`);
    expect(body).toContain(`${l.spanKind}="${COLLECTOR_SPAN_METRICS.serverKind}"`);
  }, 60_000);

  test("every otelcol_* metric that alerts, recording rules and dashboards read is on the collectors' /metrics", () => {
    const wanted = [...otelcolNamesInUse()].sort();
    expect(wanted.length).toBeGreaterThanOrEqual(8);
    expect(wanted.filter((n) => !scraped.has(n))).toEqual([]);
  });
}
