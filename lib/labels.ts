/** The `app.kubernetes.io/*` label set every object carries. */
export interface ComponentIdentity {
  /** `app.kubernetes.io/name`, the application: `tempo`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: this installation, e.g. the construct's name. */
  readonly instance: string;
  /** `app.kubernetes.io/component`: `single-binary`, `distributor`, … */
  readonly component: string;
  /** `app.kubernetes.io/version`: the image tag. Never part of a selector. */
  readonly version: string;
}

export const PART_OF = 'tracesynth';
export const MANAGED_BY = 'tracesynth';

/**
 * Labels that identify a workload's pods and never change across upgrades. Selectors are
 * immutable on Deployments and StatefulSets, so `version` is deliberately left out.
 */
export function selectorLabels(id: ComponentIdentity): Record<string, string> {
  return {
    'app.kubernetes.io/name': id.name,
    'app.kubernetes.io/instance': id.instance,
    'app.kubernetes.io/component': id.component,
  };
}

/** Selector labels plus the labels that may change (version) or are informative. */
export function standardLabels(id: ComponentIdentity): Record<string, string> {
  return {
    ...selectorLabels(id),
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'app.kubernetes.io/version': id.version,
  };
}
