/**
 * Tempo's trace storage backends: one static factory each (`TempoStorage.local()`, `.s3()`,
 * `.gcs()`, `.azure()`). A backend knows the `storage.trace.<backend>` block it renders and how
 * its credentials reach the pod: environment variables from an existing Secret (with
 * `-config.expand-env=true` and `${VAR}` placeholders), a mounted key file, or workload identity
 * through ServiceAccount annotations. Credential values never appear in the props or in `dist/`.
 *
 * Keys: grafana/tempo v3.0.3 and v2.10.8 `tempodb/backend/{s3,gcs,azure,local}` config structs
 * (the same in both; checked against both reference dumps in `schemas/tempo/`).
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ConfigError, DeferredChecks, show } from '../../lib/errors';
import { checkSecretRef, SecretKeyRef, secretEnv, secretFilesVolume } from '../../lib/secrets';
import { checkDnsSubdomain, checkPlainObject } from '../../lib/validate';

/** Where Tempo's WAL and blocks live inside the container (on the PVC). */
export const TEMPO_DATA_DIR = '/var/tempo';

export interface VolumeProps {
  /**
   * Size of each Tempo pod's PersistentVolumeClaim: blocks and WAL for local storage, the WAL
   * (and metrics-generator WAL) for object storage.
   * @default Size.gibibytes(10)
   */
  readonly size?: Size;
  /**
   * StorageClass of the PVC.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

/** What a backend adds to the Tempo pod so that it can reach its storage. */
export interface StorageWiring {
  /** `storage.trace.<backend>` block. */
  readonly config: Record<string, unknown>;
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly volumeMounts: k8s.VolumeMount[];
  readonly serviceAccountAnnotations: Record<string, string>;
  readonly podLabels: Record<string, string>;
  /** True when the config holds `${VAR}` placeholders, so Tempo needs `-config.expand-env=true`. */
  readonly expandEnv: boolean;
}

export type TempoBackend = 'local' | 's3' | 'gcs' | 'azure';

/** Env var names Tempo reads its secrets from; only the names are in `dist/`. */
export const CREDENTIAL_ENV = {
  s3AccessKey: 'TEMPO_S3_ACCESS_KEY_ID',
  s3SecretKey: 'TEMPO_S3_SECRET_ACCESS_KEY',
  azureAccountKey: 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY',
} as const;

const GCS_KEY_DIR = '/var/run/secrets/tempo-gcs';

/** Prop names that would carry a credential value: always an error, never a warning. */
const LITERAL_CREDENTIAL_PROPS = [
  'accessKey',
  'access_key',
  'accessKeyId',
  'secretKey',
  'secret_key',
  'secretAccessKey',
  'sessionToken',
  'session_token',
  'storageAccountKey',
  'storage_account_key',
  'accountKey',
  'password',
  'credentials',
  'credentialsJson',
  'serviceAccountKey',
  'token',
];
const CREDENTIAL_VALUE = /AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"private_key"/;

function rejectLiteralCredentials(props: object, property: string): void {
  for (const [key, value] of Object.entries(props)) {
    if (LITERAL_CREDENTIAL_PROPS.includes(key)) {
      throw new ConfigError(
        `${property}.${key}`,
        'literal credentials are not allowed (dist/ is committed to git); reference an existing Secret with `secret: {...}` or use `workloadIdentity`',
      );
    }
    if (typeof value === 'string' && CREDENTIAL_VALUE.test(value)) {
      throw new ConfigError(
        `${property}.${key}`,
        'looks like a credential value; dist/ is committed to git, so reference an existing Secret instead',
      );
    }
  }
}

function onlyOneIdentity(
  props: { secret?: unknown; workloadIdentity?: unknown },
  property: string,
  extra: Record<string, unknown> = {},
): void {
  const given = Object.entries({ secret: props.secret, workloadIdentity: props.workloadIdentity, ...extra })
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k]) => k);
  if (given.length > 1) {
    throw new ConfigError(
      property,
      `both ${given.map((g) => `'${g}'`).join(' and ')} are set; choose one way to authenticate`,
    );
  }
}

function nonEmpty(value: string | undefined, property: string, example: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new ConfigError(property, `is required; e.g. ${example}`);
  return value;
}

