import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ConfigError, show } from '../../lib/errors';
import { MANAGED_BY, PART_OF } from '../../lib/labels';
import { GoDuration } from '../../lib/duration';
import { checkDnsLabel } from '../../lib/validate';
import type { DnsLabel, DnsSubdomain, GoDurationText, HttpUrl } from '../../lib/input-types';

export interface ArgoCdProps {
  /** Namespace of Argo CD. @default 'argocd' */
  readonly namespace?: DnsLabel;
  /** @default 'default' */
  readonly project?: DnsSubdomain;
  /** @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly destinationServer?: HttpUrl;
  /** Automated sync with prune and self-heal. @default true */
  readonly automated?: boolean;
}

export interface FluxProps {
  /** Namespace of Flux. @default 'flux-system' */
  readonly namespace?: DnsLabel;
  /** @default '10m' */
  readonly interval?: GoDurationText;
}

/** What an environment sets for its GitOps bootstrap objects. */
export interface GitOpsOptions {
  /**
   * The Git repository `dist/` is committed to (credential-free https://, ssh:// or git@ URL):
   * only you know it, so there is no default.
   */
  readonly repoURL: string;
  /** Branch or tag. @default 'main' */
  readonly revision?: string;
  /** An Argo CD `Application` for `dist/<env>`, or `false`. @default {} */
  readonly argocd?: ArgoCdProps | false;
  /** A Flux `GitRepository` + `Kustomization` for `dist/<env>`, or `false`. @default {} */
  readonly flux?: FluxProps | false;
}

export interface GitOpsProps extends GitOpsOptions {
  /** The environment: `dist/<environment>` is the synced folder. */
  readonly environment: string;
}

/**
 * Bootstrap objects that point a GitOps controller at `dist/<env>`: apply them once by hand (they
 * live in `dist/<env>/gitops/`, outside the folder's kustomization, so they never sync themselves).
 */
export class GitOps extends Construct {
  constructor(scope: Construct, id: string, props: GitOpsProps) {
    super(scope, id);
    const p = 'gitops';
    const repoURL = props.repoURL;
    if (repoURL === undefined)
      throw new ConfigError(
        `${p}.repoURL`,
        "is not set: Argo CD and Flux need the repository this dist/ is committed to; give gitops: { repoURL: 'https://github.com/acme/platform.git' }, or leave gitops out for no GitOps objects",
      );
    if (!/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(repoURL) || /\/\/[^/@]+:[^/@]+@/.test(repoURL)) {
      throw new ConfigError(
        `${p}.repoURL`,
        `${show(repoURL)} is not a credential-free https://, ssh:// or git@ repository URL; give e.g. 'https://github.com/acme/platform.git' and keep credentials in the controller's repository Secret`,
      );
    }
    const revision = props.revision ?? 'main';
    if (!/^[A-Za-z0-9._/-]+$/.test(revision))
      throw new ConfigError(
        `${p}.revision`,
        `${show(revision)} is not a branch or tag name; give e.g. 'main' or 'v1.2.0'`,
      );
    const name = `tracing-${props.environment}`;
    const labels = { 'app.kubernetes.io/part-of': PART_OF, 'app.kubernetes.io/managed-by': MANAGED_BY };
    const path = `dist/${props.environment}`;
    if (props.argocd !== false) {
      const a = props.argocd ?? {};
      new ApiObject(this, 'ArgoApplication', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name,
          namespace: checkDnsLabel(a.namespace ?? 'argocd', `${p}.argocd.namespace`),
          labels,
          // Deleting the Application deletes what it deployed, foreground (Argo CD's default). The
          // path-qualified name: Kubernetes warns about `resources-finalizer.argocd.argoproj.io`
          // (no `/`) on every apply; Argo CD v2.14 handles `…/foreground` and `…/background`
          // (pkg/apis/application/v1alpha1/application_defaults.go, controller/appcontroller.go;
          // docs/user-guide/app_deletion.md, `--propagation-policy`).
          finalizers: ['resources-finalizer.argocd.argoproj.io/foreground'],
        },
        spec: {
          project: a.project ?? 'default',
          source: { repoURL, targetRevision: revision, path },
          // Every object names its own namespace, so the destination needs none.
          destination: { server: a.destinationServer ?? 'https://kubernetes.default.svc' },
          syncPolicy: {
            ...((a.automated ?? true) ? { automated: { prune: true, selfHeal: true } } : {}),
            // PruneLast: objects that left dist/ are deleted only after the rest of the sync is
            // applied and healthy, so a workload that changes kind under the same name (the
            // collector gateway's Deployment becoming a StatefulSet) has its successor running
            // before it goes (Argo CD docs, user-guide/sync-options.md "Prune Last").
            syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
          },
        },
      });
    }
    if (props.flux !== false) {
      const f = props.flux ?? {};
      const namespace = checkDnsLabel(f.namespace ?? 'flux-system', `${p}.flux.namespace`);
      const interval = f.interval ?? '10m';
      GoDuration.parse(interval, `${p}.flux.interval`);
      new ApiObject(this, 'FluxGitRepository', {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace, labels },
        spec: { interval, url: repoURL, ref: { branch: revision } },
      });
      new ApiObject(this, 'FluxKustomization', {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace, labels },
        spec: {
          interval,
          path: `./${path}`,
          prune: true,
          wait: true,
          timeout: '5m',
          sourceRef: { kind: 'GitRepository', name },
        },
      });
    }
  }
}
