/**
 * Zone-aware live-store rollouts (issue 24): the rollout-operator, its webhooks and budget, the
 * live-stores' labels and update strategy, the flows, and bad input.
 */
import { buildEnvironment } from '../charts/environment';
import { peerName } from '../constructs/common/flows';
import type { TempoProps } from '../constructs/tempo/tempo';
import { PROD, renderStack } from './fixtures/stacks';
import type { EnvironmentDefinition } from '../environments/types';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { kafka, synthTempo } from './helpers/tempo-chart';
import { networkPolicies, probes, renderedPods } from './helpers/flow-probes';
import { restrictedViolations, selectorViolations } from './helpers/invariants';
import { validateAll } from './helpers/k8s-schema';
import { mayReach } from './helpers/network-evaluator';
import { tempoConfigProblems } from './helpers/tempo-schema';

/** Tempo 3.0 microservices on a 4-partition Kafka, with `tempo` on top. */
const synth = (tempo: TempoProps = {}) => synthTempo({ microservices: { kafka: kafka(4) }, ...tempo });

describe('live-stores rolled one zone at a time by the rollout-operator', () => {
  const d = synth({ microservices: { kafka: kafka(4), liveStore: { replicas: 6 } } });
  const zones = ['a', 'b'].map((z) => d.find('StatefulSet', `tempo-live-store-zone-${z}`));

  test('both zones are one rollout group, OnDelete, with the pod label the operator selects by', () => {
    for (const [i, sts] of zones.entries()) {
      const name = `tempo-live-store-zone-${'ab'[i]}`;
      expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
      expect(sts.metadata.labels).toMatchObject({
        'rollout-group': 'tempo-live-store',
        'grafana.com/prepare-downscale': 'true',
      });
      expect(sts.metadata.annotations).toEqual({
        'rollout-max-unavailable': '3',
        'grafana.com/prepare-downscale-http-path': 'live-store/prepare-downscale',
        'grafana.com/prepare-downscale-http-port': '3200',
      });
      expect(sts.spec.template.metadata.labels).toMatchObject({ name, 'rollout-group': 'tempo-live-store' });
      // The selector (immutable) is unchanged: the rollout labels are not part of it.
      expect(Object.keys(sts.spec.selector.matchLabels).sort()).toEqual([
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name',
      ]);
      expect(sts.spec.replicas).toBe(3);
    }
    // Nothing else is rolled by the operator.
    for (const w of d.manifests.filter(
      (m) => m.kind === 'StatefulSet' && !m.metadata.name.includes('live-store'),
    ))
      expect(w.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
  });

  test('maxUnavailable is the whole zone by default, or what is given', () => {
    const one = synth({ microservices: { kafka: kafka(4), rollout: { maxUnavailable: 1 } } });
    expect(
      one.find('StatefulSet', 'tempo-live-store-zone-a').metadata.annotations['rollout-max-unavailable'],
    ).toBe('1');
  });

  test('one zone-aware, partition-aware budget instead of a PDB per zone', () => {
    const zpdb = d.find('ZoneAwarePodDisruptionBudget', 'tempo-live-store');
    expect(zpdb.apiVersion).toBe('rollout-operator.grafana.com/v1');
    expect(zpdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'rollout-group': 'tempo-live-store' } },
      podNamePartitionRegex: '^(?:tempo-live-store-zone-a|tempo-live-store-zone-b)-([0-9]+)$',
      podNameRegexGroup: 1,
    });
    const re = new RegExp(zpdb.spec.podNamePartitionRegex);
    // Pod k of either zone owns partition k; other pods are no partition.
    expect('tempo-live-store-zone-a-2'.match(re)![1]).toBe('2');
    expect('tempo-live-store-zone-b-2'.match(re)![1]).toBe('2');
    expect(re.test('tempo-block-builder-0')).toBe(false);
    expect(re.test('other-live-store-zone-a-0')).toBe(false);
    expect(
      d.manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((m) => m.metadata.name),
    ).not.toContain('tempo-live-store-zone-a');
    // The selector selects both zones' pods and StatefulSets, and nothing else.
    const selected = d.manifests.filter(
      (m) => m.kind === 'StatefulSet' && m.metadata.labels['rollout-group'] === 'tempo-live-store',
    );
    expect(selected.map((m) => m.metadata.name)).toEqual([
      'tempo-live-store-zone-a',
      'tempo-live-store-zone-b',
    ]);
  });

  test('the operator: pinned image, restricted, namespace-scoped, webhooks on cert-manager TLS', () => {
    const dep = d.find('Deployment', 'tempo-rollout-operator');
    const c = dep.spec.template.spec.containers[0];
    expect(c.image).toBe('grafana/rollout-operator:v0.38.1');
    expect(c.args).toEqual([
      '-kubernetes.namespace=tracing',
      '-log.level=info',
      '-server-tls.enabled=true',
      '-server-tls.self-signed-cert.enabled=false',
      '-webhooks.update-ca-bundle=false',
      '-server-tls.cert-file=/certs/tls.crt',
      '-server-tls.key-file=/certs/tls.key',
    ]);
    expect(dep.spec.replicas).toBe(1);
    expect(dep.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(dep.spec.template.spec.volumes[0].secret.secretName).toBe('tempo-rollout-operator-tls');
    expect(d.find('Service', 'tempo-rollout-operator').spec.ports).toEqual([
      { name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' },
    ]);
    // Not a Tempo pod: never selected by Tempo's policies or a Strimzi listener's peers.
    expect(dep.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('rollout-operator');
    expect(restrictedViolations(d.manifests)).toEqual([]);
    expect(selectorViolations(d.manifests)).toEqual([]);
  });

  test('RBAC: a namespaced Role, writes only to the two live-store StatefulSets; no Secret, no cluster role', () => {
    const role = d.find('Role', 'tempo-rollout-operator');
    expect(role.metadata.namespace).toBe('tracing');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete', 'patch'] },
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch'] },
      {
        apiGroups: ['apps'],
        resources: ['statefulsets'],
        resourceNames: ['tempo-live-store-zone-a', 'tempo-live-store-zone-b'],
        verbs: ['patch'],
      },
      {
        apiGroups: ['apps'],
        resources: ['statefulsets/status'],
        resourceNames: ['tempo-live-store-zone-a', 'tempo-live-store-zone-b'],
        verbs: ['update'],
      },
      {
        apiGroups: ['rollout-operator.grafana.com'],
        resources: ['zoneawarepoddisruptionbudgets'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    expect(d.find('RoleBinding', 'tempo-rollout-operator').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'tempo-rollout-operator', namespace: 'tracing' },
    ]);
    expect(d.manifests.filter((m) => ['ClusterRole', 'ClusterRoleBinding'].includes(m.kind))).toEqual([]);
    expect(JSON.stringify(role)).not.toContain('secrets');
  });

  test('webhooks: only scale-ins of these StatefulSets and evictions of these pods reach the operator', () => {
    const prep = d.find('MutatingWebhookConfiguration', 'tempo-prepare-downscale-tracing');
    const evict = d.find('ValidatingWebhookConfiguration', 'tempo-pod-eviction-tracing');
    for (const w of [prep, evict]) {
      expect(w.metadata.namespace).toBeUndefined();
      expect(w.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('tracing/tempo-rollout-operator');
      expect(w.webhooks[0].namespaceSelector).toEqual({
        matchLabels: { 'kubernetes.io/metadata.name': 'tracing' },
      });
      expect(w.webhooks[0].clientConfig.service).toMatchObject({
        name: 'tempo-rollout-operator',
        namespace: 'tracing',
        port: 8443,
      });
      expect(w.webhooks[0].failurePolicy).toBe('Fail');
    }
    expect(prep.webhooks[0].clientConfig.service.path).toBe('/admission/prepare-downscale');
    expect(prep.webhooks[0].rules[0].resources).toEqual(['statefulsets', 'statefulsets/scale']);
    expect(prep.webhooks[0].matchConditions.map((m: any) => m.expression)).toEqual([
      "request.name in ['tempo-live-store-zone-a', 'tempo-live-store-zone-b']",
      'has(object.spec.replicas) && has(oldObject.spec.replicas) && object.spec.replicas < oldObject.spec.replicas',
    ]);
    expect(evict.webhooks[0].clientConfig.service.path).toBe('/admission/pod-eviction');
    expect(evict.webhooks[0].rules[0].resources).toEqual(['pods/eviction']);
    // The CEL regex (RE2) is the budget's: a live-store pod of this installation, nothing else.
    const cel = evict.webhooks[0].matchConditions[0].expression as string;
    const re = new RegExp(/matches\('(.*)'\)/.exec(cel)![1]!);
    expect(['tempo-live-store-zone-a-0', 'tempo-live-store-zone-b-11'].every((n) => re.test(n))).toBe(true);
    expect(['tempo-querier-abc', 'grafana-0', 'tempo-live-store-zone-a-x'].some((n) => re.test(n))).toBe(
      false,
    );
  });

  test('the webhook certificate: a CA of its own by default, whose CA Issuer signs the serving certificate', () => {
    const cert = d.find('Certificate', 'tempo-rollout-operator');
    expect(cert.spec).toMatchObject({
      secretName: 'tempo-rollout-operator-tls',
      dnsNames: ['tempo-rollout-operator.tracing.svc', 'tempo-rollout-operator.tracing.svc.cluster.local'],
      issuerRef: { name: 'tempo-rollout-operator-ca', kind: 'Issuer', group: 'cert-manager.io' },
    });
    const ca = d.find('Certificate', 'tempo-rollout-operator-ca');
    expect(ca.spec).toMatchObject({ isCA: true, secretName: 'tempo-rollout-operator-ca' });
    // The CA keeps its key on renewal, so the injected bundle still verifies the served certificate.
    expect(ca.spec.privateKey.rotationPolicy).toBe('Never');
    expect(ca.spec.issuerRef.name).toBe('tempo-rollout-operator-selfsigned');
    expect(d.find('Issuer', 'tempo-rollout-operator-selfsigned').spec).toEqual({ selfSigned: {} });
    expect(d.find('Issuer', 'tempo-rollout-operator-ca').spec).toEqual({
      ca: { secretName: 'tempo-rollout-operator-ca' },
    });
    const given = synth({
      microservices: { kafka: kafka(4), rollout: { issuerRef: { name: 'tracing-ca' } } },
    });
    expect(given.find('Certificate', 'tempo-rollout-operator').spec.issuerRef).toEqual({
      name: 'tracing-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
    expect(given.manifests.filter((m) => m.kind === 'Issuer')).toEqual([]);
  });

  test('tempo.yaml: ready only when caught up; drained partitions leave the ring after the drain delay', () => {
    expect(d.config.live_store.readiness_target_lag).toBe('5s');
    expect(d.config.live_store.partition_ring).toEqual({ delete_inactive_partition_after: '35m' });
    const longer = synth({ microservices: { kafka: kafka(4), rollout: { partitionDrainDelay: '1h' } } });
    expect(longer.config.live_store.partition_ring.delete_inactive_partition_after).toBe('1h');
    expect(tempoConfigProblems(d.config, '3.0.3')).toEqual([]);
  });

  test('block-builders consume every partition of the topic, so a drained partition is still flushed', () => {
    // 8 partitions, 2 per zone in use: the block-builders own all 8.
    const few = synth({ microservices: { kafka: kafka(8), liveStore: { replicas: 4 } } });
    expect(few.config.block_builder.assigned_partitions).toEqual({
      'tempo-block-builder-0': [0, 2, 4, 6],
      'tempo-block-builder-1': [1, 3, 5, 7],
    });
  });

  test('every object is strictly valid (the budget and Issuers against their schemas)', () => {
    expect(validateAll(d.manifests)).toEqual([]);
    const typo = structuredClone(d.find('ZoneAwarePodDisruptionBudget', 'tempo-live-store'));
    typo.spec.maxUnavailble = 1;
    expect(validateAll([typo]).join('\n')).toContain("'maxUnavailble'");
    const issuer = structuredClone(d.find('Issuer', 'tempo-rollout-operator-ca'));
    issuer.spec.ca.secret = 'x';
    expect(validateAll([issuer]).join('\n')).toContain("'secret'");
  });

  test('monolithic and 2.10 have no rollout-operator', () => {
    for (const tempo of [
      { microservices: undefined },
      { version: '2.10' as const, microservices: undefined },
    ]) {
      const m = synthTempo(tempo).manifests;
      expect(m.filter((o) => /rollout-operator/.test(o.metadata.name))).toEqual([]);
      expect(m.filter((o) => o.kind === 'StatefulSet').map((o) => o.spec.updateStrategy.type)).toEqual([
        'RollingUpdate',
      ]);
    }
  });
});

describe('rollout-operator flows (prod-like)', () => {
  const { charts, manifests } = renderStack(PROD);
  const policies = networkPolicies(manifests);
  const pods = renderedPods(manifests);
  const of = (component: string) => pods.filter((p) => p.labels['app.kubernetes.io/component'] === component);
  const operator = of('rollout-operator')[0]!;
  const apiServer = { ip: '10.0.0.1' };

  test("exactly five flows: DNS, API server, webhooks from the API server, Prometheus's scrape, the live-stores", () => {
    const flows = charts.flows.flows
      .filter(
        (f) => peerName(f.from) === 'tempo-rollout-operator' || peerName(f.to) === 'tempo-rollout-operator',
      )
      .map((f) => `${peerName(f.from)} -> ${peerName(f.to)} ${f.ports.map((p) => p.port).join(',')}`);
    expect(flows).toEqual([
      'tempo-rollout-operator -> dns 53,53',
      'tempo-rollout-operator -> kubernetes-api 443,6443',
      'kubernetes-api -> tempo-rollout-operator 8443',
      'prometheus -> tempo-rollout-operator 8001',
      'tempo-rollout-operator -> tempo-live-store-zone-a 3200',
      'tempo-rollout-operator -> tempo-live-store-zone-b 3200',
    ]);
  });

  test('the policies allow them and nothing more', () => {
    for (const f of charts.flows.flows.filter(
      (x) => peerName(x.from) === 'tempo-rollout-operator' || peerName(x.to) === 'tempo-rollout-operator',
    ))
      for (const from of probes(f.from, charts.flows, manifests))
        for (const to of probes(f.to, charts.flows, manifests))
          for (const p of f.ports) expect(mayReach(policies, from, to, p.port, p.protocol)).toBe(true);
    expect(mayReach(policies, apiServer, operator, 8443)).toBe(true);
    expect(mayReach(policies, apiServer, operator, 8001)).toBe(false);
    const scrape = charts.flows.flows.find(
      (f) => peerName(f.from) === 'prometheus' && f.to === charts.tempo.tempo.rolloutOperator!.podGroup,
    )!;
    for (const prometheus of probes(scrape.from, charts.flows, manifests)) {
      expect(mayReach(policies, prometheus, operator, 8001)).toBe(true);
      expect(mayReach(policies, prometheus, operator, 8443)).toBe(false);
    }
    for (const ls of [...of('live-store-zone-a'), ...of('live-store-zone-b')]) {
      expect(mayReach(policies, operator, ls, 3200)).toBe(true);
      expect(mayReach(policies, operator, ls, 9095)).toBe(false);
    }
    for (const other of [...of('querier'), ...of('distributor'), ...of('block-builder')])
      expect(mayReach(policies, operator, other, 3200)).toBe(false);
    // Tempo's pods do not call the operator, and it is no member of Tempo's ring.
    for (const ls of of('live-store-zone-a')) expect(mayReach(policies, ls, operator, 8443)).toBe(false);
    expect(mayReach(policies, operator, of('distributor')[0]!, 7946)).toBe(false);
  });

  test("scraped by a PodMonitor on its metrics port; its alerts read that job and the live-stores' rollout group", () => {
    const pod = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'tempo-rollout-operator')
      .spec.template;
    const monitor = manifests.find(
      (m) => m.kind === 'PodMonitor' && m.metadata.name === 'tempo-rollout-operator',
    );
    for (const [k, v] of Object.entries<string>(monitor.spec.selector.matchLabels))
      expect([k, pod.metadata.labels[k]]).toEqual([k, v]);
    const endpoint = monitor.spec.podMetricsEndpoints[0];
    expect(pod.spec.containers[0].ports.find((p: any) => p.name === endpoint.port).containerPort).toBe(8001);
    expect(endpoint.relabelings).toContainEqual({
      action: 'replace',
      replacement: 'tempo-rollout-operator',
      targetLabel: 'job',
    });
    const group = manifests.find(
      (m) => m.kind === 'StatefulSet' && m.metadata.name === 'tempo-live-store-zone-a',
    ).metadata.labels['rollout-group'];
    const rules = manifests
      .filter((m) => m.kind === 'PrometheusRule')
      .flatMap((m) => m.spec.groups)
      .find((g: any) => g.name === 'tempo-rollout-alerts').rules;
    expect(rules.map((r: any) => [r.alert, r.expr])).toEqual([
      [
        'TempoRolloutOperatorNotReconciling',
        'max by (namespace, job, rollout_group) (time() - rollout_operator_last_successful_group_reconcile_timestamp_seconds{namespace="tracing-prod", job="tempo-rollout-operator"}) > 600',
      ],
      [
        'TempoRolloutOperatorDown',
        'up{namespace="tracing-prod", job="tempo-rollout-operator"} == 0\nor\nabsent(up{namespace="tracing-prod", job="tempo-rollout-operator"})',
      ],
    ]);
    expect(charts.monitoring!.monitoring.config.rolloutOperator!.rolloutGroup).toBe(group);
  });

  test('prod-like signs the webhook certificate with its tracing CA', () => {
    const cert = manifests.find(
      (m) => m.kind === 'Certificate' && m.metadata.name === 'tempo-rollout-operator',
    );
    expect(cert.spec.issuerRef.name).toBe('tracing-ca');
  });
});

describe('rollout bad input', () => {
  const t = (rollout: object) => () => synth({ microservices: { kafka: kafka(4), rollout } as any });

  test('each mistake: one line naming the property and the fix', () => {
    expectError(
      t({ partitionDrainDelay: '10m' }),
      "tempo.microservices.rollout.partitionDrainDelay: '10m' is shorter than one block-builder cycle (5m) plus two blocklist polls (5m each); a removed live-store's traces would not yet be queryable from object storage, so use at least 15m",
    );
    expectError(
      () =>
        synth({
          microservices: { kafka: kafka(4), rollout: { partitionDrainDelay: '20m' } },
          blockBuilder: { consumeCycleDuration: '15m' },
          // A slower block-builder needs a later backend split too (its own check: 15m + two
          // 5m polls), which the live-stores must hold that long.
          search: { queryBackendAfter: '25m' },
          liveStore: { completeBlockTimeout: '25m' },
        }),
      "tempo.microservices.rollout.partitionDrainDelay: '20m' is shorter than one block-builder cycle (15m) plus two blocklist polls (5m each); a removed live-store's traces would not yet be queryable from object storage, so use at least 25m",
    );
    expectError(
      t({ maxUnavailable: 0 }),
      'tempo.microservices.rollout.maxUnavailable: 0 is not valid; expected an integer >= 1',
    );
    expectError(
      t({ issuerRef: { name: 'tracing-ca', kind: 'CertificateIssuer' } }),
      "tempo.microservices.rollout.issuerRef.kind: 'CertificateIssuer' is not a cert-manager issuer kind; use 'Issuer' or 'ClusterIssuer'",
    );
  });

  test('a whole environment with a bad rollout fails with the same line', () => {
    const env: EnvironmentDefinition = {
      ...PROD,
      tempo: {
        ...PROD.tempo,
        microservices: {
          ...PROD.tempo!.microservices!,
          rollout: { maxUnavailable: 1.5 },
        },
      },
    };
    expect(() => renderEnvironment(env, buildEnvironment)).toThrow(
      'tempo.microservices.rollout.maxUnavailable: 1.5 is not valid; expected an integer >= 1',
    );
  });
});
