/** `batch`: last before the exporter, so every export carries a full batch. */
import { DurationInput, GoDuration, toDuration } from '../../../lib/duration';
import { ConfigError, show } from '../../../lib/errors';
import type { ProcessorModule } from './processor';

export interface BatchProps {
  /** @default '200ms' */
  readonly timeout?: DurationInput;
  /** @default 8192 */
  readonly sendBatchSize?: number;
  /** @default - the larger of 10000 and sendBatchSize */
  readonly sendBatchMaxSize?: number;
}

export interface BatchSettings {
  readonly timeout: GoDuration;
  readonly sendBatchSize: number;
  readonly sendBatchMaxSize: number;
}

export function resolveBatch(props: BatchProps | undefined, property: string): BatchSettings {
  const timeout = toDuration(props?.timeout ?? '200ms', `${property}.timeout`);
  if (timeout.milliseconds <= 0)
    throw new ConfigError(
      `${property}.timeout`,
      `${show(timeout.toString())} must be longer than 0s; give a positive duration such as '10s'`,
    );
  const sendBatchSize = props?.sendBatchSize ?? 8192;
  if (!Number.isInteger(sendBatchSize) || sendBatchSize < 1) {
    throw new ConfigError(
      `${property}.sendBatchSize`,
      `${show(sendBatchSize)} is not valid; a batch needs at least 1 span (0 would send every span alone)`,
    );
  }
  const sendBatchMaxSize = props?.sendBatchMaxSize ?? Math.max(10_000, sendBatchSize);
  if (!Number.isInteger(sendBatchMaxSize) || sendBatchMaxSize < sendBatchSize) {
    throw new ConfigError(
      `${property}.sendBatchMaxSize`,
      `${show(sendBatchMaxSize)} is below sendBatchSize (${sendBatchSize}); raise sendBatchMaxSize or lower sendBatchSize`,
    );
  }
  return { timeout, sendBatchSize, sendBatchMaxSize };
}

export const batchProcessor: ProcessorModule<{ readonly batch: BatchSettings }> = {
  id: 'batch',
  block: (s) => ({
    timeout: s.batch.timeout.toString(),
    send_batch_size: s.batch.sendBatchSize,
    send_batch_max_size: s.batch.sendBatchMaxSize,
  }),
};
