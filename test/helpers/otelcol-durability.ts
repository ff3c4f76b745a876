/**
 * Rollouts that lose no spans (issue 24), with the real collector (build/otelcol): the
 * synthesized gateway config runs as a process on loopback, exporting to a stand-in for Tempo (a
 * collector that writes what it accepts to a file). Mid-stream, Tempo goes away (the sink stops),
 * spans keep arriving and are acknowledged, and the gateway process is killed while a request is
 * in flight; then Tempo and the gateway come back, the gateway on the same storage directory.
 *
 * - durable queue (`collector.gateway.persistentQueue`), SIGKILL: every span the gateway
 *   acknowledged before the kill reaches the sink after the restart;
 * - the same with the queue in memory (the check can fail): the spans queued at the kill are lost;
 * - durable queue behind tail sampling, SIGTERM before the decision wait (a rollout or eviction):
 *   the sampler decides the pending traces at shutdown, the queue keeps them, all arrive.
 *
 * Replaced in the synthesized config, and nothing else: `k8s_attributes` (API access) by
 * `passthrough`, the Tempo endpoint by the sink's address, the queue's directory (the PVC mount) by
 * a temporary directory that outlives the process. The three cases run side by side on their own
 * loopback addresses; every wait is bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorStackProps } from '../../charts/collector-chart';
import { QUEUE_STORAGE } from '../../constructs/otel-collector/exporter-queue';
import { CollectorSampling } from '../../constructs/otel-collector/sampling';
import { synthCollector } from './collector';
import { hasOtelcol } from './otelcol';
import { Processes, readSink, RUN, sinkConfig, SINK_PORT, waitHealthy } from './otelcol-e2e';
import { hexId, http, otlpRequest, prng, TestSpan, until } from './otlp';

const e2e = hasOtelcol ? describe : describe.skip;
const NET = 3;
const SPANS_PER_REQUEST = 20;
/** Requests delivered while Tempo is up, then queued while it is away. */
const LIVE = 4;
const OUTAGE = 8;

interface Case {
  readonly name: string;
  readonly collector: CollectorStackProps;
  readonly signal: NodeJS.Signals;
  readonly host: number;
}

const CASES = {
  durable: {
    name: 'durable',
    collector: { gateway: { persistentQueue: true } },
    signal: 'SIGKILL',
    host: 1,
  },
  memory: { name: 'memory', collector: {}, signal: 'SIGKILL', host: 2 },
  tail: {
    name: 'tail',
    collector: {
      // Everything kept (100 %), decided after 10 s: the SIGTERM comes first.
      sampling: CollectorSampling.tail({ percentage: 100, decisionWait: '10s' }),
      gateway: { persistentQueue: true },
    },
    signal: 'SIGTERM',
    host: 3,
  },
} as const satisfies Record<string, Case>;

export interface Outcome {
  /** Span IDs the gateway answered 200 for, before the kill. */
  readonly acknowledged: string[];
  /** Of those, the ones sent while Tempo was away. */
  readonly duringOutage: string[];
  /** `otelcol_exporter_queue_size` of the Tempo exporter just before the kill. */
  readonly queuedAtKill: number;
  /** Span IDs the sink received over both of its runs (with repeats). */
  readonly received: string[];
  /** Wall time of the case. */
  readonly seconds: number;
}

function requests(seed: number, count: number): TestSpan[][] {
  const next = prng(seed);
  const now = Date.now();
  return Array.from({ length: count }, () =>
    Array.from({ length: SPANS_PER_REQUEST }, () => ({
      traceId: hexId(next, 16),
      spanId: hexId(next, 8),
      name: 'GET /checkout',
      startMs: now,
      durationMs: 20,
    })),
  );
}

function gatewayConfig(c: Case, storage: string, sink: string): Record<string, any> {
  const gw = synthCollector(c.collector, {}).config('otel-gateway');
  gw.processors.k8s_attributes = { passthrough: true };
  gw.exporters['otlp_grpc/tempo'].endpoint = `${sink}:${SINK_PORT}`;
  const fs = gw.extensions[QUEUE_STORAGE.extension];
  if (fs) {
    expect([fs.directory, fs.compaction.directory]).toEqual([
      QUEUE_STORAGE.mountPath,
      QUEUE_STORAGE.mountPath,
    ]);
    fs.directory = fs.compaction.directory = storage;
  }
  return gw;
}

