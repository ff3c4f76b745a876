/**
 * SUMMARY.md of one environment, for pull-request review: what runs, which images, how many
 * replicas, ports, namespace ownership, storage, retention, sampling, alerts, and the flow matrix
 * (who may reach whom on which port). A pure function of the resolved models that produced the
 * objects; it never reads the rendered output back.
 */
import { ApiObject, Chart } from 'cdk8s';
import { prerequisitesSection } from '../lib/prerequisites';
import { sourceOf } from '../lib/synth';
import { IMAGES, imageRef } from '../lib/versions';
import { GatewayApiExposure, IngressExposure } from '../constructs/gateway/gateway-options';
import type { EnvironmentDefinition } from './environment-definition';
import type { EnvironmentCharts } from './environment';
import { isAlert } from '../constructs/monitoring/rule-model';
import type { ServingPort } from '../constructs/common/receivers';
import { Flow, peerName, portLabel } from '../constructs/common/flows';
import { policyPeers, StackFlows } from '../constructs/network/network-policies';
import { HeadSampling } from '../constructs/otel-collector/sampling';

const portList = (ports: readonly ServingPort[]) =>
  ports.map((p) => `${p.name} ${p.port}${p.protocol === 'UDP' ? '/UDP' : ''}`).join(', ');
const receiverList = (ports: readonly ServingPort[]) =>
  ports
    .filter((p) => p.receiver)
    .map((p) => `${p.port}${p.protocol === 'UDP' ? '/UDP' : ''}`)
    .join('/');
const scaled = (fixed: number, hpa?: { minReplicas: number; maxReplicas: number }) =>
  hpa ? `HPA ${hpa.minReplicas}–${hpa.maxReplicas}` : String(fixed);

/** The flow matrix: one row per flow, sorted, so a change of reachability is one diff line. */
export function flowMatrix(stack: StackFlows): string[] {
  const o = stack.options;
  const where = (f: Flow, side: 'from' | 'to') => {
    const peer = f[side];
    const name = peerName(peer);
    if ('selectorLabels' in peer) return `${name} (${peer.namespace})`;
    switch (peer.kind) {
      case 'applications':
        return `applications (${o.ingestNamespaces ? o.ingestNamespaces.join(', ') : 'every namespace'})`;
      case 'grafana':
      case 'prometheus':
        return `${name} (${o[peer.kind].namespace}, ${Object.entries(o[peer.kind].labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`;
      case 'kubernetes-api':
      case 'external':
        return `${name} (${policyPeers(peer, o)
          .map((x) => x.ipBlock?.cidr)
          .join(', ')})`;
      default:
        return name;
    }
  };
  const rows = stack.flows.map(
    (f) =>
      `| ${where(f, 'from')} | ${where(f, 'to')} | ${f.ports.map(portLabel).join(', ')} | ${f.purpose} |`,
  );
  return ['| from | to | ports | why |', '| --- | --- | --- | --- |', ...[...new Set(rows)].sort()];
}

