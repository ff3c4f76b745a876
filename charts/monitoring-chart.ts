import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { MonitoredStack } from '../constructs/monitoring/monitoring-config';
import { TracingMonitoring, TracingMonitoringProps } from '../constructs/monitoring/tracing-monitoring';

export interface MonitoringChartProps {
  readonly namespace: string;
  readonly stack: MonitoredStack;
  readonly monitoring?: TracingMonitoringProps;
}

/** PodMonitors and PrometheusRules for one environment (Prometheus Operator). */
export class MonitoringChart extends Chart {
  public readonly monitoring: TracingMonitoring;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.monitoring = new TracingMonitoring(this, 'Monitoring', props.stack, props.monitoring);
  }
}
