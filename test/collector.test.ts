import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { planCapacity } from '../constructs/tempo/capacity';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { DEFAULT_SCRUBBING, scrubbingProcessors } from '../constructs/otel-collector/scrubbing';
import { synthCollector } from './helpers/collector';
import { validateAll } from './helpers/k8s-schema';
import { AUTO_INSTRUMENTATION_IMAGES, imageRef } from '../lib/versions';
import { hasOtelcol, validateConfigs } from './helpers/otelcol';
import { Chart, Size, Testing } from 'cdk8s';
import { CollectorChart, CollectorStackProps } from '../charts/collector-chart';
import { TempoChart } from '../charts/tempo-chart';
import { OtelCollectorAgent } from '../constructs/otel-collector/otel-collector-agent';
import { OtelCollectorGateway } from '../constructs/otel-collector/otel-collector-gateway';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';
import { expectError } from './helpers/errors';
import { parse, stringify } from 'yaml';
import { planDist } from '../lib/plan';
import { buildEnvironment } from '../charts/environment';
import { stackSpanMetrics } from '../constructs/otel-collector/span-metric-catalog';
import { resolveMonitoringConfig } from '../constructs/monitoring/monitoring-config';
import { alertGroups } from '../constructs/monitoring/alerts';

/** Every config the tests below build; the last test runs `otelcol validate` on all of them. */
const built: { name: string; config: object }[] = [];
function validateLater(config: object): void {
  built.push({ name: expect.getState().currentTestName ?? 'config', config });
}

const synth = synthCollector;

const tail = () => CollectorSampling.tail({ percentage: 10 });

