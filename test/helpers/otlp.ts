/**
 * Small OTLP helpers for the end-to-end test: deterministic traces, OTLP/HTTP JSON requests
 * (optionally over TLS), and Prometheus text parsing of the collectors' /metrics.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** xorshift32: reproducible trace IDs, so the probabilistic share is the same on every run. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function hexId(next: () => number, bytes: number): string {
  let s = '';
  while (s.length < bytes * 2) s += next().toString(16).padStart(8, '0');
  return s.slice(0, bytes * 2);
}

export type AttrValue = string | number;

export interface TestSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly error?: boolean;
  readonly attributes?: Record<string, AttrValue>;
}

function attr(key: string, v: AttrValue) {
  return { key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } };
}

/** An OTLP/HTTP JSON ExportTraceServiceRequest. */
export function otlpRequest(service: string, spans: readonly TestSpan[]): string {
  const ns = (ms: number) => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', service)] },
        scopeSpans: [
          {
            scope: { name: 'tracesynth-e2e' },
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
              name: s.name,
              kind: 2,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => attr(k, v)),
              status: s.error ? { code: 2, message: 'boom' } : { code: 0 },
            })),
          },
        ],
      },
    ],
  });
}

export interface HttpOptions {
  /** PEM CA that signed the server's certificate (https when set). */
  readonly ca?: string;
  /** Client certificate and key (mTLS). */
  readonly cert?: string;
  readonly key?: string;
  /** Name to verify the server certificate against. */
  readonly servername?: string;
}

/** One HTTP request; resolves with status and body, never rejects (status 0 on a socket error). */
export function http(
  method: 'GET' | 'POST',
  host: string,
  port: number,
  path: string,
  body?: string,
  tls?: HttpOptions,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const options = {
      method,
      host,
      port,
      path,
      timeout: 5000,
      headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      ...(tls?.ca ? { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.servername } : {}),
    };
    const req = (tls?.ca ? httpsRequest : httpRequest)(options, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    if (body) req.write(body);
    req.end();
  });
}

/** Sample names (with _bucket/_sum/_count) in a Prometheus text exposition. */
export function sampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns the last result. */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
