/** The scrubbing processors; rules, defaults and validation are in ../scrubbing.ts. */
import type { ScrubbingProcessors } from '../scrubbing';
import type { ProcessorModule } from './processor';

type WithScrubbing = { readonly scrubbing: ScrubbingProcessors };

/** Deletes and hashes whole attributes. */
export const scrubAttributesProcessor: ProcessorModule<WithScrubbing> = {
  id: 'attributes/scrub',
  block: (s) => s.scrubbing.attributes,
};

/** Rewrites parts of values (OTTL replace_pattern). */
export const scrubTransformProcessor: ProcessorModule<WithScrubbing> = {
  id: 'transform/scrub',
  block: (s) => s.scrubbing.transform,
};
