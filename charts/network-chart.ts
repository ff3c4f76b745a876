import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { StackWorkloads } from '../constructs/stack/workloads';
import { NetworkPolicies, NetworkPoliciesOptions } from '../constructs/network/network-policies';

export interface NetworkChartProps {
  readonly namespace: string;
  readonly workloads: StackWorkloads;
  /** @default - the defaults of NetworkPoliciesOptions */
  readonly networkPolicies?: NetworkPoliciesOptions;
}

/** NetworkPolicies of one environment. */
export class NetworkChart extends Chart {
  constructor(scope: Construct, id: string, props: NetworkChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    new NetworkPolicies(this, 'NetworkPolicies', { ...props.networkPolicies, ...props.workloads });
  }
}
