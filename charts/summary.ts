/**
 * SUMMARY.md of one environment, for pull-request review: what runs, which images, how many
 * replicas, ports, storage, retention, sampling, alerts. Pure function of the built charts.
 */
import { imageRef } from '../lib/versions';
import type { EnvironmentDefinition } from './environment-definition';
import type { EnvironmentCharts } from './environment';
import { isAlert } from '../constructs/monitoring/rule-model';
import type { ServingPort } from '../constructs/common/receivers';
import type { Manifest } from '../lib/k8s';

const portList = (ports: readonly ServingPort[]) =>
  ports.map((p) => `${p.name} ${p.port}${p.protocol === 'UDP' ? '/UDP' : ''}`).join(', ');

export function summarizeEnvironment(
  env: EnvironmentDefinition,
  charts: EnvironmentCharts,
  manifests: readonly Manifest[],
): string {
  const t = charts.tempo.tempo;
  const s = t.settings;
  const gw = charts.collector?.gateway;
  const agent = charts.collector?.agent;
  const hpaOf = (name: string) =>
    manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.metadata.name === name);
  const replicas = (name: string, fixed: number) => {
    const hpa = hpaOf(name);
    return hpa ? `HPA ${hpa.spec.minReplicas}–${hpa.spec.maxReplicas}` : String(fixed);
  };
  const apiPorts = t.ports.filter((p) => !p.receiver);
  const rows: string[][] =
    s.mode === 'single-binary'
      ? [['Tempo (single binary)', imageRef(s.image), String(s.replicas), portList(t.ports)]]
      : s.components.map((c) => [
          `Tempo ${c.component} (${c.kind})`,
          imageRef(s.image),
          replicas(`${t.name}-${c.component}`, c.replicas),
          portList(c.component === 'distributor' ? t.ports : apiPorts) + ', gossip 7946',
        ]);
  if (gw)
    rows.push([
      'Collector gateway',
      imageRef(gw.settings.image),
      replicas(gw.name, gw.minReplicas),
      portList(gw.ports),
    ]);
  if (agent)
    rows.push([
      'Collector agent',
      imageRef(agent.settings.image),
      'DaemonSet (one per node)',
      portList(agent.ports),
    ]);
  const capacity = s.capacity
    ? ['', '## Capacity plan', '', ...s.capacity.reasons.map((r) => `- ${r}`), '']
    : [];
  const lines = [
    `# Environment \`${env.name}\``,
    '',
    `Generated from \`environments/${env.name}.ts\`; review this file and the YAML next to it.`,
    '',
    '| component | image | replicas | ports |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `- **Namespace**: \`${t.namespace}\` (Pod Security Admission enforces \`restricted\`)`,
    `- **Storage**: ${s.storageBackend.describe()}; PVC ${s.storageBackend.volume.size.asString()} per pod`,
    `- **Retention**: ${s.compaction.blockRetention} (compacted blocks ${s.compaction.compactedBlockRetention})`,
    `- **Mode**: ${s.mode === 'distributed' ? `distributed, replication factor ${s.replicationFactor}, memberlist ring \`${t.name}-gossip-ring\`` : 'single binary'}`,
    `- **Multi-tenancy**: ${s.multitenancyEnabled ? `on (${Object.keys(s.tenants).length} tenants with overrides)` : 'off'}`,
    `- **Metrics generator**: ${s.metricsGenerator ? `${s.metricsGenerator.processors.join(', ')} → ${s.metricsGenerator.remoteWrite.map((r) => r.url).join(', ')}` : 'off'}`,
  ];
  if (charts.collector) {
    const sampling = gw?.tailSampling?.describe() ?? describeAgentSampling(manifests);
    lines.push(`- **Sampling**: ${sampling}`);
    lines.push(
      `- **Agent reachability**: ${agent?.usesHostPort ? `hostPort 4317/4318 in the privileged namespace \`${agent.namespace}\` (Pod Security Admission refuses hostPort at baseline and restricted)` : agent ? `node-local Service \`${agent.otlpGrpcEndpoint}\` (internalTrafficPolicy: Local, no hostPort)` : 'no agents'}`,
    );
  } else {
    lines.push('- **Collector**: none');
  }
  const groups = charts.monitoring?.monitoring.ruleGroups ?? [];
  const rules = groups.flatMap((g) => g.rules);
  const alerts = rules.filter(isAlert);
  lines.push(
    charts.monitoring
      ? `- **Alerts**: ${alerts.length} alerting rules (${alerts.filter((a) => a.severity === 'critical').length} critical, ${alerts.filter((a) => a.severity === 'warning').length} warning), ${rules.length - alerts.length} recording rules; ${charts.monitoring.monitoring.scrapes.length} PodMonitors`
      : '- **Alerts**: none',
  );
  lines.push(
    `- **Grafana**: ${charts.grafana ? charts.grafana.provisioning.dashboards.map((d) => d.slug).join(', ') : 'none'}`,
  );
  lines.push(`- **NetworkPolicies**: ${charts.network ? 'on (default deny)' : 'off'}`);
  lines.push(
    `- **Objects**: ${manifests.length} (${[...new Set(manifests.map((m) => m.kind))].sort().join(', ')})`,
  );
  return `${[...lines, ...capacity].join('\n').trimEnd()}\n`;
}

function describeAgentSampling(manifests: readonly Manifest[]): string {
  const cm = manifests.find(
    (m) => m.kind === 'ConfigMap' && m.data?.['collector.yaml'] && m.metadata.name.includes('agent'),
  );
  const match = cm?.data['collector.yaml'].match(/sampling_percentage: ([0-9.]+)/);
  return match ? `head at the agents: ${match[1]} % of traces` : 'none (every trace is kept)';
}