async function queueSize(addr: string): Promise<number> {
  const r = await http('GET', addr, 8888, '/metrics');
  const m = /^otelcol_exporter_queue_size\{[^}]*exporter="otlp_grpc\/tempo"[^}]*\} (\d+)/m.exec(r.body);
  return m ? Number(m[1]) : -1;
}

async function run(c: Case, procs: Processes, dir: string): Promise<Outcome> {
  const t0 = Date.now();
  const gwAddr = `127.${RUN}.${NET}.${20 + c.host}`;
  const sinkAddr = `127.${RUN}.${NET}.${30 + c.host}`;
  const storage = mkdtempSync(join(dir, `${c.name}-queue-`));
  const gateway = gatewayConfig(c, storage, sinkAddr);
  const healthPort = Number(gateway.extensions.health_check.endpoint.split(':').pop());
  const httpPort = Number(gateway.receivers.otlp.protocols.http.endpoint.split(':').pop());
  const sinkFiles = [join(dir, `${c.name}-sink-1.json`), join(dir, `${c.name}-sink-2.json`)];
  const sink = `${c.name}-sink`;
  const gw = `${c.name}-gateway`;

  procs.start(sink, sinkConfig(sinkFiles[0], healthPort, undefined, sinkAddr), sinkAddr);
  await waitHealthy([sinkAddr], healthPort, procs);
  procs.start(gw, gateway, gwAddr);
  await waitHealthy([gwAddr], healthPort, procs);

  const batches = requests(1000 + c.host, LIVE + OUTAGE + 2);
  const acknowledged: string[] = [];
  const duringOutage: string[] = [];
  const post = async (spans: TestSpan[], outage: boolean) => {
    const r = await http('POST', gwAddr, httpPort, '/v1/traces', otlpRequest('checkout', spans));
    if (r.status !== 200) return false;
    const ids = spans.map((s) => s.spanId);
    acknowledged.push(...ids);
    if (outage) duringOutage.push(...ids);
    return true;
  };
  for (const b of batches.slice(0, LIVE)) expect(await post(b, false)).toBe(true);
  // Streaming: these reach Tempo before it goes away (behind the tail sampler they wait for
  // its decision instead).
  if (c.name !== 'tail')
    expect(await until(() => readSink(sinkFiles[0]).length >= LIVE * SPANS_PER_REQUEST, 10_000, 100)).toBe(
      true,
    );
  // Tempo goes away (a graceful stop, so the sink keeps everything it acknowledged).
  await procs.stop(sink, 'SIGTERM');
  for (const b of batches.slice(LIVE, LIVE + OUTAGE)) expect(await post(b, true)).toBe(true);
  // Everything sent during the outage is in the exporter's queue (the tail sampler holds it
  // until its decision instead).
  if (c.name !== 'tail')
    expect(await until(async () => (await queueSize(gwAddr)) >= duringOutage.length, 5000, 100)).toBe(true);
  const queuedAtKill = await queueSize(gwAddr);
  // Mid-stream: a request in flight as the signal lands (acknowledged or not, it is counted only
  // if the gateway answered 200), and one after it, which finds no gateway.
  const inFlight = post(batches[LIVE + OUTAGE], true);
  await procs.stop(gw, c.signal);
  await inFlight;
  expect(await post(batches[LIVE + OUTAGE + 1], true)).toBe(false);

  // Tempo and the gateway come back, the gateway on the same directory.
  procs.start(sink, sinkConfig(sinkFiles[1], healthPort, undefined, sinkAddr), sinkAddr);
  await waitHealthy([sinkAddr], healthPort, procs);
  procs.start(gw, gateway, gwAddr);
  await waitHealthy([gwAddr], healthPort, procs);
  const received = () => sinkFiles.flatMap((f) => readSink(f).map((s) => s.spanId));
  const want = new Set(acknowledged);
  // Done when every acknowledged span is in, or (the in-memory case) when the sink has received
  // nothing new for 3 s; 30 s at most.
  let last = -1;
  let stableSince = Date.now();
  await until(
    () => {
      const got = received();
      if (got.length !== last) [last, stableSince] = [got.length, Date.now()];
      const have = new Set(got);
      return [...want].every((id) => have.has(id)) || Date.now() - stableSince > 3000;
    },
    30_000,
    200,
  );
  rmSync(storage, { recursive: true, force: true });
  return {
    acknowledged,
    duringOutage,
    queuedAtKill,
    received: received(),
    seconds: (Date.now() - t0) / 1000,
  };
}