describe('collector pipelines', () => {
  test('gateway: memory_limiter first, k8s_attributes before tail_sampling, scrubbing; the exporter batches', () => {
    const { config } = synth({ sampling: tail() });
    const gw = config('otel-gateway');
    expect(gw.service.pipelines.traces).toEqual({
      receivers: ['otlp'],
      processors: [
        'memory_limiter',
        'k8s_attributes',
        'tail_sampling',
        'attributes/scrub',
        'transform/scrub',
      ],
      exporters: ['otlp_grpc/tempo'],
    });
    // No batch processor anywhere: batching is the exporters' (core batching-migration RFC).
    expect(gw.processors.batch).toBeUndefined();
    expect(gw.exporters['otlp_grpc/tempo']).toEqual({
      endpoint: 'tempo.tracing.svc.cluster.local:4317',
      tls: { insecure: true },
      sending_queue: {
        enabled: true,
        num_consumers: 10,
        sizer: 'items',
        queue_size: 50_000,
        batch: { flush_timeout: '200ms', min_size: 8192, max_size: 10_000, sizer: 'items' },
      },
      retry_on_failure: {
        enabled: true,
        initial_interval: '5s',
        max_interval: '30s',
        max_elapsed_time: '5m',
      },
    });
    // Memory bounds of the tail sampler (tailsamplingprocessor config.go at contrib v0.161.0).
    expect(gw.processors.tail_sampling).toMatchObject({
      num_traces: 50_000,
      maximum_trace_size_bytes: 10_000_000,
      decision_cache: { sampled_cache_size: 500_000, non_sampled_cache_size: 500_000 },
      num_shards: 1,
      drop_pending_traces_on_shutdown: false,
    });
    expect(gw.processors.tail_sampling.policies.map((p: any) => p.type)).toEqual([
      'status_code',
      'latency',
      'probabilistic',
    ]);
    expect(gw.processors.tail_sampling.policies[2].probabilistic.sampling_percentage).toBe(10);
    expect(gw.processors.k8s_attributes.filter).toBeUndefined();
    validateLater(gw);
  });

  test('agent with tail sampling: passthrough tagging, load_balancing by traceID to the headless gateway Service', () => {
    const { config } = synth({ sampling: tail() });
    const agent = config('otel-agent');
    expect(agent.service.pipelines.traces.processors).toEqual(['memory_limiter', 'k8s_attributes']);
    expect(agent.processors.k8s_attributes).toEqual({ passthrough: true });
    // The tail-sampling gateway is a StatefulSet: the ring is keyed by its pods' stable names.
    expect(agent.exporters.load_balancing).toMatchObject({
      routing_key: 'traceID',
      resolver: {
        k8s: { service: 'otel-gateway-headless.tracing', ports: [4317], return_hostnames: true },
      },
    });
    // Retries, queue and batching live at the balancer, so a retry is re-routed through the
    // current ring; the per-gateway sub-exporters fail fast instead of holding data for a dead endpoint.
    expect(agent.exporters.load_balancing).toMatchObject({
      sending_queue: {
        enabled: true,
        sizer: 'items',
        queue_size: 50_000,
        batch: { flush_timeout: '200ms', min_size: 8192 },
      },
      retry_on_failure: { enabled: true },
      timeout: '10s',
    });
    expect(agent.exporters.load_balancing.protocol.otlp).toMatchObject({
      sending_queue: { enabled: false },
      retry_on_failure: { enabled: false },
    });
    validateLater(agent);
  });

  test('agent with head sampling: probabilistic_sampler, forwards to the gateway Service', () => {
    const { config } = synth({ sampling: CollectorSampling.head({ percentage: 25 }) });
    const agent = config('otel-agent');
    expect(agent.service.pipelines.traces.processors).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'probabilistic_sampler',
    ]);
    expect(agent.processors.probabilistic_sampler).toEqual({ sampling_percentage: 25 });
    // Every ready gateway by DNS with round_robin: a ClusterIP would pin each agent to one replica.
    expect(agent.exporters['otlp_grpc/gateway']).toMatchObject({
      endpoint: 'dns:///otel-gateway-headless.tracing.svc.cluster.local:4317',
      balancer_name: 'round_robin',
    });
    expect(config('otel-gateway').processors.tail_sampling).toBeUndefined();
    validateLater(agent);
  });

  test('agent without gateway: node-filtered k8s_attributes, scrubbing, straight to Tempo', () => {
    const { config, find } = synth({ gateway: false, sampling: CollectorSampling.head({ percentage: 50 }) });
    const agent = config('otel-agent');
    expect(agent.processors.k8s_attributes.filter).toEqual({ node_from_env_var: 'K8S_NODE_NAME' });
    expect(agent.service.pipelines.traces.processors).toEqual([
      'memory_limiter',
      'k8s_attributes',
      'probabilistic_sampler',
      'attributes/scrub',
      'transform/scrub',
    ]);
    expect(agent.exporters['otlp_grpc/tempo'].endpoint).toBe('tempo.tracing.svc.cluster.local:4317');
    expect(find('Deployment')).toBeUndefined();
    const env = find('DaemonSet').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'K8S_NODE_NAME',
      valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
    });
    validateLater(agent);
  });

  test('receivers, health_check and telemetry bind to the pod IP; suffix settings are explicit', () => {
    const { config } = synth();
    const gw = config('otel-gateway');
    // The gateway's gRPC connections are rotated (agents re-resolve and reach new replicas); the
    // agents' are not (apps on the node reach exactly one agent).
    expect(gw.receivers.otlp.protocols).toEqual({
      grpc: {
        endpoint: '${env:POD_IP}:4317',
        keepalive: { server_parameters: { max_connection_age: '2m', max_connection_age_grace: '30s' } },
      },
      http: { endpoint: '${env:POD_IP}:4318' },
    });
    expect(config('otel-agent').receivers.otlp.protocols.grpc).toEqual({ endpoint: '${env:POD_IP}:4317' });
    expect(gw.extensions.health_check).toEqual({ endpoint: '${env:POD_IP}:13133' });
    expect(gw.service.telemetry.metrics.readers[0].pull.exporter.prometheus).toEqual({
      host: '${env:POD_IP}',
      port: 8888,
      without_type_suffix: false,
      without_units: false,
      without_scope_info: true,
    });
  });

  test('Jaeger and Zipkin receivers can be enabled on the gateway', () => {
    const { config, find } = synth({ gateway: { receivers: { jaegerGrpc: true, zipkin: { port: 9412 } } } });
    const gw = config('otel-gateway');
    expect(gw.service.pipelines.traces.receivers).toEqual(['otlp', 'jaeger', 'zipkin']);
    expect(gw.receivers.zipkin).toEqual({ endpoint: '${env:POD_IP}:9412' });
    expect(find('Service', 'otel-gateway').spec.ports.map((p: any) => p.name)).toEqual([
      'metrics',
      'otlp-grpc',
      'otlp-http',
      'jaeger-grpc',
      'zipkin',
    ]);
    validateLater(gw);
  });

  test('multi-tenant Tempo: the exporter sends X-Scope-OrgID', () => {
    const gw = synth({ tenant: 'team-a' }, { multitenancy: true }).config('otel-gateway');
    expect(gw.exporters['otlp_grpc/tempo'].headers).toEqual({ 'X-Scope-OrgID': 'team-a' });
  });

  test('Tempo receiver TLS: the exporter verifies with the CA from a Secret', () => {
    const { config, find } = synth(
      { tempoTls: { caSecret: { name: 'tempo-ca', key: 'ca.crt' }, serverName: 'tempo' } },
      { receiverTls: { secretName: 'tempo-tls' } },
    );
    expect(config('otel-gateway').exporters['otlp_grpc/tempo'].tls).toEqual({
      insecure: false,
      ca_file: '/var/run/secrets/tempo-ca/ca.crt',
      server_name_override: 'tempo',
    });
    expect(find('Deployment').spec.template.spec.containers[0].volumeMounts).toContainEqual({
      name: 'tempo-ca',
      mountPath: '/var/run/secrets/tempo-ca',
      readOnly: true,
    });
  });

  test('Tempo TLS without an explicit server name verifies the Tempo Service name', () => {
    const { config } = synth({}, { receiverTls: { secretName: 'tempo-tls' } });
    const tls = config('otel-gateway').exporters['otlp_grpc/tempo'].tls;
    expect(tls.server_name_override).toBe('tempo.tracing.svc.cluster.local');
    validateLater(config('otel-gateway'));
  });

  test('collector TLS: mTLS gateway receivers, TLS agent receivers, agents verify the gateway Service name', () => {
    const ca = { name: 'tracing-ca', key: 'ca.crt' };
    const { config, find, manifests } = synth({
      sampling: tail(),
      tls: {
        gateway: { secretName: 'gw-tls', clientCaSecret: ca },
        agent: { secretName: 'agent-tls' },
        caSecret: ca,
      },
    });
    const gw = config('otel-gateway');
    const server = {
      cert_file: '/var/run/secrets/otel-tls/tls.crt',
      key_file: '/var/run/secrets/otel-tls/tls.key',
      min_version: '1.2',
      reload_interval: '5m',
    };
    expect(gw.receivers.otlp.protocols.grpc.tls).toEqual({
      ...server,
      client_ca_file: '/var/run/secrets/otel-client-ca/ca.crt',
      client_ca_file_reload: true,
    });
    expect(gw.receivers.otlp.protocols.http.tls).toEqual(gw.receivers.otlp.protocols.grpc.tls);
    const agent = config('otel-agent');
    expect(agent.receivers.otlp.protocols.grpc.tls).toEqual(server);
    expect(agent.exporters.load_balancing.protocol.otlp.tls).toEqual({
      insecure: false,
      ca_file: '/var/run/secrets/gateway-ca/ca.crt',
      server_name_override: 'otel-gateway.tracing.svc.cluster.local',
      min_version: '1.2',
      cert_file: '/var/run/secrets/otel-tls/tls.crt',
      key_file: '/var/run/secrets/otel-tls/tls.key',
      reload_interval: '5m',
    });
    const volumes = (kind: string) =>
      find(kind).spec.template.spec.volumes.map((v: any) => [v.name, v.secret?.secretName]);
    expect(volumes('StatefulSet')).toEqual([
      ['config', undefined],
      ['otel-tls', 'gw-tls'],
      ['otel-client-ca', 'tracing-ca'],
    ]);
    expect(volumes('DaemonSet')).toEqual([
      ['config', undefined],
      ['otel-tls', 'agent-tls'],
      ['gateway-ca', 'tracing-ca'],
    ]);
    expect(validateAll(manifests)).toEqual([]);
    validateLater(gw);
    validateLater(agent);
  });

  test('collector TLS from a cert-manager Certificate: the Secret it writes is the one mounted', () => {
    const { find, manifests } = synth({
      tls: {
        gateway: { certificate: { issuerRef: { name: 'tracing-ca' } } },
        caSecret: { name: 'tracing-ca', key: 'ca.crt' },
      },
    });
    expect(find('Certificate').spec).toEqual({
      secretName: 'otel-gateway-tls',
      dnsNames: [
        'otel-gateway',
        'otel-gateway.tracing',
        'otel-gateway.tracing.svc',
        'otel-gateway.tracing.svc.cluster.local',
      ],
      duration: '2160h',
      renewBefore: '720h',
      issuerRef: { name: 'tracing-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
    });
    const volumes = find('Deployment').spec.template.spec.volumes;
    expect(volumes.find((v: any) => v.name === 'otel-tls').secret.secretName).toBe('otel-gateway-tls');
    // The agents verify the name the Certificate carries.
    expect(find('ConfigMap', 'otel-agent-config').data['collector.yaml']).toContain(
      'server_name_override: otel-gateway.tracing.svc.cluster.local',
    );
    expect(validateAll(manifests)).toEqual([]);
  });

  test('distributed Tempo: the gateway balances over the distributors and verifies TLS against the Service name', () => {
    const distributed = {
      version: '2.10' as const,
      distributed: {},
      storage: TempoStorage.s3({ bucket: 'b', endpoint: 'e' }),
    };
    const plain = synth({}, distributed).config('otel-gateway').exporters['otlp_grpc/tempo'];
    expect(plain).toMatchObject({
      endpoint: 'dns:///tempo-distributor-headless.tracing.svc.cluster.local:4317',
      balancer_name: 'round_robin',
      tls: { insecure: true },
    });
    const tls = synth({}, { ...distributed, receiverTls: { secretName: 'tempo-tls' } }).config('otel-gateway')
      .exporters['otlp_grpc/tempo'];
    expect(tls.tls).toEqual({ insecure: false, server_name_override: 'tempo.tracing.svc.cluster.local' });
    const named = synth(
      { tempoTls: { serverName: 'tempo.example.com' } },
      { ...distributed, receiverTls: { secretName: 'tempo-tls' } },
    ).config('otel-gateway').exporters['otlp_grpc/tempo'];
    expect(named.tls.server_name_override).toBe('tempo.example.com');
    validateLater(synth({}, distributed).config('otel-gateway'));
  });

  test("a $ in a scrubbing pattern is escaped for the collector's ${} expansion", () => {
    const rules = { redactions: [{ name: 'token', attributes: ['url.query'], pattern: 'token=[^&]*$' }] };
    const text = synth({ scrubbing: rules }).find('ConfigMap', 'otel-gateway-config').data['collector.yaml'];
    expect(text).toContain('"token=[^&]*$$"');
    expect(text).toContain('${env:POD_IP}');
  });
});