export function summarizeEnvironment(env: EnvironmentDefinition, charts: EnvironmentCharts): string {
  const t = charts.tempo.tempo;
  const s = t.settings;
  const gw = charts.collector?.gateway;
  const agent = charts.collector?.agent;
  const apiPorts = t.ports.filter((p) => !p.receiver);
  const rows: string[][] =
    s.mode === 'single-binary'
      ? [
          [
            `Tempo ${s.line === '3.0' ? 'monolithic' : 'single binary'}`,
            imageRef(s.image),
            String(s.replicas),
            portList(t.ports),
          ],
        ]
      : s.components.map((c) => [
          `Tempo ${c.component} (${c.kind})`,
          imageRef(s.image),
          scaled(c.replicas, c.autoscaling),
          portList(c.component === 'distributor' ? t.ports : apiPorts) + ', gossip 7946',
        ]);
  if (t.rolloutOperator)
    rows.push([
      `rollout-operator \`${t.rolloutOperator.podGroup.name}\` (Deployment)`,
      imageRef(IMAGES.rolloutOperator),
      '1',
      'http-metrics 8001, webhooks 8443',
    ]);
  for (const c of t.caches)
    if (c.wiring.deployed)
      rows.push([
        `memcached \`${c.wiring.deployed.name}\` (StatefulSet)`,
        `${imageRef(IMAGES.memcached)}, ${imageRef(IMAGES.memcachedExporter)}`,
        String(c.wiring.deployed.replicas),
        `client ${c.wiring.port}, metrics 9150`,
      ]);
  if (gw)
    rows.push([
      `Collector gateway \`${gw.name}\` (${gw.workloadKind})`,
      imageRef(gw.settings.image),
      scaled(gw.minReplicas, gw.autoscaling),
      portList(gw.ports),
    ]);
  if (agent)
    rows.push([
      `Collector agent \`${agent.name}\``,
      imageRef(agent.settings.image),
      'DaemonSet (one per node)',
      portList(agent.ports),
    ]);
  const qg = charts.gateway?.gateway;
  if (qg)
    rows.push([
      `Query gateway \`${qg.name}\` (nginx${qg.oidc ? ' + oauth2-proxy' : ''} + metrics exporter)`,
      [IMAGES.nginx, ...(qg.oidc ? [IMAGES.oauth2Proxy] : []), IMAGES.nginxExporter].map(imageRef).join(', '),
      String(qg.replicas),
      portList(qg.group.ports),
    ]);
  const capacity = s.capacity
    ? ['', '## Capacity plan', '', ...s.capacity.reasons.map((r) => `- ${r}`), '']
    : [];
  const own = charts.ownership;
  const volume = s.storageBackend.volume;
  const pvc = `${volume.size.asString()}${volume.storageClassName ? ` on \`${volume.storageClassName}\`` : ''}`;
  const storage = s.storageBackend.shared
    ? `${s.storageBackend.describe()}; WAL PVC ${pvc} per ${s.mode === 'distributed' ? 'pod of each StatefulSet above' : 'pod'}`
    : `local PVC ${pvc} per pod`;
  const lines = [
    `# Environment \`${env.name}\``,
    '',
    `Generated from ${sourceOf(env) === undefined ? `the environment \`${env.name}\`` : `\`${sourceOf(env)}\``}; review this file and the YAML next to it.`,
    '',
    '| component | image | replicas | ports |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    own.managed
      ? `- **Namespace**: \`${own.name}\`, created by this app (Pod Security Admission enforces \`restricted\`)`
      : `- **Namespace**: \`${own.name}\`, shared, not managed by this app (no Namespace object, no Pod Security labels: its owner's level applies; nothing namespace-wide is written)`,
    `- **Storage**: ${storage}`,
    `- **Retention**: ${s.compaction.blockRetention} (compacted blocks ${s.compaction.compactedBlockRetention})`,
    `- **Mode**: Tempo ${s.line}, ${tempoMode(s, t.name)}`,
    `- **Multi-tenancy**: ${s.multitenancyEnabled ? `on; ${tenancy(env, charts)}` : 'off'}`,
    `- **Metrics generator**: ${s.metricsGenerator ? `${s.metricsGenerator.processors.join(', ')} → ${s.metricsGenerator.remoteWrite.map((r) => r.url).join(', ')}` : 'off'}`,
    `- **Read path caches**: ${
      t.caches.length
        ? t.caches
            .map((c) =>
              c.wiring.deployed
                ? `\`${c.wiring.deployed.name}\` (${imageRef(IMAGES.memcached)}, ${c.wiring.deployed.replicas} × ${c.wiring.deployed.memoryMiB.toLocaleString('en-US')} MiB, exporter scraped) for ${c.roles.join(', ')}`
                : `existing \`${c.wiring.host}\` (SRV \`_${c.wiring.service}._tcp\`${c.wiring.memoryMiB ? `, ${c.wiring.memoryMiB.toLocaleString('en-US')} MiB` : ''}) for ${c.roles.join(', ')}`,
            )
            .join('; ')
        : 'none (every block read goes to object storage)'
    }`,
  ];
  if (charts.collector) {
    const sampling = [
      agent?.sampling instanceof HeadSampling ? agent.sampling.describe() : undefined,
      gw?.tailSampling?.describe(),
    ].filter((x) => x !== undefined);
    lines.push(`- **Sampling**: ${sampling.length ? sampling.join('; ') : 'none (every trace is kept)'}`);
    if (gw) lines.push(`- **Gateway queue**: ${gatewayQueue(gw)}`);
    const sm = gw?.spanMetrics;
    if (sm)
      lines.push(
        `- **Span metrics**: at the gateway, every span before tail sampling (\`span_metrics\` connector → \`prometheus\` :${gw!.ports.find((p) => p.name === 'prometheus')!.port}; \`${sm.calls}\`, \`${sm.latencyBucket}\`, label \`${sm.labels.service}\`); alerts \`${sm.alertPrefix}*\``,
      );
    lines.push(
      `- **Agent reachability**: ${
        agent?.usesHostPort
          ? `hostPort ${receiverList(agent.ports)} in the privileged namespace \`${agent.namespace}\` (created by this app; Pod Security Admission refuses hostPort at baseline and restricted)`
          : agent
            ? `node-local Service \`${agent.otlpGrpcEndpoint}\` (internalTrafficPolicy: Local, no hostPort)`
            : 'no agents'
      }`,
    );
  } else {
    lines.push('- **Collector**: none (applications send to Tempo)');
  }
  const groups = charts.monitoring?.monitoring.ruleGroups ?? [];
  const rules = groups.flatMap((g) => g.rules);
  const alerts = rules.filter(isAlert);
  lines.push(
    charts.monitoring
      ? `- **Alerts**: ${alerts.length} alerting rules (${alerts.filter((a) => a.severity === 'critical').length} critical, ${alerts.filter((a) => a.severity === 'warning').length} warning), ${rules.length - alerts.length} recording rules; ${charts.monitoring.monitoring.scrapes.length} PodMonitors${spanMetricsElsewhere(charts)}`
      : '- **Alerts**: none',
  );
  if (qg) {
    const e = qg.exposure;
    lines.push(
      `- **Query gateway**: \`${qg.queryUrl}\`; ${gatewayAuth(qg)}; ${qg.ingest ? 'queries and OTLP ingest' : 'queries only'}; ${
        e instanceof GatewayApiExposure
          ? `HTTPRoute${qg.ports.some((p) => p.name === 'grpc') ? ' and GRPCRoute' : ''} on Gateway \`${e.gateway.namespace}/${e.gateway.name}\` for ${e.hostnames.join(', ')}`
          : e instanceof IngressExposure
            ? `Ingress (class \`${e.className}\`) for ${e.host}${e.tlsSecretName ? ` (TLS Secret \`${e.tlsSecretName}\`)` : ''}`
            : 'in-cluster only'
      }`,
    );
  }
  const g = charts.grafana?.provisioning;
  lines.push(
    `- **Grafana**: ${g ? `dashboards ${g.dashboards.map((d) => d.slug).join(', ')}; Tempo datasources ${g.tempoDatasources.map((d) => `\`${d.uid}\``).join(', ')}${qg ? ` (each authenticates at the gateway as its UID, password from Secret \`${g.gatewaySecretName}\` in Grafana's namespace)` : ''}` : 'none'}`,
  );
  lines.push(
    `- **NetworkPolicies**: ${charts.network ? `on, exactly the flows below${charts.flows.options.defaultDeny ? ', default deny for this stack’s pods' : ''}` : 'off (the flows below are what the stack needs)'}`,
  );
  const objects = [
    charts.namespace,
    charts.tempo,
    charts.collector,
    charts.monitoring,
    charts.grafana,
    charts.gateway,
    charts.network,
  ]
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .flatMap((c: Chart) => c.node.findAll().filter((n): n is ApiObject => n instanceof ApiObject));
  lines.push(
    `- **Objects**: ${objects.length} (${[...new Set(objects.map((m) => m.kind))].sort().join(', ')})`,
  );
  const prerequisites = prerequisitesSection(
    objects.map((o) => o.toJson()),
    (charts.gitops?.node.findAll() ?? [])
      .filter((n): n is ApiObject => n instanceof ApiObject)
      .map((o) => o.toJson()),
  );
  const flows = ['', '## Flows', '', ...flowMatrix(charts.flows)];
  return `${[...lines, ...prerequisites, ...flows, ...capacity].join('\n').trimEnd()}\n`;
}