function checkPrefix(prefix: string | undefined, property: string): Record<string, string> {
  if (prefix === undefined) return {};
  if (!/^[A-Za-z0-9!_.*'()\-/]+$/.test(prefix) || prefix.startsWith('/')) {
    throw new ConfigError(
      property,
      `${show(prefix)} is not a valid object prefix; use letters, digits and -_.!*'()/ without a leading '/'`,
    );
  }
  return { prefix };
}

const NO_WIRING = {
  env: [],
  volumes: [],
  volumeMounts: [],
  serviceAccountAnnotations: {},
  podLabels: {},
  expandEnv: false,
};

/**
 * Tempo's trace storage backend. The factories only store their props; the checks run when the
 * environment is validated (see DeferredChecks), so a bad value is reported as `<env>.tempo.storage…`.
 */
export abstract class TempoStorage extends DeferredChecks {
  /**
   * Blocks on each pod's own PersistentVolumeClaim. Only valid with one replica: several
   * replicas on local disks are independent instances that each hold part of the traces.
   */
  public static local(props: VolumeProps = {}): LocalTempoStorage {
    return new LocalTempoStorage(props);
  }

  /** Amazon S3 or an S3-compatible store (MinIO, Ceph RGW, …). */
  public static s3(props: S3StorageProps): S3TempoStorage {
    return new S3TempoStorage(props);
  }

  /** Google Cloud Storage. */
  public static gcs(props: GcsStorageProps): GcsTempoStorage {
    return new GcsTempoStorage(props);
  }

  /** Azure Blob Storage. */
  public static azure(props: AzureStorageProps): AzureTempoStorage {
    return new AzureTempoStorage(props);
  }

  /** Tempo's `storage.trace.backend` value. */
  public abstract readonly backend: TempoBackend;
  private checkedVolume?: Required<Pick<VolumeProps, 'size'>> & Pick<VolumeProps, 'storageClassName'>;

  protected constructor(
    private readonly volumeProps: () => VolumeProps | undefined,
    private readonly volumeProperty: string,
  ) {
    super();
  }

  /** PVC of each pod (blocks + WAL for local, WAL only for object storage). */
  public get volume(): Required<Pick<VolumeProps, 'size'>> & Pick<VolumeProps, 'storageClassName'> {
    this.check();
    return this.checkedVolume!;
  }

  /** Checks the volume; subclasses check their own props after calling this. */
  protected validate(): void {
    const property = this.volumeProperty;
    const volume =
      this.volumeProps() === undefined
        ? undefined
        : checkPlainObject(this.volumeProps(), property, '{ size: Size.gibibytes(10) }');
    const size = volume?.size ?? Size.gibibytes(10);
    if (!(size instanceof Size))
      throw new ConfigError(
        `${property}.size`,
        `${show(size)} is not a Size; create it with Size.gibibytes(10) (import { Size } from 'cdk8s')`,
      );
    if (!(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) >= 1024)) {
      throw new ConfigError(
        `${property}.size`,
        `${size.asString()} is too small; expected at least 1Mi (e.g. Size.gibibytes(10))`,
      );
    }
    if (volume?.storageClassName !== undefined)
      checkDnsSubdomain(volume.storageClassName, `${property}.storageClassName`);
    this.checkedVolume = { size, storageClassName: volume?.storageClassName };
  }

  /** True when every replica sees the same blocks (object storage). */
  public get shared(): boolean {
    return this.backend !== 'local';
  }

  /** Config block, env, volumes and identity this backend needs. */
  public abstract wiring(): StorageWiring;

  /** One line for summaries: backend, bucket, how it authenticates. */
  public abstract describe(): string;
}

export class LocalTempoStorage extends TempoStorage {
  public readonly backend = 'local' as const;

  constructor(props: VolumeProps) {
    super(() => props, 'tempo.storage');
  }

  public wiring(): StorageWiring {
    this.check();
    return { ...NO_WIRING, config: { path: `${TEMPO_DATA_DIR}/traces` } };
  }

  public describe(): string {
    this.check();
    return `local PVC ${this.volume.size.asString()}`;
  }
}

export interface S3SecretProps {
  /** Name of an existing Secret in the Tempo namespace. */
  readonly name: string;
  /** @default 'AWS_ACCESS_KEY_ID' */
  readonly accessKeyIdKey?: string;
  /** @default 'AWS_SECRET_ACCESS_KEY' */
  readonly secretAccessKeyKey?: string;
}

export type S3ServerSideEncryption =
  | { readonly type: 'SSE-S3' }
  | { readonly type: 'SSE-KMS'; readonly kmsKeyId: string; readonly kmsEncryptionContext?: string };

