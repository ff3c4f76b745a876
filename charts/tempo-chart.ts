import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Tempo, TempoProps } from '../constructs/tempo/tempo';

export interface TempoChartProps {
  readonly namespace: string;
  /** @default - Tempo's defaults */
  readonly tempo?: TempoProps;
}

/** Grafana Tempo for one environment. */
export class TempoChart extends Chart {
  public readonly tempo: Tempo;

  constructor(scope: Construct, id: string, props: TempoChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.tempo = new Tempo(this, 'Tempo', props.tempo);
  }
}
