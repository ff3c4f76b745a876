/**
 * A collector processor as one module: its id in the config, and the block it contributes for
 * a tier's resolved settings (undefined: not in this pipeline). Settings and their validation
 * live beside each module (`resolve…` functions). The tiers' pipelines are ordered lists of
 * these modules (pipelines.ts): adding a processor is one new module and one entry there.
 */
export interface ProcessorModule<S> {
  /** Component id, e.g. `memory_limiter` or `attributes/scrub` (primary type name of the release). */
  readonly id: string;
  /** The processor's config block for these settings, or undefined to leave it out. */
  readonly block: (settings: S) => Record<string, unknown> | undefined;
}

/** The `processors` map and the pipeline's ordered ids, skipping modules that are left out. */
export function buildProcessors<S>(
  modules: readonly ProcessorModule<S>[],
  settings: S,
): { processors: Record<string, unknown>; order: string[] } {
  const present = modules
    .map((m) => [m.id, m.block(settings)] as const)
    .filter((e): e is readonly [string, Record<string, unknown>] => e[1] !== undefined);
  return { processors: Object.fromEntries(present), order: present.map(([id]) => id) };
}