export interface S3StorageProps {
  readonly bucket: string;
  /** Host (and port) of the S3 API, without scheme: `s3.eu-west-1.amazonaws.com`, `minio.minio:9000`. */
  readonly endpoint: string;
  /** @default - none (required by AWS S3, usually not by MinIO) */
  readonly region?: string;
  /** Object key prefix inside the bucket. @default - the bucket root */
  readonly prefix?: string;
  /** Plain HTTP to the endpoint (in-cluster MinIO). @default false */
  readonly insecure?: boolean;
  /** Path-style URLs (`endpoint/bucket`), needed by MinIO. @default false */
  readonly forcePathStyle?: boolean;
  /** Server-side encryption. @default - none */
  readonly sse?: S3ServerSideEncryption;
  /** Access key pair from an existing Secret. @default - none */
  readonly secret?: S3SecretProps;
  /** AWS IRSA: the IAM role the ServiceAccount assumes. @default - none */
  readonly workloadIdentity?: { readonly roleArn: string };
  /** PVC for the WAL. @default - 10Gi, default StorageClass */
  readonly volume?: VolumeProps;
}

export class S3TempoStorage extends TempoStorage {
  public readonly backend = 's3' as const;
  private checkedSecretRefs?: { accessKey: SecretKeyRef; secretKey: SecretKeyRef };

  private get secretRefs(): { accessKey: SecretKeyRef; secretKey: SecretKeyRef } | undefined {
    this.check();
    return this.checkedSecretRefs;
  }

  constructor(public readonly props: S3StorageProps) {
    super(() => props?.volume, 'tempo.storage.volume');
  }

  protected validate(): void {
    const props = checkPlainObject(
      this.props,
      'tempo.storage.s3',
      "{ bucket: 'tempo-traces', endpoint: 's3.eu-west-1.amazonaws.com' }",
    );
    super.validate();
    const p = 'tempo.storage.s3';
    checkPrefix(props.prefix, `${p}.prefix`);
    rejectLiteralCredentials(props, p);
    nonEmpty(props.bucket, `${p}.bucket`, "'tempo-traces'");
    nonEmpty(props.endpoint, `${p}.endpoint`, "'s3.eu-west-1.amazonaws.com' or 'minio.minio.svc:9000'");
    if (/^[a-z]+:\/\//.test(props.endpoint)) {
      throw new ConfigError(
        `${p}.endpoint`,
        `${show(props.endpoint)} must be a host[:port] without scheme; use 'insecure: true' for plain HTTP`,
      );
    }
    onlyOneIdentity(props, p);
    if (props.secret) {
      rejectLiteralCredentials(props.secret, `${p}.secret`);
      this.checkedSecretRefs = {
        accessKey: checkSecretRef(
          { name: props.secret.name, key: props.secret.accessKeyIdKey ?? 'AWS_ACCESS_KEY_ID' },
          `${p}.secret`,
        ),
        secretKey: checkSecretRef(
          { name: props.secret.name, key: props.secret.secretAccessKeyKey ?? 'AWS_SECRET_ACCESS_KEY' },
          `${p}.secret`,
        ),
      };
    }
    if (
      props.workloadIdentity &&
      !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/.test(props.workloadIdentity.roleArn)
    ) {
      throw new ConfigError(
        `${p}.workloadIdentity.roleArn`,
        `${show(props.workloadIdentity.roleArn)} is not an IAM role ARN; expected arn:aws:iam::<account-id>:role/<name>`,
      );
    }
    if (props.sse && !['SSE-S3', 'SSE-KMS'].includes(props.sse.type)) {
      throw new ConfigError(
        `${p}.sse.type`,
        `${show(props.sse.type)} is not supported; expected 'SSE-S3' or 'SSE-KMS' (SSE-C would need a key in the config)`,
      );
    }
    if (props.sse?.type === 'SSE-KMS')
      nonEmpty(
        props.sse.kmsKeyId,
        `${p}.sse.kmsKeyId`,
        "'arn:aws:kms:eu-west-1:123456789012:key/…' or a key id",
      );
  }

