import { Chart, Testing } from 'cdk8s';
import { CollectorChart, CollectorStackProps } from '../charts/collector-chart';
import { TempoChart } from '../charts/tempo-chart';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { scrubbingProcessors } from '../constructs/otel-collector/scrubbing';
import { OtelCollectorAgent } from '../constructs/otel-collector/otel-collector-agent';
import { OtelCollectorGateway } from '../constructs/otel-collector/otel-collector-gateway';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';
import { expectError } from './helpers/errors';

describe('collector synth-time errors name the property, the value and the fix', () => {
  const collector =
    (c: CollectorStackProps, tempoProps: TempoProps = {}) =>
    () => {
      const app = Testing.app();
      const t = new TempoChart(app, 'tempo', { namespace: 'ns', tempo: tempoProps });
      return new CollectorChart(app, 'collector', { namespace: 'ns', tempo: t.tempo, collector: c });
    };

  test('collector: tail sampling without a gateway', () => {
    expectError(
      collector({ gateway: false, sampling: CollectorSampling.tail() }),
      'collector.sampling: tail sampling needs the gateway: agents only see the spans of their own node, and a tail decision needs the whole trace; enable the gateway or use CollectorSampling.head(...)',
    );
    expectError(
      collector({ agent: false, sampling: CollectorSampling.tail() }),
      "collector.agent: is disabled, but tail sampling on 2 gateway replicas needs the agents' trace-ID routing: spans of one trace would land on different replicas and be sampled separately; enable the agent or run one gateway replica",
    );
    expectError(
      collector({ agent: false, sampling: CollectorSampling.head({ percentage: 5 }) }),
      'collector.sampling: head sampling runs in the agent, which is disabled; enable the agent or use tail sampling at the gateway',
    );
    expectError(
      collector({ agent: false, gateway: false }),
      'collector: both the gateway and the agent are disabled; set collector: false to run no collector',
    );
  });

  test('collector: agent and gateway built with different sampling', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
    const t = new Tempo(chart, 'tempo');
    const gateway = new OtelCollectorGateway(chart, 'gateway', { tempo: t });
    expectError(
      () => new OtelCollectorAgent(chart, 'agent', { tempo: t, gateway, sampling: CollectorSampling.tail() }),
      'collector.sampling: tail sampling is set for the agent but the gateway was built without it; pass the same sampling to both',
    );
  });

  test('collector: sampling percentage outside (0, 100], latency threshold not positive', () => {
    expectError(
      () => CollectorSampling.head({ percentage: 0 }).check(),
      'collector.sampling.percentage: 0 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
    );
    expectError(
      () => CollectorSampling.head({ percentage: 150 }).check(),
      'collector.sampling.percentage: 150 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
    );
    expectError(
      () => CollectorSampling.tail({ percentage: -1 }).check(),
      'collector.sampling.percentage: -1 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
    );
    expectError(
      () => CollectorSampling.tail({ latencyThreshold: '0s' }).check(),
      "collector.sampling.latencyThreshold: '0s' is not positive; traces slower than this threshold are kept, so give e.g. '2s'",
    );
    expectError(
      () => CollectorSampling.tail({ numTraces: 0 }).check(),
      'collector.sampling.numTraces: 0 is not valid; expected an integer >= 1',
    );
  });

  test('collector: TLS without a Secret, mTLS without a CA, client certificates the agent lacks', () => {
    expectError(
      collector({ tls: { gateway: {} } }),
      'collector.tls.gateway.secretName: is required: TLS needs the Secret with the certificate and key (type kubernetes.io/tls, e.g. written by a cert-manager Certificate); name it or remove the TLS block',
    );
    expectError(
      collector({ tls: { gateway: { certificate: { issuerRef: { name: 'Bad_Issuer' } } } } }),
      "collector.tls.gateway.certificate.issuerRef.name: 'Bad_Issuer' is not a valid DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', at most 253 characters",
    );
    expectError(
      collector({ tls: { gateway: { secretName: 'gw-tls', clientAuth: true } } }),
      'collector.tls.gateway.clientCaSecret: is required when clientAuth is on: without the CA that signs client certificates every client would be refused; name the Secret key holding that CA, or set clientAuth: false',
    );
    expectError(
      collector({
        tls: { gateway: { secretName: 'gw-tls', clientCaSecret: { name: 'ca', key: 'ca.crt' } } },
      }),
      'collector.tls.agent: is required: the gateway asks for client certificates (clientCaSecret), and the agent presents its own receiver certificate; give the agent a Secret signed by that CA',
    );
    expectError(
      collector({ tls: { caSecret: { name: 'ca', key: 'ca.crt' } } }),
      "collector.tls.caSecret: is set but the gateway's receivers have no TLS; set collector.tls.gateway or remove caSecret",
    );
  });

  test('collector: Instrumentation sampler that contradicts the collector sampling', () => {
    expectError(
      collector({
        sampling: CollectorSampling.tail(),
        instrumentation: { sampler: { type: 'parentbased_traceidratio', ratio: 0.1 } },
      }),
      'collector.instrumentation.sampler: parentbased_traceidratio samples in the SDK, but the collector already samples (tail at the gateway: all errors, all slower than 2s, 10 % of the rest (decision after 10s)): traces would be sampled twice. Use parentbased_always_on, or CollectorSampling.keepAll() to sample only in the SDK',
    );
    expectError(
      collector({ instrumentation: { sampler: { type: 'always_on' as 'parentbased_always_on' } } }),
      "collector.instrumentation.sampler.type: 'always_on' is not parent-based; use parentbased_always_on (or parentbased_traceidratio without collector sampling) so that a trace's spans share one decision",
    );
    expectError(
      collector({ instrumentation: { sampler: { type: 'parentbased_traceidratio', ratio: 2 } } }),
      'collector.instrumentation.sampler.ratio: 2 is outside (0, 1]; parentbased_traceidratio keeps that share of root traces',
    );
    expectError(
      collector({ agent: false, instrumentation: {} }),
      'collector.instrumentation: needs the agent (the SDKs export to the node-local agent Service), which is disabled; enable the agent or remove instrumentation',
    );
    expectError(
      collector({ tls: { agent: { secretName: 'agent-tls' } }, instrumentation: {} }),
      "collector.instrumentation: needs a plaintext agent receiver: the SDKs would have to trust the agent's CA in every application namespace. Leave collector.tls.agent unset (applications reach the agent on their own node)",
    );
  });

  test('collector: an image the config model does not support', () => {
    expectError(
      collector({
        gateway: { image: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.145.0' } },
      }),
      "collector.gateway.image.tag: '0.145.0' is not supported: the collector configs are written and tested for 0.161.0 (lib/versions.ts); use tag '0.161.0' (a mirror repository is fine)",
    );
  });

  test('collector: batch size 0', () => {
    expectError(
      collector({ gateway: { batch: { sendBatchSize: 0 } } }),
      'collector.gateway.batch.sendBatchSize: 0 is not valid; a batch needs at least 1 span (0 would send every span alone)',
    );
    expectError(
      collector({ agent: { batch: { sendBatchSize: 100, sendBatchMaxSize: 50 } } }),
      'collector.agent.batch.sendBatchMaxSize: 50 is below sendBatchSize (100); raise sendBatchMaxSize or lower sendBatchSize',
    );
  });

  test('collector: memory limit smaller than the limiter spike, or above the container', () => {
    expectError(
      collector({ gateway: { memoryLimiter: { limitMiB: 100, spikeLimitMiB: 200 } } }),
      'collector.gateway.memoryLimiter.limitMiB: 100 MiB is not above the spike limit (200 MiB); the limiter would refuse all data. Raise the memory limit or lower spikeLimitMiB',
    );
    expectError(
      collector({ agent: { memoryLimiter: { limitMiB: 1024 } } }),
      'collector.agent.memoryLimiter.limitMiB: 1024 MiB is above the container memory limit (512 MiB); the kernel would OOM-kill the collector before the limiter acts',
    );
  });

  test('collector: scrubbing rule with an invalid regex', () => {
    expectError(
      () => scrubbingProcessors({ redactions: [{ name: 'x', attributes: ['url.full'], pattern: '([a-z' }] }),
      "collector.scrubbing.redactions[0].pattern: '([a-z' is not a valid regular expression (Invalid regular expression: /([a-z/: Unterminated character class); fix the pattern (RE2 syntax)",
    );
    expectError(
      () => scrubbingProcessors({ redactions: [{ name: 'x', attributes: ['url.full'], pattern: 'a(?=b)' }] }),
      "collector.scrubbing.redactions[0].pattern: 'a(?=b)' uses lookaround or backreferences, which the collector's RE2 engine does not support; rewrite the pattern without them",
    );
    expectError(
      () => scrubbingProcessors({ redactions: [{ name: 'x', attributes: [], pattern: 'a' }] }),
      'collector.scrubbing.redactions[0].attributes: is empty; name the attributes whose values the pattern is applied to',
    );
    expectError(
      () => scrubbingProcessors({ deleteAttributes: ['bad name'] }),
      "collector.scrubbing.deleteAttributes[0]: 'bad name' is not an attribute name; use letters, digits and . _ - /",
    );
  });

  test('collector: tenant and TLS towards Tempo', () => {
    expectError(
      collector({}, { multitenancy: true }),
      'collector.gateway.tenant: is required: Tempo has multi-tenancy on and refuses writes without an X-Scope-OrgID header; set the tenant these spans belong to',
    );
    expectError(
      collector({ tenant: 'a' }),
      'collector.gateway.tenant: is set but Tempo has multi-tenancy off, so Tempo would ignore it; enable tempo.multitenancy or remove the tenant',
    );
    expectError(
      collector({ tenant: 'a b' }, { multitenancy: true }),
      "collector.gateway.tenant: 'a b' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
    );
    expectError(
      collector({ tempoTls: { serverName: 'tempo' } }),
      "collector.gateway.tempoTls: is set but Tempo's receivers have no TLS; enable tempo.receiverTls or remove tempoTls",
    );
  });

  test('collector: hostPort in the restricted namespace, bad autoscaling, bad name', () => {
    expectError(
      collector({ agent: { hostPort: { namespace: 'ns' } } }),
      "collector.agent.hostPort.namespace: 'ns' is the stack's own namespace, which enforces \"restricted\"; hostPort needs a separate namespace with enforce: privileged",
    );
    expectError(
      collector({ gateway: { autoscaling: { minReplicas: 4, maxReplicas: 2 } } }),
      'collector.gateway.autoscaling.maxReplicas: 2 is below minReplicas (4); give maxReplicas >= minReplicas',
    );
    expectError(
      collector({ gateway: { name: 'otel_gateway' } }),
      "collector.gateway.name: 'otel_gateway' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')",
    );
    expectError(
      collector({ gateway: { receivers: { otlpGrpc: false } } }),
      "collector.gateway.otlpGrpcEndpoint: receiver 'otlpGrpc' is disabled; enable it in the props to use this endpoint",
    );
  });
});
