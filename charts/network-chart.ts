import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  NetworkedStack,
  NetworkPolicies,
  NetworkPoliciesProps,
} from '../constructs/platform/network-policies';

export interface NetworkChartProps {
  readonly namespace: string;
  readonly stack: NetworkedStack;
  readonly networkPolicies?: NetworkPoliciesProps;
}

/** NetworkPolicies of one environment. */
export class NetworkChart extends Chart {
  constructor(scope: Construct, id: string, props: NetworkChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    new NetworkPolicies(this, 'NetworkPolicies', props.stack, props.networkPolicies);
  }
}
