/**
 * The Git repository this `dist/` is committed to: where Argo CD and Flux pull `dist/<env>/` from
 * (each environment's `gitops.repoURL`). The shipped environments name tracesynth's own repository,
 * where their `dist/` lives. In a fork, name yours here before applying `dist/<env>/gitops/`:
 * otherwise your controllers would sync tracesynth's `dist/` into your cluster.
 */
export const REPOSITORY = 'https://github.com/tracesynth/tracesynth';