  public wiring(): StorageWiring {
    this.check();
    const p = this.props;
    const sse =
      p.sse === undefined
        ? {}
        : {
            sse:
              p.sse.type === 'SSE-KMS'
                ? {
                    type: 'SSE-KMS',
                    kms_key_id: p.sse.kmsKeyId,
                    ...(p.sse.kmsEncryptionContext
                      ? { kms_encryption_context: p.sse.kmsEncryptionContext }
                      : {}),
                  }
                : { type: 'SSE-S3' },
          };
    return {
      ...NO_WIRING,
      config: {
        bucket: p.bucket,
        ...checkPrefix(p.prefix, 'tempo.storage.s3.prefix'),
        endpoint: p.endpoint,
        ...(p.region ? { region: p.region } : {}),
        ...(this.secretRefs
          ? {
              access_key: `\${${CREDENTIAL_ENV.s3AccessKey}}`,
              secret_key: `\${${CREDENTIAL_ENV.s3SecretKey}}`,
            }
          : {}),
        insecure: p.insecure ?? false,
        forcepathstyle: p.forcePathStyle ?? false,
        ...sse,
      },
      env: this.secretRefs
        ? [
            secretEnv(CREDENTIAL_ENV.s3AccessKey, this.secretRefs.accessKey),
            secretEnv(CREDENTIAL_ENV.s3SecretKey, this.secretRefs.secretKey),
          ]
        : [],
      // IRSA: the EKS pod identity webhook injects AWS_ROLE_ARN and a projected token that the
      // S3 client's credential chain (minio-go, web identity) picks up.
      serviceAccountAnnotations: p.workloadIdentity
        ? { 'eks.amazonaws.com/role-arn': p.workloadIdentity.roleArn }
        : {},
      expandEnv: this.secretRefs !== undefined,
    };
  }

  public describe(): string {
    this.check();
    const auth = this.props.secret
      ? `Secret ${this.props.secret.name}`
      : this.props.workloadIdentity
        ? 'IRSA'
        : 'default AWS credential chain';
    return `s3://${this.props.bucket} at ${this.props.endpoint} (${auth})`;
  }
}

export interface GcsStorageProps {
  readonly bucketName: string;
  /** Object prefix inside the bucket. @default - the bucket root */
  readonly prefix?: string;
  /** Service-account key file (JSON) from an existing Secret, mounted read-only. @default - none */
  readonly secret?: SecretKeyRef;
  /** GKE Workload Identity: the Google service account to impersonate. @default - none */
  readonly workloadIdentity?: { readonly serviceAccount: string };
  /** PVC for the WAL. @default - 10Gi, default StorageClass */
  readonly volume?: VolumeProps;
}

export class GcsTempoStorage extends TempoStorage {
  public readonly backend = 'gcs' as const;

  constructor(public readonly props: GcsStorageProps) {
    super(() => props?.volume, 'tempo.storage.volume');
  }

  protected validate(): void {
    const props = checkPlainObject(this.props, 'tempo.storage.gcs', "{ bucketName: 'tempo-traces' }");
    super.validate();
    const p = 'tempo.storage.gcs';
    checkPrefix(props.prefix, `${p}.prefix`);
    rejectLiteralCredentials(props, p);
    nonEmpty(props.bucketName, `${p}.bucketName`, "'tempo-traces'");
    onlyOneIdentity(props, p);
    if (props.secret) checkSecretRef(props.secret, `${p}.secret`);
    if (
      props.workloadIdentity &&
      !/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/.test(
        props.workloadIdentity.serviceAccount,
      )
    ) {
      throw new ConfigError(
        `${p}.workloadIdentity.serviceAccount`,
        `${show(props.workloadIdentity.serviceAccount)} is not a Google service account; expected <name>@<project>.iam.gserviceaccount.com`,
      );
    }
  }

  public wiring(): StorageWiring {
    this.check();
    const p = this.props;
    return {
      ...NO_WIRING,
      config: { bucket_name: p.bucketName, ...checkPrefix(p.prefix, 'tempo.storage.gcs.prefix') },
      env: p.secret
        ? [{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: `${GCS_KEY_DIR}/${p.secret.key}` }]
        : [],
      volumes: p.secret ? [secretFilesVolume('gcs-credentials', p.secret.name, [p.secret.key])] : [],
      volumeMounts: p.secret ? [{ name: 'gcs-credentials', mountPath: GCS_KEY_DIR, readOnly: true }] : [],
      serviceAccountAnnotations: p.workloadIdentity
        ? { 'iam.gke.io/gcp-service-account': p.workloadIdentity.serviceAccount }
        : {},
    };
  }

  public describe(): string {
    this.check();
    const auth = this.props.secret
      ? `key file from Secret ${this.props.secret.name}`
      : this.props.workloadIdentity
        ? 'GKE Workload Identity'
        : 'default credentials';
    return `gs://${this.props.bucketName} (${auth})`;
  }
}