describe('auto-instrumentation', () => {
  test('Instrumentation: OTLP/HTTP to the node-local agent, parent-based always-on under tail sampling, pinned images', () => {
    const { find, manifests } = synth({
      sampling: tail(),
      instrumentation: { resourceAttributes: { team: 'shop' } },
    });
    const i = find('Instrumentation');
    expect(i.metadata).toMatchObject({ name: 'tracesynth', namespace: 'tracing' });
    expect(i.spec.exporter).toEqual({ endpoint: 'http://otel-agent.tracing.svc.cluster.local:4318' });
    expect(i.spec.sampler).toEqual({ type: 'parentbased_always_on' });
    expect(i.spec.propagators).toEqual(['tracecontext', 'baggage']);
    expect(i.spec.resource.resourceAttributes).toEqual({
      'deployment.environment.name': 'tracing',
      team: 'shop',
    });
    expect(i.spec.java.image).toBe(imageRef(AUTO_INSTRUMENTATION_IMAGES.java));
    // The endpoint is the agent's Service and its OTLP/HTTP port.
    const svc = find('Service', 'otel-agent');
    expect(svc.spec.internalTrafficPolicy).toBe('Local');
    expect(svc.spec.ports.map((p: any) => p.port)).toContain(4318);
    expect(validateAll(manifests)).toEqual([]);
  });

  test('without collector sampling the SDK may sample by ratio', () => {
    const { find } = synth({
      instrumentation: { sampler: { type: 'parentbased_traceidratio', ratio: 0.25 } },
    });
    expect(find('Instrumentation').spec.sampler).toEqual({
      type: 'parentbased_traceidratio',
      argument: '0.25',
    });
  });
});

describe('memory limits', () => {
  test('memory_limiter and GOMEMLIMIT derive from the container memory limit', () => {
    const { config, find } = synth({ gateway: { resources: { limits: { memory: '2Gi' } } } });
    expect(config('otel-gateway').processors.memory_limiter).toEqual({
      check_interval: '1s',
      limit_mib: 1740,
      spike_limit_mib: 409,
    });
    expect(find('Deployment').spec.template.spec.containers[0].env).toContainEqual({
      name: 'GOMEMLIMIT',
      value: '1638MiB',
    });
  });
});

describe('scrubbing', () => {
  test('defaults delete auth/cookie headers, hash db statements, redact e-mails and cards', () => {
    const { attributes, transform } = scrubbingProcessors(undefined);
    expect(attributes).toEqual({
      actions: [
        { key: 'http.request.header.authorization', action: 'delete' },
        { key: 'http.request.header.cookie', action: 'delete' },
        { key: 'db.statement', action: 'hash' },
        { key: 'db.query.text', action: 'hash' },
      ],
    });
    const statements = (transform as any).trace_statements[0].statements as string[];
    expect(statements).toContain(
      'replace_pattern(attributes["user.email"], "[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+[.][A-Za-z]{2,}", "[REDACTED_EMAIL]")',
    );
    expect(statements.filter((s) => s.includes('REDACTED_CARD'))).toHaveLength(5);
  });

  test('the default patterns match what they should and leave the rest', () => {
    const [email, card] = DEFAULT_SCRUBBING.redactions.map((r) => new RegExp(r.pattern, 'g'));
    expect('/users/jane.doe@example.com/orders'.replace(email, 'X')).toBe('/users/X/orders');
    expect('/pay?card=4111 1111 1111 1111&x=1'.replace(card, 'X')).toBe('/pay?card=X&x=1');
    expect('/pay?card=378282246310005'.replace(card, 'X')).toBe('/pay?card=X');
    expect('/orders/12345?page=2'.replace(card, 'X').replace(email, 'X')).toBe('/orders/12345?page=2');
  });

  test('scrubbing can be turned off', () => {
    expect(scrubbingProcessors({ enabled: false })).toEqual({});
    expect(
      synth({ scrubbing: { enabled: false } }).config('otel-gateway').processors['transform/scrub'],
    ).toBeUndefined();
  });
});

