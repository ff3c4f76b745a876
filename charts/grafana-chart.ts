import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  GrafanaProvisioning,
  GrafanaProvisioningOptions,
  GrafanaProvisioningProps,
} from '../constructs/grafana/grafana-provisioning';
import { checkDnsLabel } from '../lib/validate';
import type { DnsLabel } from '../lib/input-types';

export interface GrafanaSettings extends GrafanaProvisioningOptions {
  /** Grafana's namespace: the datasource sidecar only searches there by default. @default 'monitoring' */
  readonly namespace?: DnsLabel;
}

export interface GrafanaChartProps {
  /** The stack's references: its id, Tempo and what is scraped. */
  readonly stack: Pick<GrafanaProvisioningProps, 'stackId' | 'tempo' | 'monitoring' | 'plan' | 'gateway'>;
  /** @default - the defaults of GrafanaSettings */
  readonly grafana?: GrafanaSettings;
}

/** Grafana datasources and dashboards for one environment, in Grafana's namespace. */
export class GrafanaChart extends Chart {
  public readonly provisioning: GrafanaProvisioning;

  constructor(scope: Construct, id: string, props: GrafanaChartProps) {
    const namespace = checkDnsLabel(props.grafana?.namespace ?? 'monitoring', 'grafana.namespace');
    super(scope, id, { namespace, disableResourceNameHashes: true });
    this.provisioning = new GrafanaProvisioning(this, 'Grafana', { ...props.grafana, ...props.stack });
  }
}
