import { Size, SizeRoundingBehavior } from 'cdk8s';
import { ConfigError } from '../../lib/errors';
import { checkDnsSubdomain } from '../../lib/validate';

/** Where Tempo's WAL and blocks live inside the container (on the PVC for local storage). */
export const TEMPO_DATA_DIR = '/var/tempo';

export interface LocalStorageProps {
  /**
   * Size of each Tempo pod's PersistentVolumeClaim (WAL and blocks).
   * @default Size.gibibytes(10)
   */
  readonly size?: Size;
  /**
   * StorageClass of the PVC.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/**
 * Tempo's trace storage backend. One static factory per backend, e.g. `TempoStorage.local()`.
 */
export abstract class TempoStorage {
  /**
   * Blocks on the pod's own PersistentVolumeClaim. Only valid with one replica: several
   * single-binary replicas on local disks are independent instances that each hold a part of
   * the traces.
   */
  public static local(props: LocalStorageProps = {}): LocalTempoStorage {
    return new LocalTempoStorage(props);
  }

  /** Tempo's `storage.trace.backend` value. */
  public abstract readonly backend: 'local';
  /** `true` when every replica sees the same blocks, which is what more than one replica needs. */
  public abstract readonly shared: boolean;
}

export class LocalTempoStorage extends TempoStorage {
  public readonly backend = 'local' as const;
  public readonly shared = false;
  public readonly size: Size;
  public readonly storageClassName?: string;

  constructor(props: LocalStorageProps) {
    super();
    this.size = props.size ?? Size.gibibytes(10);
    if (props.storageClassName !== undefined) {
      checkDnsSubdomain(props.storageClassName, 'tempo.storage.storageClassName');
    }
    if (!(this.size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) >= 1024)) {
      throw new ConfigError('tempo.storage.size', `${this.size.asString()} is too small; expected at least 1Mi (e.g. Size.gibibytes(10))`);
    }
    this.storageClassName = props.storageClassName;
  }
}