describe('RBAC: exactly what each tier needs', () => {
  test('gateway: pods, namespaces, replicasets get/list/watch, cluster-wide; nothing else', () => {
    const { find } = synth();
    expect(find('ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['apps'], resources: ['replicasets'], verbs: ['get', 'list', 'watch'] },
    ]);
    expect(find('ClusterRoleBinding')).toMatchObject({
      metadata: { name: 'tracing-otel-gateway' },
      roleRef: { kind: 'ClusterRole', name: 'tracing-otel-gateway' },
      subjects: [{ kind: 'ServiceAccount', name: 'otel-gateway', namespace: 'tracing' }],
    });
    expect(find('Deployment').spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  test('agent behind a tail-sampling gateway: only a namespaced Role to list and watch endpointslices', () => {
    const { manifests, find } = synth({ sampling: tail() });
    expect(manifests.filter((m) => m.kind === 'ClusterRole').map((m) => m.metadata.name)).toEqual([
      'tracing-otel-gateway',
    ]);
    expect(find('Role')).toMatchObject({
      metadata: { name: 'otel-agent-resolver', namespace: 'tracing' },
      // resolver_k8s.go at contrib v0.161.0: one EndpointSlice informer (list + watch), nothing else.
      rules: [{ apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] }],
    });
    expect(find('RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'otel-agent', namespace: 'tracing' },
    ]);
  });

  test('agent in passthrough mode without the resolver: no RBAC, no API token', () => {
    const { manifests, find } = synth({ sampling: CollectorSampling.head({ percentage: 10 }) });
    expect(manifests.filter((m) => ['Role', 'RoleBinding'].includes(m.kind))).toEqual([]);
    expect(find('DaemonSet').spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('agent alone: its own ClusterRole for k8s_attributes', () => {
    const { manifests } = synth({ gateway: false });
    expect(manifests.filter((m) => m.kind === 'ClusterRole').map((m) => m.metadata.name)).toEqual([
      'tracing-otel-agent',
    ]);
  });
});

describe('workloads', () => {
  test('probes hit the health_check port; the port is the one the extension listens on', () => {
    const { find, config } = synth();
    for (const kind of ['Deployment', 'DaemonSet']) {
      const c = find(kind).spec.template.spec.containers[0];
      expect(c.readinessProbe.httpGet).toEqual({ path: '/', port: 'health' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/', port: 'health' });
      expect(c.ports.find((p: any) => p.name === 'health').containerPort).toBe(13133);
    }
    expect(config('otel-agent').extensions.health_check.endpoint).toMatch(/:13133$/);
  });

  test('agent reached through a node-local Service, without hostPort by default', () => {
    const { find } = synth();
    expect(find('Service', 'otel-agent').spec.internalTrafficPolicy).toBe('Local');
    expect(find('DaemonSet').spec.template.spec.containers[0].ports.some((p: any) => p.hostPort)).toBe(false);
  });

  test('opt-in hostPort: the agent moves to its own privileged namespace', () => {
    const { manifests, find } = synth({ agent: { hostPort: { namespace: 'tracing-agent' } } });
    const ns = find('Namespace');
    expect(ns.metadata.name).toBe('tracing-agent');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
    const ds = find('DaemonSet');
    expect(ds.metadata.namespace).toBe('tracing-agent');
    expect(
      ds.spec.template.spec.containers[0].ports.filter((p: any) => p.hostPort).map((p: any) => p.hostPort),
    ).toEqual([4317, 4318]);
    expect(
      manifests
        .filter((m) => m.metadata.name.startsWith('otel-agent'))
        .every((m) => m.metadata.namespace === 'tracing-agent'),
    ).toBe(true);
  });

  test('gateway: PDB, spread over nodes and zones, HPA replaces fixed replicas', () => {
    const fixed = synth();
    expect(fixed.find('Deployment').spec.replicas).toBe(2);
    expect(fixed.find('PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(
      fixed.find('Deployment').spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey),
    ).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    const scaled = synth({ gateway: { autoscaling: { minReplicas: 3, maxReplicas: 8 } } });
    expect(scaled.find('Deployment').spec.replicas).toBeUndefined();
    expect(scaled.find('HorizontalPodAutoscaler')).toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: { minReplicas: 3, maxReplicas: 8, scaleTargetRef: { kind: 'Deployment', name: 'otel-gateway' } },
    });
    expect(synth({ gateway: { replicas: 1 } }).find('PodDisruptionBudget')).toBeUndefined();
  });

  test('headless Service for the resolver selects the gateway pods, the StatefulSet names them', () => {
    const { find } = synth({ sampling: tail() });
    const headless = find('Service', 'otel-gateway-headless');
    expect(headless.spec.clusterIP).toBe('None');
    // Only ready gateways: the resolver must not route to one that is starting.
    expect(headless.spec.publishNotReadyAddresses).toBeUndefined();
    const sts = find('StatefulSet', 'otel-gateway');
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(sts.spec).toMatchObject({
      serviceName: 'otel-gateway-headless',
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
    });
    // A tail-sampling gateway without a durable queue has no volume.
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    expect(find('Deployment')).toBeUndefined();
  });

  test('every object is valid for Kubernetes 1.28 and 1.33', () => {
    expect(
      validateAll(
        synth({
          sampling: tail(),
          gateway: { autoscaling: { minReplicas: 2, maxReplicas: 4 } },
          agent: { hostPort: { namespace: 'x-agent' } },
        }).manifests,
      ),
    ).toEqual([]);
  });
});

describe('durable queue and rollouts (issue 24)', () => {
  const durable = (extra: CollectorStackProps = {}) =>
    synth({ sampling: tail(), ...extra, gateway: { persistentQueue: true, ...(extra.gateway || {}) } });

  test('persistentQueue: a StatefulSet with a PVC per replica, the Tempo exporter queued in file_storage on it', () => {
    const { find, config, manifests } = durable({
      gateway: { autoscaling: { minReplicas: 2, maxReplicas: 4 } },
    });
    const sts = find('StatefulSet', 'otel-gateway');
    expect(sts.spec.replicas).toBeUndefined();
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        metadata: { name: 'queue', labels: sts.spec.selector.matchLabels },
        // 1,000,000 spans × 2,000 B on disk: 2 GB.
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } },
      },
    ]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenScaled: 'Retain',
      whenDeleted: 'Retain',
    });
    const pod = sts.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ fsGroup: 10001, runAsUser: 10001 });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'queue',
      mountPath: '/var/lib/otelcol/queue',
    });
    expect(find('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      name: 'otel-gateway',
    });
    const gw = config('otel-gateway');
    expect(gw.extensions['file_storage/queue']).toEqual({
      directory: '/var/lib/otelcol/queue',
      create_directory: true,
      timeout: '1s',
      fsync: false,
      // 80 % of 2 GiB, in whole MiB.
      max_size: 1638 * 2 ** 20,
      recreate: true,
      compaction: { on_rebound: true, directory: '/var/lib/otelcol/queue', cleanup_on_start: true },
    });
    expect(gw.service.extensions).toEqual(['health_check', 'file_storage/queue']);
    expect(gw.exporters['otlp_grpc/tempo'].sending_queue).toMatchObject({
      storage: 'file_storage/queue',
      sizer: 'items',
      queue_size: 1_000_000,
    });
    // Retried until delivered: only a full queue refuses spans.
    expect(gw.exporters['otlp_grpc/tempo'].retry_on_failure.max_elapsed_time).toBe('0s');
    expect(config('otel-agent').exporters.load_balancing.resolver.k8s.return_hostnames).toBe(true);
    expect(validateAll(manifests)).toEqual([]);
    validateLater(gw);
  });

  test('every Tempo exporter of the gateway queues on the volume, which is sized for all of them', () => {
    const { find, config } = synth(
      {
        tenant: 'main',
        sampling: tail(),
        exportQueue: { queueSize: 200_000 },
        gateway: {
          persistentQueue: { storageClassName: 'gp3', fsync: true },
          sampledTenant: { tenant: 'long', percentage: 10 },
          namespaceTenants: [{ tenant: 'ci', namespaces: ['jenkins'] }],
        },
      },
      { multitenancy: true },
    );
    const gw = config('otel-gateway');
    for (const id of ['otlp_grpc/tempo', 'otlp_grpc/tempo-ci', 'otlp_grpc/tempo-sampled'])
      expect([id, gw.exporters[id].sending_queue.storage]).toEqual([id, 'file_storage/queue']);
    // 3 queues × 200,000 spans × 2,000 B = 1.2 GB: 2Gi; each file gets a third of 80 %.
    expect(find('StatefulSet').spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '2Gi' } },
    });
    expect(gw.extensions['file_storage/queue']).toMatchObject({ fsync: true, max_size: 546 * 2 ** 20 });
    validateLater(gw);
  });

  test('without tail sampling or a durable queue the gateway stays a Deployment, resolved by IP', () => {
    const { find, config } = synth();
    expect(find('StatefulSet')).toBeUndefined();
    expect(find('Deployment', 'otel-gateway').spec.strategy.rollingUpdate).toEqual({
      maxSurge: 1,
      maxUnavailable: 0,
    });
    expect(config('otel-gateway').extensions['file_storage/queue']).toBeUndefined();
    expect(config('otel-gateway').exporters['otlp_grpc/tempo'].sending_queue.storage).toBeUndefined();
  });

  test('agents surge on a rollout (a new agent is ready before the old stops), except with hostPort', () => {
    expect(synth().find('DaemonSet').spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    expect(
      synth({ agent: { hostPort: { namespace: 'x-agent' } } }).find('DaemonSet').spec.updateStrategy,
    ).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1 },
    });
  });

  test('the capacity plan sizes the queue, its volume and the tail sampler of each gateway replica', () => {
    const g = planCapacity({ spansPerSecond: 100_000, samplingPercent: 10 }).gateway;
    // 130,000 spans/s over 9 replicas, 10 % exported: 1,444 spans/s × 15 min = 1,300,000 spans;
    // × 1,000 B × 2 = 2.6 GB → 3Gi.
    expect(g).toMatchObject({
      replicas: 9,
      queueSpans: 1_300_000,
      queueVolumeGi: 3,
      maxTraceBytes: 10_000_000,
      decisionCacheSize: 290_000,
      shards: 2,
      requests: { cpu: '2', memory: '2Gi' },
    });
    expect(
      planCapacity({ spansPerSecond: 100_000, samplingPercent: 10, gatewayQueueMinutes: 60 }).gateway,
    ).toMatchObject({
      queueSpans: 5_200_000,
      queueVolumeGi: 10,
    });
    expectError(
      () => planCapacity({ spansPerSecond: 1000, gatewayQueueMinutes: 0 }, 'prod.capacity'),
      'prod.capacity.gatewayQueueMinutes: 0 is not a positive number; give a number greater than 0',
    );
  });

  test('the plan says that the Deployment becoming a StatefulSet is pruned by the sync', () => {
    const gateway = (kind: string) =>
      stringify({ apiVersion: 'apps/v1', kind, metadata: { name: 'otel-gateway' }, spec: {} });
    const tree = (kind: string) =>
      new Map([[`prod/collector/${kind.toLowerCase()}-otel-gateway.yaml`, gateway(kind)]]);
    const [plan] = planDist(tree('Deployment'), tree('StatefulSet'));
    expect(plan.lines.filter((l) => l.section === 'objects').map((l) => l.text)).toEqual([
      '+ StatefulSet/otel-gateway',
      '- Deployment/otel-gateway',
      'Deployment/otel-gateway → StatefulSet/otel-gateway: the sync creates the StatefulSet and prunes the Deployment (Argo CD and Flux prune by default); without pruning, delete the Deployment by hand, or both keep running',
    ]);
  });

  test('tail-sampling memory bounds from the props', () => {
    const gw = synth({
      sampling: CollectorSampling.tail({
        numTraces: 3000,
        maxTraceBytes: 5_000_000,
        decisionCacheSize: 7000,
        shards: 4,
      }),
    }).config('otel-gateway');
    expect(gw.processors.tail_sampling).toMatchObject({
      num_traces: 3000,
      maximum_trace_size_bytes: 5_000_000,
      decision_cache: { sampled_cache_size: 7000, non_sampled_cache_size: 7000 },
      num_shards: 4,
    });
    validateLater(gw);
  });

  test('self-telemetry at level detailed with the views that keep it at the normal series plus batch sizes', () => {
    const telemetry = synth().config('otel-agent').service.telemetry.metrics;
    expect(telemetry.level).toBe('detailed');
    const dropped = telemetry.views
      .filter((v: any) => v.stream.aggregation?.drop)
      .map((v: any) => v.selector.instrument_name ?? v.selector.meter_name);
    expect(dropped).toContain('go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc');
    expect(JSON.stringify(telemetry.views)).not.toContain('otelcol_exporter_queue_batch_send_size');
  });
});

