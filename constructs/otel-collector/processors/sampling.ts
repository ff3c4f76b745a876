/** The sampling processors; their settings and validation are in ../sampling.ts. */
import type { TailSampling } from '../sampling';
import type { ProcessorModule } from './processor';

/** Gateway: whole traces after `decision_wait`. */
export const tailSamplingProcessor: ProcessorModule<{ readonly sampling?: TailSampling }> = {
  id: 'tail_sampling',
  block: (s) => s.sampling?.processorConfig(),
};

/** Agent: per span, by trace ID hash, so the spans of a trace agree. */
export const probabilisticSamplerProcessor: ProcessorModule<{ readonly headSamplingPercentage?: number }> = {
  id: 'probabilistic_sampler',
  block: (s) =>
    s.headSamplingPercentage === undefined ? undefined : { sampling_percentage: s.headSamplingPercentage },
};
