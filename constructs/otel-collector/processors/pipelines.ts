/**
 * The processors of each tier, in pipeline order. Adding a processor: write its module in this
 * folder (id, block, and a `resolve…` for its props) and add one entry here
 * (docs/howto-collector-processor.md).
 */
import { COLLECTOR_ENV } from '../collector-env';
import { k8sAttributesProcessor } from './k8s-attributes';
import { memoryLimiterProcessor } from './memory-limiter';
import type { AgentConfigSettings, GatewayConfigSettings } from '../collector-config';
import type { ProcessorModule } from './processor';
import { probabilisticSamplerProcessor, tailSamplingProcessor } from './sampling';
import { scrubAttributesProcessor, scrubTransformProcessor } from './scrubbing';

const k8sAttributes = k8sAttributesProcessor(COLLECTOR_ENV.nodeName);

/**
 * Gateway: memory_limiter → k8s_attributes → tail_sampling → scrubbing. k8s_attributes runs
 * before tail_sampling so policies could use pod metadata, and scrubbing after sampling so dropped
 * spans are never processed. Batching is the exporters' (`sending_queue.batch`, exporter-queue.ts).
 */
export const GATEWAY_PROCESSORS: readonly ProcessorModule<GatewayConfigSettings>[] = [
  memoryLimiterProcessor,
  k8sAttributes,
  tailSamplingProcessor,
  scrubAttributesProcessor,
  scrubTransformProcessor,
];

/** Agent: memory_limiter → k8s_attributes → [probabilistic_sampler] → [scrubbing]. */
export const AGENT_PROCESSORS: readonly ProcessorModule<AgentConfigSettings>[] = [
  memoryLimiterProcessor,
  k8sAttributes,
  probabilisticSamplerProcessor,
  scrubAttributesProcessor,
  scrubTransformProcessor,
];