/** Why no alert reads the span metrics, when the Prometheus evaluating the rules never has them. */
function spanMetricsElsewhere(charts: EnvironmentCharts): string {
  const why = charts.monitoring?.monitoring.config.spanMetricsElsewhere;
  return why ? `; no span-metric alerts: ${why} (evaluate them where they are, e.g. Mimir's ruler)` : '';
}

/** How the query gateway authenticates and where each identity's X-Scope-OrgID comes from. */
function gatewayAuth(qg: NonNullable<EnvironmentCharts['gateway']>['gateway']): string {
  const map = (list: readonly { user: string; orgId: string }[]) =>
    list.map((u) => `\`${u.user}\` → \`${u.orgId}\``).join(', ');
  const o = qg.oidc;
  if (!o)
    return `Basic auth against the htpasswd file in Secret \`${qg.htpasswdSecret!.secretName}\` (key \`${qg.htpasswdSecret!.key}\`), X-Scope-OrgID from the user (client headers ignored): ${map(qg.users)}`;
  const mapped = [
    ...(qg.users.length ? [`identities (claim \`${o.userClaim}\`) ${map(qg.users)}`] : []),
    ...(o.groups.length
      ? [
          `groups (claim \`${o.groupsClaim}\`, first match) ${o.groups.map((g) => `\`${g.group}\` → \`${g.orgId}\``).join(', ')}`,
        ]
      : []),
  ];
  return [
    `OIDC through an oauth2-proxy sidecar: bearer tokens of issuer ${o.issuerUrl} for client \`${o.clientId}\`${o.extraAudiences.length ? ` (or audiences ${o.extraAudiences.map((a) => `\`${a}\``).join(', ')})` : ''}${o.redirectUrl ? `, browser sign-in at ${o.redirectUrl.replace(/callback$/, 'start')}` : ''}`,
    `client secret and cookie key from Secret keys \`${o.clientSecret.name}/${o.clientSecret.key}\`, \`${o.cookieSecret.name}/${o.cookieSecret.key}\``,
    `X-Scope-OrgID from the verified identity (client headers ignored): ${mapped.join('; ')}`,
    ...(qg.htpasswdSecret
      ? [
          `Grafana's datasource users on \`${qg.grafanaUrl}\` (Basic, htpasswd Secret \`${qg.htpasswdSecret.secretName}\`): ${map(qg.grafanaUsers)}`,
        ]
      : []),
  ].join('; ');
}

