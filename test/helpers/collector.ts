import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { CollectorChart, CollectorStackProps } from '../../charts/collector-chart';
import { TempoChart } from '../../charts/tempo-chart';
import { TempoProps } from '../../constructs/tempo/tempo';

/** Synthesizes a collector chart (namespace `tracing`) beside a Tempo; helpers to read it back. */
export function synthCollector(collector: CollectorStackProps = {}, tempo: TempoProps = {}) {
  const app = Testing.app();
  const tempoChart = new TempoChart(app, 'tempo', { namespace: 'tracing', tempo });
  const chart = new CollectorChart(app, 'collector', {
    namespace: 'tracing',
    tempo: tempoChart.tempo,
    collector,
  });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name?: string) =>
    manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  /** The parsed `collector.yaml` of the `<name>-config` ConfigMap. */
  const config = (name: string) => parse(find('ConfigMap', `${name}-config`).data['collector.yaml']);
  return { chart, manifests, find, config };
}
