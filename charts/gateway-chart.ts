import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { QueryGateway, QueryGatewayConstructProps } from '../constructs/gateway/query-gateway';
import { ENV_PROPERTY_METADATA } from '../lib/synth';

export interface GatewayChartProps extends QueryGatewayConstructProps {
  readonly namespace: string;
}

/** The query gateway of one environment (and its routes), in the stack's namespace. */
export class GatewayChart extends Chart {
  public readonly gateway: QueryGateway;

  constructor(scope: Construct, id: string, props: GatewayChartProps) {
    super(scope, id, { namespace: props.namespace, disableResourceNameHashes: true });
    this.node.addMetadata(ENV_PROPERTY_METADATA, 'queryGateway');
    this.gateway = new QueryGateway(this, 'QueryGateway', props);
  }
}