/** How the gateway queues and batches, and what its workload kind means for an upgrade. */
function gatewayQueue(gw: NonNullable<EnvironmentCharts['collector']>['gateway'] & object): string {
  const q = gw.persistentQueue;
  const b = gw.settings.batch;
  const spans = `${gw.exportQueue.queueSize.toLocaleString('en-US')} spans`;
  const queue = q
    ? `durable, ${spans}: \`file_storage\` on a ${q.size.asString()} PVC per replica${q.storageClassName ? ` (\`${q.storageClassName}\`)` : ''}${q.queues > 1 ? ` (${q.queues} exporter queues of that size, one file each)` : ''}, retried until delivered; a killed, evicted or rescheduled replica delivers it when it is back`
    : `in memory, ${spans} (lost if a replica is killed; \`collector.gateway.persistentQueue\` makes it durable)`;
  const kind =
    gw.workloadKind === 'StatefulSet'
      ? `; StatefulSet \`${gw.name}\` (stable pod names for the agents' trace-ID ring). Upgrading a cluster that ran Deployment \`${gw.name}\`: the sync adds the StatefulSet and prunes the Deployment (Argo CD and Flux prune by default, docs/collector.md)`
      : '';
  return `${queue}; batches of ${b.sendBatchSize.toLocaleString('en-US')}–${b.sendBatchMaxSize.toLocaleString('en-US')} spans or ${b.timeout} formed in the exporters' sending queues${kind}`;
}

/**
 * A multi-tenant Tempo's tenants: who writes which (the collector's tenant, its namespace
 * tenants and sampled copy, OTLP through the query gateway) and which have overrides.
 */
function tenancy(env: EnvironmentDefinition, charts: EnvironmentCharts): string {
  const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');
  const c = env.collector === false ? undefined : env.collector;
  const g = c?.gateway === false ? undefined : c?.gateway;
  const byNamespace = g?.namespaceTenants ?? [];
  // tenant → how spans get there, in the order found.
  const writers = new Map<string, string[]>();
  const writes = (tenant: string, how: string) => writers.set(tenant, [...(writers.get(tenant) ?? []), how]);
  if (charts.collector && c?.tenant)
    writes(
      c.tenant,
      `the collector's tenant: ${byNamespace.length ? 'spans of every other namespace' : 'every span it receives'}`,
    );
  for (const t of byNamespace)
    writes(t.tenant, `spans of namespace${t.namespaces.length > 1 ? 's' : ''} ${code(t.namespaces)}`);
  if (g?.sampledTenant)
    writes(g.sampledTenant.tenant, `a ${g.sampledTenant.percentage} % sample of all traces`);
  if (charts.gateway?.gateway.ingest) {
    // A user of one tenant writes as that tenant; a tenant set only reads (cross-tenant query).
    const users = new Map<string, string[]>();
    for (const [user, tenant] of Object.entries(env.queryGateway?.users ?? {}))
      if (typeof tenant === 'string') users.set(tenant, [...(users.get(tenant) ?? []), user]);
    for (const [tenant, names] of users) writes(tenant, `OTLP through the query gateway as ${code(names)}`);
  }
  const overrides = Object.keys(charts.tempo.tempo.settings.tenants);
  return [
    `tenants written: ${
      writers.size
        ? [...writers].map(([tenant, how]) => `\`${tenant}\` (${how.join('; ')})`).join(', ')
        : 'none by this stack (senders set X-Scope-OrgID themselves)'
    }`,
    `tenants with overrides: ${overrides.length ? code(overrides) : 'none (every tenant gets the defaults)'}`,
  ].join('; ');
}

function tempoMode(s: EnvironmentCharts['tempo']['tempo']['settings'], name: string): string {
  if (s.mode === 'single-binary')
    return s.line === '3.0' ? 'monolithic (`-target=all`, no Kafka)' : 'single binary';
  const ring = `memberlist ring \`${name}-gossip-ring\``;
  if (!s.kafka) return `distributed, replication factor ${s.replicationFactor}, ${ring}`;
  const k = s.kafka;
  return `microservices, Kafka \`${k.address}\` topic \`${k.topic}\` (${k.partitions} partitions${s.strimzi ? `, Strimzi, replication 3, min.insync.replicas 2, retention ${s.strimzi.retention}` : ''}), live-stores in 2 zones, ${ring}`;
}