(hasOtelcol ? test : test.skip)('otelcol validate accepts every config built above', async () => {
  expect(built.length).toBeGreaterThan(5);
  expect(await validateConfigs(built)).toEqual([]);
});

// Synth-time errors of this area: every message, exact text.
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
        tls: {
          gateway: { secretName: 'gw-tls', clientCaSecret: { name: 'ca', key: 'ca.crt' } },
          caSecret: { name: 'ca', key: 'ca.crt' },
        },
      }),
      'collector.tls.agent: is required: the gateway asks for client certificates (clientCaSecret), and the agent presents its own receiver certificate; give the agent a Secret signed by that CA',
    );
    expectError(
      collector({ tls: { gateway: { secretName: 'gw-tls' } } }),
      "collector.tls.caSecret: is required: the agents verify the gateway's certificate (Secret 'gw-tls') against this CA, and without it only a publicly trusted certificate would pass; name the Secret key holding the CA, e.g. { name: 'tracing-ca', key: 'ca.crt' }",
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
    expectError(
      collector({ exportQueue: { queueSize: 1000 } }),
      'collector.gateway.batch.sendBatchSize: 8192 spans do not fit in the sending queue (1000 spans); lower sendBatchSize or raise the queue size',
    );
    expectError(
      collector({ agent: { batch: { sendBatchSize: 60_000, sendBatchMaxSize: 60_000 } } }),
      'collector.agent.batch.sendBatchSize: 60000 spans do not fit in the sending queue (50000 spans); lower sendBatchSize or raise the queue size',
    );
  });

  test('collector: durable queue volume and tail-sampling shards', () => {
    expectError(
      collector({ gateway: { persistentQueue: { size: Size.mebibytes(200) } } }),
      'collector.gateway.persistentQueue.size: 200Mi is too small: the queue file gets 160 MiB (80 % of the volume), below the 256 MiB a queue file needs; give at least 1Gi',
    );
    expectError(
      collector(
        {
          tenant: 'main',
          gateway: {
            persistentQueue: { size: Size.gibibytes(1) },
            namespaceTenants: [
              { tenant: 'a', namespaces: ['a'] },
              { tenant: 'b', namespaces: ['b'] },
              { tenant: 'c', namespaces: ['c'] },
            ],
          },
        },
        { multitenancy: true },
      ),
      'collector.gateway.persistentQueue.size: 1Gi is too small: each of the 4 queue files gets 204 MiB (80 % of the volume), below the 256 MiB a queue file needs; give at least 2Gi',
    );
    expectError(
      collector({ gateway: { persistentQueue: { size: '4Gi' as never } } }),
      "collector.gateway.persistentQueue.size: '4Gi' is not a Size; create it with Size.gibibytes(4) (import { Size } from 'cdk8s')",
    );
    expectError(
      collector({ sampling: CollectorSampling.tail({ shards: 300 }) }),
      "collector.sampling.shards: 300 is above 256, the processor's limit; give one shard per core of the gateway (1 to 256)",
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
      "collector.scrubbing.deleteAttributes[0]: 'bad name' is not an attribute name; use letters, digits and . _ - / (e.g. 'http.route')",
    );
  });

  test('collector: tenant and TLS towards Tempo', () => {
    expectError(
      collector({}, { multitenancy: true }),
      'collector.tenant: is required: Tempo has multi-tenancy on and refuses writes without an X-Scope-OrgID header; set the tenant these spans belong to',
    );
    expectError(
      collector({ tenant: 'a' }),
      'collector.tenant: is set but Tempo has multi-tenancy off, so Tempo would ignore it; enable tempo.multitenancy or remove the tenant',
    );
    expectError(
      collector({ tenant: 'a b' }, { multitenancy: true }),
      "collector.tenant: 'a b' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
    );
    expectError(
      collector({ tempoTls: { serverName: 'tempo' } }),
      "collector.tempoTls: is set but Tempo's receivers have no TLS; enable tempo.receiverTls or remove tempoTls",
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

// Span metrics before tail sampling, exporter, policies.
describe('span metrics before tail sampling, exporter, policies', () => {
  /**
   * Span metrics before tail sampling (issue 15), the collector's prometheus exporter, tail-sampling
   * policy names and per-service rates, whole-value scrubbing: what they emit and every error.
   */
  const REMOTE = [{ url: 'http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/write' }];

  function stack(c: CollectorStackProps, tempo: TempoProps = {}) {
    const app = Testing.app();
    const t = new TempoChart(app, 'tempo', { namespace: 'ns', tempo });
    const chart = new CollectorChart(app, 'collector', { namespace: 'ns', tempo: t.tempo, collector: c });
    const config = (name: string) =>
      parse(Testing.synth(chart).find((m) => m.metadata.name === `${name}-config`).data['collector.yaml']);
    return { tempo: t.tempo, chart, config };
  }

  describe('span metrics at the gateway, before tail sampling', () => {
    test('on by default with tail sampling: a second traces pipeline into span_metrics, metrics to prometheus', () => {
      const { chart, config } = stack({ sampling: CollectorSampling.tail() });
      const gw = config('otel-gateway');
      expect(gw.service.pipelines['traces/spanmetrics']).toEqual({
        receivers: ['otlp'],
        processors: ['memory_limiter'],
        exporters: ['span_metrics'],
      });
      expect(gw.service.pipelines.metrics).toEqual({
        receivers: ['otlp', 'span_metrics'],
        processors: ['memory_limiter'],
        exporters: ['prometheus'],
      });
      // tail_sampling only in the main pipeline: the connector sees every span.
      expect(gw.service.pipelines.traces.processors).toContain('tail_sampling');
      expect(gw.connectors.span_metrics.histogram).toEqual({
        unit: 's',
        explicit: {
          buckets: ['5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '500ms', '1s', '2s500ms', '5s', '10s'],
        },
      });
      expect(gw.exporters.prometheus).toEqual({
        endpoint: '${env:POD_IP}:8889',
        enable_open_metrics: true,
        translation_strategy: 'UnderscoreEscapingWithSuffixes',
        without_scope_info: true,
      });
      expect(chart.gateway!.ports.find((p) => p.name === 'prometheus')?.port).toBe(8889);
      expect(chart.gateway!.spanMetrics).toMatchObject({
        producer: 'collector-span-metrics-connector',
        beforeSampling: true,
        calls: 'traces_span_metrics_calls_total',
        latencyBucket: 'traces_span_metrics_duration_seconds_bucket',
        labels: { service: 'service_name' },
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        seriesLabels: { namespace: 'ns', job: 'otel-gateway' },
      });
    });

    test('off by default without tail sampling, on when asked; false turns it off', () => {
      expect(stack({}).chart.gateway!.spanMetrics).toBeUndefined();
      expect(stack({}).config('otel-gateway').connectors).toBeUndefined();
      const on = stack({
        gateway: { spanMetrics: { buckets: ['100ms', '1s'], dimensions: ['http.route'] } },
      });
      expect(on.config('otel-gateway').connectors.span_metrics.dimensions).toEqual([{ name: 'http.route' }]);
      expect(on.chart.gateway!.spanMetrics!.buckets).toEqual([0.1, 1]);
      const off = stack({ sampling: CollectorSampling.tail(), gateway: { spanMetrics: false } });
      expect(off.chart.gateway!.spanMetrics).toBeUndefined();
      expect(off.config('otel-gateway').service.pipelines.metrics).toBeUndefined();
    });

    test("the stack's catalog: the gateway's, Tempo's generator's (of sampled traces behind tail sampling), or none", () => {
      const gw = stack({ sampling: CollectorSampling.tail() });
      expect(stackSpanMetrics({ tempo: gw.tempo, gateway: gw.chart.gateway })?.alertPrefix).toBe(
        'OtelCollectorSpanMetrics',
      );
      const tempoOnly = stack(
        { sampling: CollectorSampling.tail(), gateway: { spanMetrics: false } },
        { metricsGenerator: { processors: ['span-metrics'], remoteWrite: REMOTE } },
      );
      const c = stackSpanMetrics({ tempo: tempoOnly.tempo, gateway: tempoOnly.chart.gateway })!;
      expect(c).toMatchObject({ producer: 'tempo-metrics-generator', beforeSampling: false });
      // Where span metrics stay behind the sampler, the alerts say so.
      const config = resolveMonitoringConfig({ tempo: tempoOnly.tempo, gateway: tempoOnly.chart.gateway });
      const rules = alertGroups(config).find((g) => g.name === 'trace-sli-alerts')!.rules;
      for (const r of rules)
        expect((r as { description: string }).description).toContain('of sampled traces');
      expect(stackSpanMetrics({ tempo: stack({}).tempo })).toBeUndefined();
    });

    test('alerts, their unit tests and le values follow the catalog', () => {
      const gw = stack({ sampling: CollectorSampling.tail() });
      const config = resolveMonitoringConfig({ tempo: gw.tempo, gateway: gw.chart.gateway });
      const [latency] = alertGroups(config).find((g) => g.name === 'trace-sli-alerts')!.rules as any[];
      expect(latency.alert).toBe('OtelCollectorSpanMetricsServiceLatencyHigh');
      expect(latency.expr).toBe(
        'histogram_quantile(0.95, sum by (service_name, le) (rate(traces_span_metrics_duration_seconds_bucket{namespace="ns", job="otel-gateway", span_kind="SPAN_KIND_SERVER"}[5m]))) > 1',
      );
      expect(JSON.stringify(latency.tests.firing)).toContain('le=\\"2.5\\"');
    });

    test('errors: Tempo span metrics next to the gateway, a P95 threshold no bucket can exceed, bad buckets and ports', () => {
      const tempo: TempoProps = {
        metricsGenerator: { processors: ['service-graphs', 'span-metrics'], remoteWrite: REMOTE },
      };
      expectError(
        () =>
          buildEnvironment(Testing.app(), {
            name: 'x',
            tempo,
            collector: { sampling: CollectorSampling.tail() },
            monitoring: false,
            gitops: false,
          }),
        "tempo.metricsGenerator.processors: 'span-metrics' is on while the collector gateway computes span metrics before tail sampling; Tempo's would count only the sampled traces (biased towards errors and slow traces) and duplicate them. Remove 'span-metrics' (keep 'service-graphs'), or set collector.gateway.spanMetrics: false",
      );
      const gw = stack({
        sampling: CollectorSampling.tail(),
        gateway: { spanMetrics: { buckets: ['1s', '5s'] } },
      });
      expectError(
        () =>
          alertGroups(
            resolveMonitoringConfig({
              tempo: gw.tempo,
              gateway: gw.chart.gateway,
              thresholds: { serviceLatencyP95Seconds: 5 },
            }),
          ),
        'monitoring.thresholds.serviceLatencyP95Seconds: 5 is not below the largest span-metrics latency bucket but one (1s of 1, 5), so the P95 alert could never fire; lower the threshold or add larger buckets (collector.gateway.spanMetrics.buckets)',
      );
      expectError(
        () => stack({ gateway: { spanMetrics: { buckets: ['1s'] } } }),
        "collector.gateway.spanMetrics.buckets: [\"1s\"] needs at least two boundaries; give ascending durations such as ['100ms', '1s', '5s']",
      );
      expectError(
        () => stack({ gateway: { spanMetrics: { buckets: ['1s', '500ms'] } } }),
        "collector.gateway.spanMetrics.buckets[1]: '500ms' is not above the previous boundary (1s); give strictly ascending positive durations",
      );
      expectError(
        () => stack({ gateway: { spanMetrics: { buckets: ['1s', '2x'] } } }),
        "collector.gateway.spanMetrics.buckets[1]: '2x' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
      );
      expectError(
        () => stack({ gateway: { spanMetrics: { dimensions: ['http.route', 'http.route'] } } }),
        'collector.gateway.spanMetrics.dimensions: lists an attribute twice; give each attribute once',
      );
      expectError(
        () => stack({ gateway: { spanMetrics: { dimensions: [' '] } } }),
        "collector.gateway.spanMetrics.dimensions[0]: ' ' is not an attribute name; use letters, digits and . _ - / (e.g. 'http.route')",
      );
      expectError(
        () => stack({ gateway: { spanMetrics: 'yes' as never } }),
        "collector.gateway.spanMetrics: 'yes' is not valid; give true, false or { buckets: [...] }",
      );
      expectError(
        () => stack({ agent: { prometheus: { enableOpenMetrics: 'no' as never } } }),
        "collector.agent.prometheus.enableOpenMetrics: 'no' is not a boolean; give true or false",
      );
      expectError(
        () => stack({ agent: { prometheus: { port: 4317 } } }),
        "collector.agent.receivers: port 4317 is used by both 'prometheus' and 'otlp-grpc'; give each its own port",
      );
    });
  });

  describe("the agent serves applications' OTLP metrics to Prometheus", () => {
    test('metrics pipeline from otlp to prometheus, container port and PodMonitor endpoint', () => {
      const { config, chart } = stack({ agent: { prometheus: { port: 9464 } } });
      expect(config('otel-agent').service.pipelines.metrics).toEqual({
        receivers: ['otlp'],
        processors: ['memory_limiter'],
        exporters: ['prometheus'],
      });
      expect(chart.agent!.ports.find((p) => p.name === 'prometheus')?.port).toBe(9464);
    });
  });

  describe('tail-sampling policy names and per-service rates', () => {
    const tail = (props: Parameters<typeof CollectorSampling.tail>[0]) => CollectorSampling.tail(props);

    test('names and one OR-ed and-policy per service', () => {
      const s = tail({
        percentage: 10,
        policyNames: { errors: 'errors-policy', latency: 'slow', probabilistic: 'rest' },
        serviceRates: { checkout: 50 },
      });
      const policies = s.processorConfig().policies as any[];
      expect(policies.map((p) => p.name)).toEqual(['errors-policy', 'slow', 'rest', 'sample-checkout']);
      expect(policies[3]).toEqual({
        name: 'sample-checkout',
        type: 'and',
        and: {
          and_sub_policy: [
            {
              name: 'service',
              type: 'string_attribute',
              string_attribute: { key: 'service.name', values: ['checkout'] },
            },
            { name: 'rate', type: 'probabilistic', probabilistic: { sampling_percentage: 50 } },
          ],
        },
      });
      expect(s.describe()).toContain('10 % of the rest (checkout 50 %)');
    });

    test('errors', () => {
      expectError(
        () => tail({ percentage: 10, serviceRates: { checkout: 5 } }).check(),
        'collector.sampling.serviceRates.checkout: 5 is not above percentage (10); policies are OR-ed, so a service already keeps 10 % — give a higher rate or remove it',
      );
      expectError(
        () => tail({ serviceRates: { checkout: 101 } }).check(),
        'collector.sampling.serviceRates.checkout: 101 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
      );
      expectError(
        () => tail({ serviceRates: { '': 50 } }).check(),
        "collector.sampling.serviceRates: has an empty service name; key the rates by service.name, e.g. { 'checkout': 50 }",
      );
      expectError(
        () => tail({ policyNames: { errors: 'bad name' } }).check(),
        "collector.sampling.policyNames.errors: 'bad name' is not a policy name; use letters, digits, '-', '_' and '.' (at most 63), e.g. 'errors-policy'",
      );
      expectError(
        () => tail({ policyNames: { errors: 'same', latency: 'same' } }).check(),
        "collector.sampling.policyNames: 'same' names two policies; the tail-sampling processor needs unique names",
      );
    });

    (hasOtelcol ? test : test.skip)(
      'the real collector accepts the and-policies and whole-value updates',
      async () => {
        const { config } = stack({
          sampling: tail({ serviceRates: { checkout: 50, payments: 100 } }),
          scrubbing: { replaceAttributes: { 'user.email': 'REDACTED' } },
        });
        expect(await validateConfigs([{ name: 'rates', config: config('otel-gateway') }])).toEqual([]);
      },
    );
  });

  describe('a sampled copy for a second tenant (longer retention tier)', () => {
    const mt: TempoProps = { multitenancy: true };
    test('a traces/sampled pipeline without tail sampling, its own sampler and tenant header', () => {
      const { config } = stack(
        {
          tenant: 'team',
          sampling: CollectorSampling.tail(),
          gateway: { sampledTenant: { tenant: 'team-sampled', percentage: 5 } },
        },
        mt,
      );
      const gw = config('otel-gateway');
      expect(gw.service.pipelines['traces/sampled']).toEqual({
        receivers: ['otlp'],
        processors: [
          'memory_limiter',
          'k8s_attributes',
          'probabilistic_sampler/sampled',
          'attributes/scrub',
          'transform/scrub',
        ],
        exporters: ['otlp_grpc/tempo-sampled'],
      });
      expect(gw.processors['probabilistic_sampler/sampled']).toEqual({ sampling_percentage: 5 });
      expect(gw.exporters['otlp_grpc/tempo-sampled'].headers).toEqual({ 'X-Scope-OrgID': 'team-sampled' });
      expect(gw.exporters['otlp_grpc/tempo'].headers).toEqual({ 'X-Scope-OrgID': 'team' });
    });

    test('errors', () => {
      expectError(
        () => stack({ gateway: { sampledTenant: { tenant: 'x', percentage: 5 } } }),
        'collector.gateway.sampledTenant: needs Tempo multi-tenancy (the copy is told apart by its X-Scope-OrgID); enable tempo.multitenancy or remove sampledTenant',
      );
      expectError(
        () => stack({ tenant: 'team', gateway: { sampledTenant: { tenant: 'team', percentage: 5 } } }, mt),
        "collector.gateway.sampledTenant.tenant: 'team' is the main tenant; the sampled copy needs a tenant of its own (e.g. 'team-sampled')",
      );
      expectError(
        () => stack({ tenant: 'team', gateway: { sampledTenant: { tenant: 'b', percentage: 0 } } }, mt),
        'collector.gateway.sampledTenant.percentage: 0 is outside (0, 100]; a sampling percentage keeps that share of traces (100 keeps all)',
      );
    });
  });

  describe('tenants by namespace', () => {
    const mt: TempoProps = { multitenancy: true };
    const teams = [
      { tenant: 'backstage', namespaces: ['backstage'] },
      { tenant: 'ci', namespaces: ['jenkins', 'argocd'] },
    ];
    test('one filtered pipeline and exporter per tenant; the default tenant gets the other namespaces', () => {
      const { config } = stack(
        { tenant: 'platform', sampling: CollectorSampling.tail(), gateway: { namespaceTenants: teams } },
        mt,
      );
      const gw = config('otel-gateway');
      const ns = 'resource.attributes["k8s.namespace.name"]';
      expect(gw.processors['filter/other-tenants']).toEqual({
        error_mode: 'ignore',
        trace_conditions: [`${ns} == "backstage" or ${ns} == "jenkins" or ${ns} == "argocd"`],
      });
      expect(gw.processors['filter/ci']).toEqual({
        error_mode: 'ignore',
        trace_conditions: [`${ns} != "jenkins" and ${ns} != "argocd"`],
      });
      expect(gw.service.pipelines.traces.processors.slice(0, 3)).toEqual([
        'memory_limiter',
        'k8s_attributes',
        'filter/other-tenants',
      ]);
      expect(gw.service.pipelines['traces/ci']).toEqual({
        receivers: ['otlp'],
        processors: [
          'memory_limiter',
          'k8s_attributes',
          'filter/ci',
          'tail_sampling',
          'attributes/scrub',
          'transform/scrub',
        ],
        exporters: ['otlp_grpc/tempo-ci'],
      });
      expect(gw.exporters['otlp_grpc/tempo-ci'].headers).toEqual({ 'X-Scope-OrgID': 'ci' });
    });

    test('errors', () => {
      const tenants =
        (namespaceTenants: { tenant: string; namespaces: string[] }[], tempo = mt) =>
        () =>
          stack({ tenant: 'platform', gateway: { namespaceTenants } }, tempo);
      expectError(
        () => stack({ gateway: { namespaceTenants: teams } }),
        'collector.gateway.namespaceTenants: needs Tempo multi-tenancy (tenants are told apart by X-Scope-OrgID); enable tempo.multitenancy or remove namespaceTenants',
      );
      expectError(
        tenants([{ tenant: 'platform', namespaces: ['a'] }]),
        "collector.gateway.namespaceTenants[0].tenant: 'platform' is already used (collector.tenant, sampledTenant or another entry); give each namespace tenant its own ID",
      );
      expectError(
        tenants([{ tenant: 'a', namespaces: [] }]),
        'collector.gateway.namespaceTenants[0].namespaces: is empty; list the namespaces whose spans go to this tenant',
      );
      expectError(
        tenants([
          { tenant: 'a', namespaces: ['x'] },
          { tenant: 'b', namespaces: ['x'] },
        ]),
        "collector.gateway.namespaceTenants[1].namespaces[0]: 'x' already goes to tenant 'a'; a namespace belongs to one tenant",
      );
      expectError(
        tenants([{ tenant: 'a(b)', namespaces: ['x'] }]),
        "collector.gateway.namespaceTenants[0].tenant: 'a(b)' names a pipeline and an exporter here; use letters, digits, '-', '_' and '.'",
      );
    });
  });

  describe('whole-value scrubbing', () => {
    test('update actions after delete and hash; a non-string value is refused', () => {
      expect(
        scrubbingProcessors({ replaceAttributes: { 'user.email': 'REDACTED' } }).attributes!.actions,
      ).toContainEqual({
        key: 'user.email',
        action: 'update',
        value: 'REDACTED',
      });
      expectError(
        () => scrubbingProcessors({ replaceAttributes: { 'user.email': 1 as never } }),
        "collector.scrubbing.replaceAttributes.user.email: 1 is not a string; give the replacement text, e.g. 'REDACTED'",
      );
    });
  });
});
