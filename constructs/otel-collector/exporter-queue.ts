/**
 * The exporters' sending queue (issue 24): batching, the queue's size in spans, retries, and the
 * optional durable queue in a `file_storage` extension on the gateway's PVC.
 *
 * Batching lives in the exporter (`sending_queue.batch`), not in a `batch` processor: the core's
 * batching plan (open-telemetry/opentelemetry-collector `docs/rfcs/batching-migration.md`)
 * deprecates the processor and then removes it from the default distributions, and the processor
 * cannot batch behind a persistent queue (it acknowledges before the export). Keys are those of
 * exporterhelper at core v0.161.0 (`exporter/exporterhelper/internal/queuebatch/config.go`):
 * `sending_queue: { enabled, num_consumers, sizer, queue_size, block_on_overflow, wait_for_result,
 * storage, batch: { flush_timeout, sizer, min_size, max_size, partition } }`; its `Validate` needs
 * `min_size <= queue_size` when both count items. `file_storage`: contrib v0.161.0
 * `extension/storage/filestorage/config.go`.
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { DurationInput, GoDuration, toDuration } from '../../lib/duration';
import { ConfigError, show } from '../../lib/errors';
import { checkBoolean, checkDnsSubdomain, checkPlainObject } from '../../lib/validate';
import type { DnsSubdomain } from '../../lib/input-types';

/** Batching in the exporter's sending queue (`sending_queue.batch`). */
export interface BatchProps {
  /** `flush_timeout`: a batch is sent after this long even when smaller than `sendBatchSize`. @default '200ms' */
  readonly timeout?: DurationInput;
  /** `min_size`: spans that make a batch full. @default 8192 */
  readonly sendBatchSize?: number;
  /** `max_size`: larger batches are split. @default - the larger of 10000 and sendBatchSize */
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

/** An exporter's queue, counted in spans (`sizer: items`). */
export interface ExportQueueSettings {
  readonly numConsumers: number;
  /** Spans the queue holds (`queue_size` with `sizer: items`). */
  readonly queueSize: number;
  /** In the gateway's `file_storage` extension instead of memory. */
  readonly durable: boolean;
}

/** Queue sizes when none is given: in memory a buffer for a short outage, on disk a long one. */
export const DEFAULT_QUEUE_SPANS = { memory: 50_000, disk: 1_000_000 } as const;

/** A batch must fit in its queue (exporterhelper refuses `min_size` above `queue_size`). */
export function checkBatchFits(batch: BatchSettings, queue: ExportQueueSettings, property: string): void {
  if (batch.sendBatchSize > queue.queueSize)
    throw new ConfigError(
      `${property}.batch.sendBatchSize`,
      `${batch.sendBatchSize} spans do not fit in the sending queue (${queue.queueSize} spans); lower sendBatchSize or raise the queue size`,
    );
}

/** Where the gateway keeps its durable queue. */
export const QUEUE_STORAGE = {
  extension: 'file_storage/queue',
  volume: 'queue',
  mountPath: '/var/lib/otelcol/queue',
} as const;

/** The gateway's durable sending queue. */
export interface PersistentQueueProps {
  /**
   * Size of each gateway replica's PersistentVolumeClaim. Environments with a capacity plan pass
   * the plan's `gateway.queueVolumeGi`.
   * @default - room for every durable queue: queue size × 1 KB × 2 (bbolt pages and free list) per
   * exporter, at least 1Gi
   */
  readonly size?: Size;
  /** StorageClass of the PVC. @default - the cluster's default StorageClass */
  readonly storageClassName?: DnsSubdomain;
  /**
   * fsync after every write (`file_storage.fsync`). Without it, a killed or evicted pod loses
   * nothing (the kernel holds what was written); only a node crash can lose the last writes.
   * @default false
   */
  readonly fsync?: boolean;
}

export interface ResolvedPersistentQueue {
  readonly size: Size;
  readonly storageClassName?: string;
  readonly fsync: boolean;
  /** `file_storage.max_size` of each queue's file: the volume never fills. */
  readonly maxFileBytes: number;
  /** Durable queues sharing the volume (one file each). */
  readonly queues: number;
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;
/** Bytes on disk per queued span the default volume plans for: 1 KB spans, ×2 for bbolt. */
const DISK_BYTES_PER_SPAN = 2000;
/** Share of the volume the queue files may fill (the rest: bbolt growth steps, compaction). */
const VOLUME_SHARE = 0.8;
/** The smallest file a queue may get: file_storage's rebound compaction needs 100 MiB. */
const MIN_QUEUE_FILE_MIB = 256;

/**
 * The durable queue of the gateway, or undefined when off. `queueSize` is the spans each exporter
 * queue holds, `queues` how many exporters share the volume.
 */
export function resolvePersistentQueue(
  props: PersistentQueueProps | boolean | undefined,
  queueSize: number,
  queues: number,
  property: string,
): ResolvedPersistentQueue | undefined {
  if (props === undefined || props === false) return undefined;
  const p = props === true ? {} : checkPlainObject(props, property, '{ size: Size.gibibytes(4) }');
  const size =
    p.size ?? Size.gibibytes(Math.max(1, Math.ceil((queueSize * DISK_BYTES_PER_SPAN * queues) / GIB)));
  if (!(size instanceof Size))
    throw new ConfigError(
      `${property}.size`,
      `${show(size)} is not a Size; create it with Size.gibibytes(4) (import { Size } from 'cdk8s')`,
    );
  const bytes = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) * 1024;
  const maxFileBytes = Math.floor((bytes * VOLUME_SHARE) / queues / MIB) * MIB;
  if (maxFileBytes < MIN_QUEUE_FILE_MIB * MIB)
    throw new ConfigError(
      `${property}.size`,
      `${size.asString()} is too small: ${queues === 1 ? 'the queue file gets' : `each of the ${queues} queue files gets`} ${Math.floor(maxFileBytes / MIB)} MiB (${VOLUME_SHARE * 100} % of the volume), below the ${MIN_QUEUE_FILE_MIB} MiB a queue file needs; give at least ${Math.ceil((MIN_QUEUE_FILE_MIB * queues) / VOLUME_SHARE / 1024)}Gi`,
    );
  if (p.storageClassName !== undefined) checkDnsSubdomain(p.storageClassName, `${property}.storageClassName`);
  const fsync = checkBoolean(p.fsync ?? false, `${property}.fsync`);
  return { size, storageClassName: p.storageClassName, fsync, maxFileBytes, queues };
}

/**
 * The `file_storage` extension holding the durable queues: one bbolt file per exporter in the
 * PVC, capped so the volume never fills (a full queue file refuses new spans, counted in
 * `otelcol_exporter_enqueue_failed_spans_total`).
 */
export function fileStorageExtension(q: ResolvedPersistentQueue): Record<string, unknown> {
  return {
    directory: QUEUE_STORAGE.mountPath,
    // The mount point exists in the pod; `otelcol validate` elsewhere needs this to pass.
    create_directory: true,
    timeout: '1s',
    fsync: q.fsync,
    max_size: q.maxFileBytes,
    // A file bbolt cannot open (a node crash mid-write) is renamed and a new one started, instead
    // of a crash loop (extension.go backupAndRecreateClient).
    recreate: true,
    // After an outage drained, give the grown file's pages back (README "Rebound (online)
    // compaction"); temporary files of a compaction killed half-way are removed at start.
    compaction: {
      on_rebound: true,
      directory: QUEUE_STORAGE.mountPath,
      cleanup_on_start: true,
    },
  };
}

/** The `sending_queue` block: spans counted as items, batches formed in the queue. */
export function sendingQueue(queue: ExportQueueSettings, batch: BatchSettings): Record<string, unknown> {
  return {
    enabled: true,
    num_consumers: queue.numConsumers,
    sizer: 'items',
    queue_size: queue.queueSize,
    ...(queue.durable ? { storage: QUEUE_STORAGE.extension } : {}),
    batch: {
      flush_timeout: batch.timeout.toString(),
      min_size: batch.sendBatchSize,
      max_size: batch.sendBatchMaxSize,
      sizer: 'items',
    },
  };
}

/**
 * `retry_on_failure`. In memory a batch is given up after 5 minutes; a durable queue keeps
 * retrying (`max_elapsed_time: 0`) and holds what arrives meanwhile, so an outage shorter than
 * the queue loses nothing. Only a full queue refuses spans, which the alerts report.
 */
export function retryOnFailure(durable: boolean): Record<string, unknown> {
  return {
    enabled: true,
    initial_interval: '5s',
    max_interval: '30s',
    max_elapsed_time: durable ? '0s' : '5m',
  };
}
