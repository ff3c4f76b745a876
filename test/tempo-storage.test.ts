import { Size, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { TempoChart } from '../charts/tempo-chart';
import { buildTempoConfig } from '../constructs/tempo/tempo-config';
import { resolveTempoSettings } from '../constructs/tempo/tempo-settings';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { validateAll } from './helpers/k8s-schema';
import { tempoConfigProblems } from './helpers/tempo-schema';

const storageConfig = (storage: TempoStorage) =>
  (buildTempoConfig(resolveTempoSettings({ storage })) as any).storage.trace;

function synth(storage: TempoStorage) {
  const chart = new TempoChart(Testing.app(), 'tempo', { namespace: 'tracing', tempo: { storage } });
  const manifests = Testing.synth(chart);
  const sts = manifests.find((m) => m.kind === 'StatefulSet');
  return {
    manifests,
    sts,
    container: sts.spec.template.spec.containers[0],
    sa: manifests.find((m) => m.kind === 'ServiceAccount'),
    config: parse(manifests.find((m) => m.metadata.name === 'tempo-config').data['tempo.yaml']),
  };
}

describe('storage backends', () => {
  test('local: blocks and WAL on the PVC', () => {
    expect(storageConfig(TempoStorage.local())).toEqual({
      backend: 'local',
      wal: { path: '/var/tempo/wal' },
      local: { path: '/var/tempo/traces' },
    });
  });

  test('S3-compatible (MinIO) with a Secret: placeholders in the config, secretKeyRef env, expand-env', () => {
    const storage = TempoStorage.s3({
      bucket: 'traces',
      endpoint: 'minio.minio:9000',
      insecure: true,
      forcePathStyle: true,
      secret: { name: 'minio-creds', accessKeyIdKey: 'user', secretAccessKeyKey: 'pass' },
    });
    expect(storageConfig(storage)).toEqual({
      backend: 's3',
      wal: { path: '/var/tempo/wal' },
      s3: {
        bucket: 'traces',
        endpoint: 'minio.minio:9000',
        access_key: '${TEMPO_S3_ACCESS_KEY_ID}',
        secret_key: '${TEMPO_S3_SECRET_ACCESS_KEY}',
        insecure: true,
        forcepathstyle: true,
      },
    });
    const { container, sa, manifests } = synth(storage);
    expect(container.args).toEqual(['-config.file=/conf/tempo.yaml', '-config.expand-env=true']);
    expect(container.env.slice(1)).toEqual([
      { name: 'TEMPO_S3_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'minio-creds', key: 'user' } } },
      {
        name: 'TEMPO_S3_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: 'minio-creds', key: 'pass' } },
      },
    ]);
    expect(sa.metadata.annotations).toBeUndefined();
    expect(validateAll(manifests)).toEqual([]);
  });

  test('S3 with IRSA and SSE-KMS: role annotation on the ServiceAccount, no keys, no expand-env', () => {
    const storage = TempoStorage.s3({
      bucket: 'prod-traces',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      prefix: 'tempo',
      sse: { type: 'SSE-KMS', kmsKeyId: 'alias/tracing' },
      workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/tempo' },
    });
    expect(storageConfig(storage).s3).toEqual({
      bucket: 'prod-traces',
      prefix: 'tempo',
      endpoint: 's3.eu-west-1.amazonaws.com',
      region: 'eu-west-1',
      insecure: false,
      forcepathstyle: false,
      sse: { type: 'SSE-KMS', kms_key_id: 'alias/tracing' },
    });
    const { container, sa } = synth(storage);
    expect(sa.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/tempo',
    });
    expect(container.args).toEqual(['-config.file=/conf/tempo.yaml']);
    expect(container.env.map((e: any) => e.name)).toEqual(['GOMEMLIMIT']);
    expect(
      storageConfig(TempoStorage.s3({ bucket: 'b', endpoint: 'e', sse: { type: 'SSE-S3' } })).s3.sse,
    ).toEqual({ type: 'SSE-S3' });
  });

  test('GCS with a key file: mounted read-only, GOOGLE_APPLICATION_CREDENTIALS points at it', () => {
    const storage = TempoStorage.gcs({
      bucketName: 'traces',
      prefix: 'tempo',
      secret: { name: 'gcs-key', key: 'key.json' },
    });
    expect(storageConfig(storage).gcs).toEqual({ bucket_name: 'traces', prefix: 'tempo' });
    const { container, sts, manifests } = synth(storage);
    expect(container.env).toContainEqual({
      name: 'GOOGLE_APPLICATION_CREDENTIALS',
      value: '/var/run/secrets/tempo-gcs/key.json',
    });
    expect(container.volumeMounts).toContainEqual({
      name: 'gcs-credentials',
      mountPath: '/var/run/secrets/tempo-gcs',
      readOnly: true,
    });
    expect(sts.spec.template.spec.volumes).toContainEqual({
      name: 'gcs-credentials',
      secret: { secretName: 'gcs-key', items: [{ key: 'key.json', path: 'key.json' }], defaultMode: 0o440 },
    });
    expect(validateAll(manifests)).toEqual([]);
  });

  test('GCS with GKE Workload Identity', () => {
    const { sa, container } = synth(
      TempoStorage.gcs({
        bucketName: 'traces',
        workloadIdentity: { serviceAccount: 'tempo-gsa@my-project.iam.gserviceaccount.com' },
      }),
    );
    expect(sa.metadata.annotations).toEqual({
      'iam.gke.io/gcp-service-account': 'tempo-gsa@my-project.iam.gserviceaccount.com',
    });
    expect(container.env.map((e: any) => e.name)).toEqual(['GOMEMLIMIT']);
  });

  test('Azure with an account key from a Secret', () => {
    const storage = TempoStorage.azure({
      containerName: 'traces',
      storageAccountName: 'tracingprod',
      secret: { name: 'azure-key', key: 'accountKey' },
    });
    expect(storageConfig(storage).azure).toEqual({
      storage_account_name: 'tracingprod',
      container_name: 'traces',
      storage_account_key: '${TEMPO_AZURE_STORAGE_ACCOUNT_KEY}',
    });
    const { container } = synth(storage);
    expect(container.args).toContain('-config.expand-env=true');
    expect(container.env).toContainEqual({
      name: 'TEMPO_AZURE_STORAGE_ACCOUNT_KEY',
      valueFrom: { secretKeyRef: { name: 'azure-key', key: 'accountKey' } },
    });
  });

  test('Azure Workload Identity: federated token, client-id annotation, pod label', () => {
    const clientId = '0b3c6a5e-1f2d-4c1a-9a3b-5d6e7f8a9b0c';
    const storage = TempoStorage.azure({
      containerName: 'traces',
      storageAccountName: 'tracingprod',
      workloadIdentity: { clientId },
    });
    expect(storageConfig(storage).azure).toEqual({
      storage_account_name: 'tracingprod',
      container_name: 'traces',
      use_federated_token: true,
    });
    const { sa, sts } = synth(storage);
    expect(sa.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': clientId });
    expect(sts.spec.template.metadata.labels['azure.workload.identity/use']).toBe('true');
    expect(sts.spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
  });

  test('Azure managed identity (user-assigned)', () => {
    const id = '11111111-2222-3333-4444-555555555555';
    expect(
      storageConfig(
        TempoStorage.azure({
          containerName: 'c',
          storageAccountName: 'acct',
          managedIdentity: { userAssignedId: id },
        }),
      ).azure,
    ).toEqual({
      storage_account_name: 'acct',
      container_name: 'c',
      use_managed_identity: true,
      user_assigned_id: id,
    });
  });

  test.each(
    [
      TempoStorage.local(),
      TempoStorage.s3({ bucket: 'b', endpoint: 'e:9000', secret: { name: 's' } }),
      TempoStorage.gcs({ bucketName: 'b' }),
      TempoStorage.azure({ containerName: 'c', storageAccountName: 'acct', managedIdentity: {} }),
    ].map((s) => [s.backend, s]),
  )('%s renders only keys Tempo 2.8.2 knows', (_b, storage) => {
    expect(tempoConfigProblems(buildTempoConfig(resolveTempoSettings({ storage })))).toEqual([]);
  });

  test('object storage keeps a PVC for the WAL, sized by `volume`', () => {
    const { sts } = synth(
      TempoStorage.s3({
        bucket: 'b',
        endpoint: 'e',
        volume: { size: Size.gibibytes(30), storageClassName: 'gp3' },
      }),
    );
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'gp3',
      resources: { requests: { storage: '30Gi' } },
    });
  });

  test('describe() summarizes backend and authentication', () => {
    expect(
      TempoStorage.s3({ bucket: 'b', endpoint: 'minio:9000', secret: { name: 'creds' } }).describe(),
    ).toBe('s3://b at minio:9000 (Secret creds)');
    expect(TempoStorage.local().describe()).toBe('local PVC 10Gi');
  });
});
