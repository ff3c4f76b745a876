import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GitOps, GitOpsProps } from '../constructs/platform/gitops';

/** Argo CD / Flux objects that point at `dist/<env>` (bootstrap, applied once by hand). */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: GitOpsProps) {
    super(scope, id, { disableResourceNameHashes: true });
    new GitOps(this, 'GitOps', props);
  }
}
