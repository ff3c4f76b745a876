import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Namespace, PodSecurityLevel } from '../constructs/platform/namespace';

export interface NamespaceChartProps {
  readonly namespace: string;
  /** @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
}

/** The environment's Namespace, applied before everything else. */
export class NamespaceChart extends Chart {
  public readonly namespaceObject: Namespace;

  constructor(scope: Construct, id: string, props: NamespaceChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    this.namespaceObject = new Namespace(this, 'Namespace', {
      name: props.namespace,
      podSecurity: props.podSecurity,
    });
  }
}
