import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkPolicies, StackFlows } from '../constructs/network/network-policies';

export interface NetworkChartProps {
  readonly namespace: string;
  /** The stack's flows (`planFlows`), from which the policies are generated. */
  readonly flows: StackFlows;
}

/** NetworkPolicies of one environment. */
export class NetworkChart extends Chart {
  public readonly policies: NetworkPolicies;

  constructor(scope: Construct, id: string, props: NetworkChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.policies = new NetworkPolicies(this, 'NetworkPolicies', { flows: props.flows });
  }
}
