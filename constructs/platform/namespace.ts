import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { clusterScoped } from '../../lib/k8s';
import { checkDnsLabel } from '../../lib/validate';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface NamespaceProps {
  /** Namespace name (DNS-1123 label). */
  readonly name: string;
  /**
   * Pod Security Admission level enforced (and warned/audited) in the namespace.
   * @default 'restricted'
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Level reported by `warn` and `audit` (stricter than `enforce` shows what a relaxed namespace
   * would otherwise hide).
   * @default - the enforced level
   */
  readonly warnAndAudit?: PodSecurityLevel;
}

/** A Namespace that enforces a Pod Security Standard through Pod Security Admission labels. */
export class Namespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    this.name = checkDnsLabel(props.name, 'namespace');
    const level = props.podSecurity ?? 'restricted';
    const reported = props.warnAndAudit ?? level;
    clusterScoped(
      new k8s.KubeNamespace(this, 'Resource', {
        metadata: {
          name: this.name,
          labels: {
            'app.kubernetes.io/part-of': PART_OF,
            'app.kubernetes.io/managed-by': MANAGED_BY,
            'pod-security.kubernetes.io/enforce': level,
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/warn': reported,
            'pod-security.kubernetes.io/audit': reported,
          },
        },
      }),
    );
  }
}
