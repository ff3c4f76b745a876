import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { StackWorkloads } from '../constructs/stack/workloads';
import { TracingMonitoring, TracingMonitoringOptions } from '../constructs/monitoring/tracing-monitoring';

export interface MonitoringChartProps {
  readonly namespace: string;
  readonly workloads: StackWorkloads;
  /** @default - the defaults of TracingMonitoringOptions */
  readonly monitoring?: TracingMonitoringOptions;
  /**
   * Namespace of the Prometheus that scrapes and evaluates the rules (NetworkPolicies' Prometheus).
   * @default 'monitoring'
   */
  readonly prometheusNamespace?: string;
}

/** PodMonitors and PrometheusRules for one environment (Prometheus Operator). */
export class MonitoringChart extends Chart {
  public readonly monitoring: TracingMonitoring;

  constructor(scope: Construct, id: string, props: MonitoringChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.monitoring = new TracingMonitoring(this, 'Monitoring', {
      ...props.monitoring,
      ...props.workloads,
      prometheusNamespace: props.prometheusNamespace,
    });
  }
}
