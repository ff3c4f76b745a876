import { Size, Testing } from 'cdk8s';
import { buildEnvironment } from '../charts/environment';
import { TempoChart } from '../charts/tempo-chart';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';
import { selectEnvironments } from '../environments';
import { ConfigError } from '../lib/errors';
import { renderEnvironment } from '../lib/synth';

/** Asserts that `fn` throws a ConfigError with exactly this message. */
function expectError(fn: () => unknown, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  expect((thrown as Error).message).toBe(message);
}

const tempo = (props: TempoProps) => () => resolveTempoSettings(props);

describe('synth-time errors name the property, the value and the fix', () => {
  test('replicas > 1 with local storage', () => {
    expectError(tempo({ replicas: 2 }), "tempo.replicas: 2 replicas with 'local' storage would be 2 independent Tempo instances, each holding part of the traces; use replicas: 1, or object storage (and distributed mode) to scale out");
  });

  test('zero replicas', () => {
    expectError(tempo({ replicas: 0 }), 'tempo.replicas: 0 is not valid; expected an integer >= 1');
  });

  test('unparsable duration', () => {
    expectError(tempo({ retention: '7d' }), "tempo.retention: '7d' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')");
    expectError(tempo({ ingester: { traceIdlePeriod: 'soon' } }), "tempo.ingester.traceIdlePeriod: 'soon' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')");
  });

  test('retention below one hour', () => {
    expectError(tempo({ retention: '30m' }), "tempo.retention: '30m' is below the minimum of 1h; traces would be deleted before they are compacted");
  });

  test('retention shorter than the block duration', () => {
    expectError(tempo({ retention: '2h', ingester: { maxBlockDuration: '3h' } }), "tempo.retention: '2h' is shorter than ingester.maxBlockDuration (3h); blocks would expire before they are complete. Raise retention or lower maxBlockDuration");
  });

  test('trace idle period not shorter than the block duration', () => {
    expectError(tempo({ ingester: { traceIdlePeriod: '30m', maxBlockDuration: '30m' } }), 'tempo.ingester.traceIdlePeriod: 30m must be shorter than ingester.maxBlockDuration (30m); a trace must go idle before its block is cut');
  });

  test('zero durations', () => {
    expectError(tempo({ compactedBlockRetention: '0s' }), "tempo.compactedBlockRetention: '0s' must be longer than 0s");
  });

  test('duplicate ports', () => {
    expectError(tempo({ receivers: { zipkin: { port: 4317 } } }), "tempo.receivers: port 4317 is used by both 'otlp-grpc' and 'zipkin'; give each its own port");
    expectError(tempo({ httpPort: 9095 }), "tempo.receivers: port 9095 is used by both 'http' and 'grpc'; give each its own port");
  });

  test('out-of-range ports', () => {
    expectError(tempo({ httpPort: 70000 }), 'tempo.httpPort: 70000 is not a valid port; expected an integer from 1 to 65535');
    expectError(tempo({ receivers: { otlpGrpc: { port: 0 } } }), 'tempo.receivers.otlpGrpc.port: 0 is not a valid port; expected an integer from 1 to 65535');
  });

  test('unknown receiver and no receiver at all', () => {
    expectError(tempo({ receivers: { otlp: false } as any }), 'tempo.receivers.otlp: unknown receiver; expected one of otlpGrpc, otlpHttp, jaegerGrpc, jaegerThriftHttp, jaegerThriftCompact, jaegerThriftBinary, zipkin');
    const none = { otlpGrpc: false, otlpHttp: false, jaegerGrpc: false, jaegerThriftHttp: false, jaegerThriftCompact: false, jaegerThriftBinary: false, zipkin: false };
    expectError(tempo({ receivers: none }), 'tempo.receivers: every receiver is disabled; enable at least one (e.g. otlpGrpc) or Tempo receives no traces');
  });

  test('names that are not DNS-1123 labels or too long', () => {
    expectError(tempo({ name: 'Tempo_1' }), "tempo.name: 'Tempo_1' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')");
    expectError(tempo({ name: 't'.repeat(53) }), `tempo.name: '${'t'.repeat(53)}' is 53 characters long; at most 52 are allowed`);
    expectError(() => renderEnvironment({ name: 'dev', namespace: 'n'.repeat(64) }, buildEnvironment), `dev.namespace: '${'n'.repeat(64)}' is 64 characters long; at most 63 are allowed`);
    expectError(() => renderEnvironment({ name: 'Dev' }, buildEnvironment), "Dev.name: 'Dev' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')");
  });

  test('bad resource quantities', () => {
    expectError(tempo({ resources: { limits: { memory: '4GB' } } }), "tempo.resources.limits.memory: '4GB' is not a Kubernetes quantity; expected e.g. '500m', '2', '512Mi' or '4Gi'");
    expectError(tempo({ resources: { requests: { cpu: '2' } } }), "tempo.resources.requests.cpu: request '2' is larger than limit '1'; raise the limit or lower the request");
  });

  test('limits: burst below rate, non-positive values', () => {
    expectError(tempo({ limits: { ingestionRateLimitBytes: 10, ingestionBurstSizeBytes: 5 } }), 'tempo.limits.ingestionBurstSizeBytes: 5 is below ingestionRateLimitBytes (10); the burst caps the rate, so set it at least as high');
    expectError(tempo({ limits: { maxBytesPerTrace: -1 } }), 'tempo.limits.maxBytesPerTrace: -1 is not valid; expected an integer >= 1');
  });

  test('log level and format', () => {
    expectError(tempo({ logLevel: 'verbose' as any }), "tempo.logLevel: 'verbose' is not a log level; expected debug, info, warn or error");
    expectError(tempo({ logFormat: 'text' as any }), "tempo.logFormat: 'text' is not a log format; expected logfmt or json");
  });

  test('local storage size and class', () => {
    expectError(() => TempoStorage.local({ size: Size.kibibytes(10) }), 'tempo.storage.size: 10Ki is too small; expected at least 1Mi (e.g. Size.gibibytes(10))');
    expectError(() => TempoStorage.local({ storageClassName: 'Fast SSD' }), "tempo.storage.storageClassName: 'Fast SSD' is not a valid DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', at most 253 characters");
  });

  test('unknown environment on the command line', () => {
    expectError(() => selectEnvironments(['qa']), "environment: unknown environment 'qa'; known environments: dev, staging, prod");
  });

  test('an endpoint of a disabled receiver', () => {
    const chart = new TempoChart(Testing.app(), 'tempo', { namespace: 'ns', tempo: { receivers: { otlpHttp: false } } });
    expectError(() => chart.tempo.otlpHttpEndpoint, "tempo.otlpHttpEndpoint: receiver 'otlpHttp' is disabled; enable it in the Tempo props to use this endpoint");
  });

  test('Tempo outside a namespaced chart', () => {
    expectError(() => new Tempo(Testing.chart(), 'tempo'), 'tempo: the chart has no namespace; create the Tempo construct in a Chart with a namespace');
  });

  test('errors inside an environment are prefixed with its name', () => {
    expectError(() => renderEnvironment({ name: 'qa', tempo: { retention: 'forever' } }, buildEnvironment), "qa.tempo.retention: 'forever' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')");
  });
});