export function describeDurability(): void {
  e2e('gateway sending queue across a gateway kill (real collector)', () => {
    let dir: string;
    let procs: Processes;
    const outcomes: Partial<Record<keyof typeof CASES, Outcome>> = {};

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tracesynth-durability-'));
      procs = new Processes(dir);
      const names = Object.keys(CASES) as (keyof typeof CASES)[];
      const results = await Promise.all(names.map((n) => run(CASES[n], procs, dir)));
      names.forEach((n, i) => (outcomes[n] = results[i]));
    }, 120_000);

    afterAll(async () => {
      await procs?.stopAll();
      if (dir) rmSync(dir, { recursive: true, force: true });
      for (const [n, o] of Object.entries(outcomes))
        console.log(
          `durability ${n}: ${o!.acknowledged.length} spans acknowledged (${o!.duringOutage.length} during the outage, queue ${o!.queuedAtKill} at the kill), ${new Set(o!.received).size} received (${o!.received.length - new Set(o!.received).size} repeats), ${o!.seconds.toFixed(1)} s`,
        );
    });

    const missing = (o: Outcome) => {
      const have = new Set(o.received);
      return o.acknowledged.filter((id) => !have.has(id));
    };

    test('no collector died unbidden', () => {
      expect(procs.exited()).toEqual([]);
    });

    test('durable queue, SIGKILL mid-stream: every span acknowledged before the kill arrives after the restart', () => {
      const o = outcomes.durable!;
      expect(o.duringOutage.length).toBeGreaterThanOrEqual(OUTAGE * SPANS_PER_REQUEST);
      // The kill found them queued, not delivered.
      expect(o.queuedAtKill).toBeGreaterThanOrEqual(OUTAGE * SPANS_PER_REQUEST);
      expect(missing(o)).toEqual([]);
      // Nothing arrives that was never sent.
      const sent = new Set(o.acknowledged);
      expect(o.received.filter((id) => !sent.has(id))).toEqual([]);
    });

    test('the same kill with the queue in memory loses what was queued (the check can fail)', () => {
      const o = outcomes.memory!;
      expect(o.queuedAtKill).toBeGreaterThanOrEqual(OUTAGE * SPANS_PER_REQUEST);
      // What was delivered before the outage is there; everything queued in memory is gone.
      expect(missing(o).sort()).toEqual([...o.duringOutage].sort());
    });

    test('durable queue behind tail sampling, SIGTERM before the decision: the pending traces are decided and delivered', () => {
      const o = outcomes.tail!;
      expect(o.duringOutage.length).toBeGreaterThanOrEqual(OUTAGE * SPANS_PER_REQUEST);
      expect(missing(o)).toEqual([]);
    });

    test('the gateway the cases ran is the synthesized one: a StatefulSet with the queue on its PVC', () => {
      const { find } = synthCollector(CASES.durable.collector, {});
      const sts = find('StatefulSet', 'otel-gateway');
      expect(sts.spec.volumeClaimTemplates.map((v: any) => v.metadata.name)).toEqual([QUEUE_STORAGE.volume]);
      expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({
        name: QUEUE_STORAGE.volume,
        mountPath: QUEUE_STORAGE.mountPath,
      });
      expect(find('Deployment', 'otel-gateway')).toBeUndefined();
    });
  });
}
