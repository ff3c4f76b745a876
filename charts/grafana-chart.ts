import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  GrafanaProvisioning,
  GrafanaProvisioningProps,
  GrafanaStack,
} from '../constructs/grafana/grafana-provisioning';
import { checkDnsLabel } from '../lib/validate';

export interface GrafanaSettings extends GrafanaProvisioningProps {
  /** Grafana's namespace: the datasource sidecar only searches there by default. @default 'monitoring' */
  readonly namespace?: string;
}

export interface GrafanaChartProps {
  readonly stack: GrafanaStack;
  readonly grafana?: GrafanaSettings;
}

/** Grafana datasources and dashboards for one environment, in Grafana's namespace. */
export class GrafanaChart extends Chart {
  public readonly provisioning: GrafanaProvisioning;

  constructor(scope: Construct, id: string, props: GrafanaChartProps) {
    const namespace = checkDnsLabel(props.grafana?.namespace ?? 'monitoring', 'grafana.namespace');
    super(scope, id, { namespace, disableResourceNameHashes: true });
    this.provisioning = new GrafanaProvisioning(this, 'Grafana', props.stack, props.grafana);
  }
}