export interface AzureStorageProps {
  readonly containerName: string;
  readonly storageAccountName: string;
  /** Blob prefix inside the container. @default - the container root */
  readonly prefix?: string;
  /** @default 'blob.core.windows.net' */
  readonly endpointSuffix?: string;
  /** Storage account key from an existing Secret. @default - none */
  readonly secret?: SecretKeyRef;
  /** Azure Workload Identity: client id of the federated identity. @default - none */
  readonly workloadIdentity?: { readonly clientId: string };
  /** Managed identity of the node (optionally a user-assigned one, by client id). @default - none */
  readonly managedIdentity?: { readonly userAssignedId?: string };
  /** PVC for the WAL. @default - 10Gi, default StorageClass */
  readonly volume?: VolumeProps;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class AzureTempoStorage extends TempoStorage {
  public readonly backend = 'azure' as const;

  constructor(public readonly props: AzureStorageProps) {
    super(() => props?.volume, 'tempo.storage.volume');
  }

  protected validate(): void {
    const props = checkPlainObject(
      this.props,
      'tempo.storage.azure',
      "{ containerName: 'tempo-traces', storageAccountName: 'tracingprod' }",
    );
    super.validate();
    const p = 'tempo.storage.azure';
    checkPrefix(props.prefix, `${p}.prefix`);
    rejectLiteralCredentials(props, p);
    nonEmpty(props.containerName, `${p}.containerName`, "'tempo-traces'");
    nonEmpty(props.storageAccountName, `${p}.storageAccountName`, "'tracingprod'");
    if (!/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      throw new ConfigError(
        `${p}.storageAccountName`,
        `${show(props.storageAccountName)} is not a storage account name; expected 3-24 lowercase letters and digits`,
      );
    }
    onlyOneIdentity(props, p, { managedIdentity: props.managedIdentity });
    if (props.secret) checkSecretRef(props.secret, `${p}.secret`);
    if (props.workloadIdentity && !UUID.test(props.workloadIdentity.clientId)) {
      throw new ConfigError(
        `${p}.workloadIdentity.clientId`,
        `${show(props.workloadIdentity.clientId)} is not a client id; expected a UUID`,
      );
    }
    if (
      props.managedIdentity?.userAssignedId !== undefined &&
      !UUID.test(props.managedIdentity.userAssignedId)
    ) {
      throw new ConfigError(
        `${p}.managedIdentity.userAssignedId`,
        `${show(props.managedIdentity.userAssignedId)} is not a client id; expected a UUID`,
      );
    }
  }

  public wiring(): StorageWiring {
    this.check();
    const p = this.props;
    return {
      ...NO_WIRING,
      config: {
        storage_account_name: p.storageAccountName,
        container_name: p.containerName,
        ...checkPrefix(p.prefix, 'tempo.storage.azure.prefix'),
        ...(p.endpointSuffix ? { endpoint_suffix: p.endpointSuffix } : {}),
        ...(p.secret ? { storage_account_key: `\${${CREDENTIAL_ENV.azureAccountKey}}` } : {}),
        ...(p.workloadIdentity ? { use_federated_token: true } : {}),
        ...(p.managedIdentity
          ? {
              use_managed_identity: true,
              ...(p.managedIdentity.userAssignedId
                ? { user_assigned_id: p.managedIdentity.userAssignedId }
                : {}),
            }
          : {}),
      },
      env: p.secret ? [secretEnv(CREDENTIAL_ENV.azureAccountKey, p.secret)] : [],
      // Azure Workload Identity: the webhook injects the federated token into pods labelled
      // azure.workload.identity/use=true whose ServiceAccount names the client id.
      serviceAccountAnnotations: p.workloadIdentity
        ? { 'azure.workload.identity/client-id': p.workloadIdentity.clientId }
        : {},
      podLabels: p.workloadIdentity ? { 'azure.workload.identity/use': 'true' } : {},
      expandEnv: p.secret !== undefined,
    };
  }

  public describe(): string {
    this.check();
    const auth = this.props.secret
      ? `key from Secret ${this.props.secret.name}`
      : this.props.workloadIdentity
        ? 'Azure Workload Identity'
        : this.props.managedIdentity
          ? 'managed identity'
          : 'no credentials';
    return `azure://${this.props.storageAccountName}/${this.props.containerName} (${auth})`;
  }
}
