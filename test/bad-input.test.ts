/**
 * Bad input as a user meets it: an environment file (TypeScript or plain JavaScript) loaded by
 * the CLI exactly like environments/index.ts. Every case must exit 1 with exactly one line
 * `error: <env>.<property.path>: <what is wrong>; <the fix>`, no stack trace, and leave dist/
 * byte-identical with nothing left beside it. Most cases run in process (runCli with the file
 * loaded inside its error boundary); a few run main.ts bundled with the file as a child process.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  bundleWith,
  expectErrorLines,
  expectOneErrorLine,
  hashTree,
  useDistCopy,
  ROOT,
  runBundle,
  runInProcess,
  unwritableErrorPaths,
  writeEnvironmentsModule,
} from './helpers/cli-run';
import { buildEnvironment } from '../charts/environment';
import { selectEnvironments } from '../lib/cli';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { urlPeer } from '../constructs/common/flows';

/** [title, environment expression, the start of the expected message (path and, often, text)]. */
type Case = readonly [string, string, string];

const LOCAL = 'TempoStorage.local({ size: Size.gibibytes(5) })';
const S3 = (extra: string) => `TempoStorage.s3({ bucket: 'b', endpoint: 'minio.minio:9000', ${extra} })`;
const qa = (fields: string) => `{ name: 'qa', ${fields} }`;
const tempo = (fields: string) => qa(`tempo: { storage: ${LOCAL}, ${fields} }`);
const collector = (fields: string) => qa(`collector: { ${fields} }`);
const resources = (r: string) => tempo(`resources: ${r}`);

/** A multi-tenant stack with a query gateway (and fields of its own). */
const gateway = (fields: string, extra = '') =>
  qa(
    `tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { tenant: 'team-a' }, grafana: false, ${extra} queryGateway: { auth: GatewayAuth.basic({ secretName: 'gw-htpasswd' }), users: { alice: 'team-a' }, ${fields} }`,
  );

const CASES: readonly Case[] = [
  // Unknown keys, wrong types, null, NaN, Infinity (what tsc would catch, were it run)
  [
    'misspelt key',
    tempo(`retentoin: '5m'`),
    "qa.tempo.retentoin: unknown property (value '5m'); did you mean 'retention'?",
  ],
  [
    'misspelt top-level key',
    qa(`tempoo: {}`),
    "qa.tempoo: unknown property (value {}); did you mean 'tempo'?",
  ],
  [
    'unknown key far from any',
    qa(`colour: 'blue'`),
    "qa.colour: unknown property (value 'blue'); remove it; known properties: name,",
  ],
  [
    'misspelt nested key',
    tempo(`ingester: { maxBlockDurationn: '30m' }`),
    "qa.tempo.ingester.maxBlockDurationn: unknown property (value '30m'); did you mean 'maxBlockDuration'?",
  ],
  ['tempo: null', qa(`tempo: null`), 'qa.tempo: null is not an object; give an object'],
  ['tempo: a string', qa(`tempo: 'big'`), "qa.tempo: 'big' is not an object"],
  ['tempo: a list', qa(`tempo: []`), 'qa.tempo: [] is not an object'],
  ['tempo: a function', qa(`tempo: () => ({})`), 'qa.tempo: a function (tempo) is not an object'],
  ['tempo: a Date', qa(`tempo: new Date(0)`), 'qa.tempo: a Date instance is not an object'],
  [
    'replicas: a string',
    tempo(`replicas: 'three'`),
    "qa.tempo.replicas: 'three' is not a number; give a number",
  ],
  ['replicas: NaN', tempo(`replicas: NaN`), 'qa.tempo.replicas: NaN is not a number; give a finite number'],
  ['replicas: Infinity', tempo(`replicas: Infinity`), 'qa.tempo.replicas: Infinity is not a finite number'],
  [
    'replicas: -Infinity',
    tempo(`replicas: -Infinity`),
    'qa.tempo.replicas: -Infinity is not a finite number',
  ],
  [
    'replicas: 1.5',
    tempo(`replicas: 1.5`),
    'qa.tempo.replicas: 1.5 is not valid; expected an integer from 0 to 2147483647',
  ],
  [
    'replicas: -1',
    tempo(`replicas: -1`),
    'qa.tempo.replicas: -1 is not valid; expected an integer from 0 to 2147483647',
  ],
  [
    'replicas above int32',
    tempo(`replicas: 3e9`),
    'qa.tempo.replicas: 3000000000 is not valid; expected an integer from 0 to 2147483647 (a Kubernetes int32)',
  ],
  ['replicas above 2^53', tempo(`replicas: 1e300`), 'qa.tempo.replicas: 1e+300 is out of range'],
  [
    'replicas above the replica limit',
    tempo(`replicas: 5000`),
    "qa.tempo.replicas: 5000 is not valid; expected an integer from 0 to 1000 (the environment's replicaLimit",
  ],
  [
    'replicas above a lowered replica limit',
    qa(`replicaLimit: 2, collector: { gateway: { replicas: 3 } }`),
    'qa.collector.gateway.replicas: 3 is not valid; expected an integer from 0 to 2',
  ],
  [
    'replicaLimit: 0',
    qa(`replicaLimit: 0`),
    'qa.replicaLimit: 0 is not valid; expected an integer from 1 to 2147483647',
  ],
  ['replicaLimit: a string', qa(`replicaLimit: 'many'`), "qa.replicaLimit: 'many' is not a number"],
  [
    'multitenancy: a string',
    tempo(`multitenancy: 'yes'`),
    "qa.tempo.multitenancy: 'yes' is not true or false; give true or false",
  ],
  ['manageNamespace: a string', qa(`manageNamespace: 'no'`), "qa.manageNamespace: 'no' is not true or false"],
  ['httpPort: a string', tempo(`httpPort: 'x'`), "qa.tempo.httpPort: 'x' is not a number"],
  [
    'httpPort out of range',
    tempo(`httpPort: 99999`),
    'qa.tempo.httpPort: 99999 is not valid; expected an integer from 1 to 65535 (a TCP/UDP port)',
  ],
  [
    'receiver port 70000',
    tempo(`receivers: { zipkin: { port: 70000 } }`),
    'qa.tempo.receivers.zipkin.port: 70000 is not valid; expected an integer from 1 to 65535',
  ],
  [
    'receiver port 0',
    tempo(`receivers: { otlpGrpc: { port: 0 } }`),
    'qa.tempo.receivers.otlpGrpc.port: 0 is not valid',
  ],
  [
    'receiver: a string',
    tempo(`receivers: { zipkin: 'on' }`),
    "qa.tempo.receivers.zipkin: 'on' is not true or false or an object",
  ],
  [
    'receiver: not a port name',
    tempo(`receivers: { zipkin: { name: 'Zipkin_Port' } }`),
    "qa.tempo.receivers.zipkin.name: 'Zipkin_Port' is not a port name; use at most 15 lowercase letters",
  ],
  [
    'unknown receiver',
    tempo(`receivers: { otlpgrpc: true }`),
    "qa.tempo.receivers.otlpgrpc: unknown property (value true); did you mean 'otlpGrpc'?",
  ],
  [
    'pool.maxWorkers: a string',
    tempo(`pool: { maxWorkers: 'many' }`),
    "qa.tempo.pool.maxWorkers: 'many' is not a number",
  ],
  [
    'limit: Infinity',
    tempo(`limits: { ingestionRateLimitBytes: Infinity }`),
    'qa.tempo.limits.ingestionRateLimitBytes: Infinity is not a finite number',
  ],
  [
    'limit: NaN',
    tempo(`limits: { ingestionBurstSizeBytes: NaN }`),
    'qa.tempo.limits.ingestionBurstSizeBytes: NaN is not a number',
  ],
  [
    'logLevel not in the list',
    tempo(`logLevel: 'verbose'`),
    "qa.tempo.logLevel: 'verbose' is not allowed; expected",
  ],
  [
    'logFormat not in the list',
    tempo(`logFormat: 'text'`),
    "qa.tempo.logFormat: 'text' is not allowed; expected",
  ],
  [
    'block version not in the list',
    tempo(`block: { version: 'vParquet9' }`),
    "qa.tempo.block.version: 'vParquet9' is not allowed; expected",
  ],
  [
    'wal encoding not in the list',
    tempo(`wal: { encoding: 'lz5' }`),
    "qa.tempo.wal.encoding: 'lz5' is not allowed; expected",
  ],
  [
    'retention: a number',
    tempo(`retention: 24`),
    'qa.tempo.retention: 24 is not a GoDuration or a string; give a GoDuration or a string',
  ],
  [
    'retention: not a duration',
    tempo(`retention: 'forever'`),
    "qa.tempo.retention: 'forever' is not a duration",
  ],
  ['retention: 7d', tempo(`retention: '7d'`), "qa.tempo.retention: '7d' is not a duration"],
  [
    'retention below the minimum',
    tempo(`retention: '5m'`),
    "qa.tempo.retention: '5m' is below the minimum of 1h",
  ],
  [
    'compactionWindow: not a duration',
    tempo(`compactionWindow: 'x'`),
    "qa.tempo.compactionWindow: 'x' is not a duration",
  ],
  [
    'processors: a string',
    tempo(`metricsGenerator: { processors: 'span-metrics' }`),
    "qa.tempo.metricsGenerator.processors: 'span-metrics' is not a list",
  ],
  [
    'unknown processor',
    tempo(`metricsGenerator: { processors: ['spanmetrics'] }`),
    "qa.tempo.metricsGenerator.processors[0]: 'spanmetrics' is not allowed; expected",
  ],
  [
    'remote-write URL',
    tempo(`metricsGenerator: { processors: ['span-metrics'], remoteWrite: [{ url: 'not a url' }] }`),
    "qa.tempo.metricsGenerator.remoteWrite[0].url: 'not a url' is not an http(s) URL; give an http:// or https:// URL",
  ],
  [
    'external label: a number',
    tempo(`metricsGenerator: { processors: ['span-metrics'], externalLabels: { a: 1 } }`),
    'qa.tempo.metricsGenerator.externalLabels.a: 1 is not a string',
  ],
  ['tenants: a list', tempo(`tenants: []`), 'qa.tempo.tenants: [] is not an object'],
  [
    'name: not a DNS label',
    qa(`name: 'Bad_Name'`).replace(`name: 'qa', `, ''),
    "ENVIRONMENTS[0].name: 'Bad_Name' is not a valid DNS-1123 label",
  ],
  ['name: a number', `{ name: 42 }`, 'ENVIRONMENTS[0].name: 42 is not a name'],
  ['name missing', `{ tempo: {} }`, 'ENVIRONMENTS[0].name: undefined is not a name'],
  ['name too long', `{ name: '${'a'.repeat(64)}' }`, 'ENVIRONMENTS[0].name: '],
  [
    'namespace: not a DNS label',
    qa(`namespace: 'Bad NS'`),
    "qa.namespace: 'Bad NS' is not a valid DNS-1123 label",
  ],
  ['namespace: a number', qa(`namespace: 7`), 'qa.namespace: 7 is not a string'],
  // Factory values: plain objects, wrong classes, forgotten calls, and their own checks
  [
    'storage: a plain object',
    tempo(`storage: { backend: 's3', bucket: 'b' }`).replace(`storage: ${LOCAL}, `, ''),
    'qa.tempo.storage: a plain object is not a TempoStorage; create it with TempoStorage.local(…), TempoStorage.s3(…), TempoStorage.gcs(…) or TempoStorage.azure(…)',
  ],
  [
    'storage: a string',
    qa(`tempo: { storage: 'local' }`),
    "qa.tempo.storage: 'local' is not a TempoStorage; create it with",
  ],
  [
    'storage: the factory, not called',
    qa(`tempo: { storage: TempoStorage.local }`),
    'qa.tempo.storage: a function (local) is not a TempoStorage',
  ],
  [
    'storage: a sampling',
    qa(`tempo: { storage: CollectorSampling.keepAll() }`),
    'qa.tempo.storage: a KeepAllSampling instance is not a TempoStorage',
  ],
  [
    's3: empty bucket',
    qa(`tempo: { storage: TempoStorage.s3({ bucket: '', endpoint: 'e' }) }`),
    "qa.tempo.storage.s3.bucket: is required; e.g. 'tempo-traces'",
  ],
  [
    's3: no endpoint',
    qa(`tempo: { storage: TempoStorage.s3({ bucket: 'b' }) }`),
    'qa.tempo.storage.s3.endpoint: is required',
  ],
  [
    's3: endpoint with a scheme',
    qa(`tempo: { storage: TempoStorage.s3({ bucket: 'b', endpoint: 'https://s3.amazonaws.com' }) }`),
    "qa.tempo.storage.s3.endpoint: 'https://s3.amazonaws.com' must be a host[:port] without scheme",
  ],
  [
    's3: a literal secret key',
    qa(`tempo: { storage: ${S3(`secretKey: 'hunter2hunter2'`)} }`),
    'qa.tempo.storage.s3.secretKey: literal credentials are not allowed',
  ],
  [
    's3: an access key id as bucket',
    qa(`tempo: { storage: TempoStorage.s3({ bucket: 'AKIAIOSFODNN7EXAMPLE', endpoint: 'e' }) }`),
    'qa.tempo.storage.s3.bucket: looks like a credential value',
  ],
  [
    's3: Secret and IRSA',
    qa(
      `tempo: { storage: ${S3(`secret: { name: 's' }, workloadIdentity: { roleArn: 'arn:aws:iam::123456789012:role/t' }`)} }`,
    ),
    "qa.tempo.storage.s3: both 'secret' and 'workloadIdentity' are set",
  ],
  [
    's3: not a role ARN',
    qa(`tempo: { storage: ${S3(`workloadIdentity: { roleArn: 'tempo-role' }`)} }`),
    "qa.tempo.storage.s3.workloadIdentity.roleArn: 'tempo-role' is not an IAM role ARN",
  ],
  [
    's3: SSE-C',
    qa(`tempo: { storage: ${S3(`sse: { type: 'SSE-C' }`)} }`),
    "qa.tempo.storage.s3.sse.type: 'SSE-C' is not supported",
  ],
  [
    's3: SSE-KMS without a key',
    qa(`tempo: { storage: ${S3(`sse: { type: 'SSE-KMS' }`)} }`),
    'qa.tempo.storage.s3.sse.kmsKeyId: is required',
  ],
  [
    's3: prefix with a leading slash',
    qa(`tempo: { storage: ${S3(`prefix: '/tempo'`)} }`),
    "qa.tempo.storage.s3.prefix: '/tempo' is not a valid object prefix",
  ],
  [
    's3: no props',
    qa(`tempo: { storage: TempoStorage.s3() }`),
    'qa.tempo.storage.s3: undefined is not an object; expected e.g.',
  ],
  [
    's3: Secret name',
    qa(`tempo: { storage: ${S3(`secret: { name: 'Bad Name' }`)} }`),
    "qa.tempo.storage.s3.secret.name: 'Bad Name' is not a valid DNS-1123 subdomain",
  ],
  [
    's3: WAL volume too small',
    qa(`tempo: { storage: ${S3(`volume: { size: Size.kibibytes(10) }`)} }`),
    'qa.tempo.storage.volume.size: 10Ki is too small',
  ],
  [
    'gcs: no bucket',
    qa(`tempo: { storage: TempoStorage.gcs({}) }`),
    "qa.tempo.storage.gcs.bucketName: is required; e.g. 'tempo-traces'",
  ],
  [
    'gcs: not a service account',
    qa(
      `tempo: { storage: TempoStorage.gcs({ bucketName: 'b', workloadIdentity: { serviceAccount: 'me' } }) }`,
    ),
    "qa.tempo.storage.gcs.workloadIdentity.serviceAccount: 'me' is not a Google service account",
  ],
  [
    'azure: bad account name',
    qa(`tempo: { storage: TempoStorage.azure({ containerName: 'c', storageAccountName: 'Bad' }) }`),
    "qa.tempo.storage.azure.storageAccountName: 'Bad' is not a storage account name",
  ],
  [
    'azure: client id not a UUID',
    qa(
      `tempo: { storage: TempoStorage.azure({ containerName: 'c', storageAccountName: 'acct', workloadIdentity: { clientId: 'x' } }) }`,
    ),
    "qa.tempo.storage.azure.workloadIdentity.clientId: 'x' is not a client id",
  ],
  [
    'local: too small',
    qa(`tempo: { storage: TempoStorage.local({ size: Size.kibibytes(1) }) }`),
    'qa.tempo.storage.size: 1Ki is too small',
  ],
  [
    'local: size as a string',
    qa(`tempo: { storage: TempoStorage.local({ size: '10Gi' }) }`),
    "qa.tempo.storage.size: '10Gi' is not a Size; create it with Size.gibibytes(10)",
  ],
  [
    'local: storage class',
    qa(`tempo: { storage: TempoStorage.local({ storageClassName: 'Fast SSD' }) }`),
    "qa.tempo.storage.storageClassName: 'Fast SSD' is not a valid DNS-1123 subdomain",
  ],
  [
    'local: props a string',
    qa(`tempo: { storage: TempoStorage.local('10Gi') }`),
    "qa.tempo.storage: '10Gi' is not an object",
  ],
  [
    'sampling: a plain object',
    collector(`sampling: { mode: 'tail', percentage: 10 }`),
    'qa.collector.sampling: a plain object is not a CollectorSampling; create it with CollectorSampling.tail(…), CollectorSampling.head(…) or CollectorSampling.keepAll(…)',
  ],
  [
    'sampling: the factory, not called',
    collector(`sampling: CollectorSampling.keepAll`),
    'qa.collector.sampling: a function (keepAll) is not a CollectorSampling',
  ],
  [
    'head: 0 %',
    collector(`sampling: CollectorSampling.head({ percentage: 0 })`),
    'qa.collector.sampling.percentage: 0 is outside (0, 100]',
  ],
  [
    'head: 150 %',
    collector(`sampling: CollectorSampling.head({ percentage: 150 })`),
    'qa.collector.sampling.percentage: 150 is outside (0, 100]',
  ],
  [
    'head: NaN %',
    collector(`sampling: CollectorSampling.head({ percentage: NaN })`),
    'qa.collector.sampling.percentage: NaN is outside (0, 100]',
  ],
  [
    'head: no props',
    collector(`sampling: CollectorSampling.head()`),
    'qa.collector.sampling: undefined is not an object',
  ],
  [
    'tail: zero latency',
    collector(`sampling: CollectorSampling.tail({ latencyThreshold: '0s' })`),
    "qa.collector.sampling.latencyThreshold: '0s' is not positive",
  ],
  [
    'tail: decision wait not a duration',
    collector(`sampling: CollectorSampling.tail({ decisionWait: 'soon' })`),
    "qa.collector.sampling.decisionWait: 'soon' is not a duration",
  ],
  [
    'tail: fractional numTraces',
    collector(`sampling: CollectorSampling.tail({ numTraces: 1.5 })`),
    'qa.collector.sampling.numTraces: 1.5 is not valid; expected an integer >= 1',
  ],
  [
    'tail: negative %',
    collector(`sampling: CollectorSampling.tail({ percentage: -1 })`),
    'qa.collector.sampling.percentage: -1 is outside (0, 100]',
  ],
  [
    'tail: keepErrors a string',
    collector(`sampling: CollectorSampling.tail({ keepErrors: 'yes' })`),
    "qa.collector.sampling.keepErrors: 'yes' is not a boolean",
  ],
  [
    'loki: a plain object',
    qa(`grafana: { loki: { uid: 'loki' } }`),
    'qa.grafana.loki: a plain object is not a LokiDatasource; create it with LokiDatasource.existing(…) or LokiDatasource.provisioned(…)',
  ],
  [
    'loki: a Prometheus datasource',
    qa(`grafana: { loki: PrometheusDatasource.existing({ uid: 'p' }) }`),
    'qa.grafana.loki: a PrometheusDatasource instance is not a LokiDatasource',
  ],
  ['loki: no uid', qa(`grafana: { loki: LokiDatasource.existing({}) }`), 'qa.grafana.loki.uid: is missing'],
  [
    'loki: bad uid',
    qa(`grafana: { loki: LokiDatasource.existing({ uid: 'has spaces' }) }`),
    "qa.grafana.loki.uid: 'has spaces' is not a datasource UID",
  ],
  [
    'loki: not an http URL',
    qa(`grafana: { loki: LokiDatasource.provisioned({ url: 'ftp://loki' }) }`),
    "qa.grafana.loki.url: 'ftp://loki' is not an http(s) URL; give an http:// or https:// URL",
  ],
  [
    'loki: isDefault a string',
    qa(`grafana: { loki: LokiDatasource.provisioned({ url: 'http://loki', isDefault: 'yes' }) }`),
    "qa.grafana.loki.isDefault: 'yes' is not a boolean",
  ],
  [
    'prometheus: no props',
    qa(`grafana: { prometheus: PrometheusDatasource.existing() }`),
    'qa.grafana.prometheus: undefined is not an object',
  ],
  // Collector, monitoring, Grafana, network, GitOps
  ['collector: a string', qa(`collector: 'yes'`), "qa.collector: 'yes' is not an object or false"],
  [
    'collector: true',
    qa(`collector: true`),
    'qa.collector: true is not an object or false; give an object or false',
  ],
  [
    'collector: misspelt gateway',
    collector(`gatewy: {}`),
    "qa.collector.gatewy: unknown property (value {}); did you mean 'gateway'?",
  ],
  [
    'gateway replicas: a string',
    collector(`gateway: { replicas: 'x' }`),
    "qa.collector.gateway.replicas: 'x' is not a number",
  ],
  [
    'gateway autoscaling inverted',
    collector(`gateway: { autoscaling: { minReplicas: 5, maxReplicas: 2 } }`),
    'qa.collector.gateway.autoscaling.maxReplicas: 2 is below minReplicas (5); give maxReplicas >= minReplicas',
  ],
  [
    'gateway autoscaling above the replica limit',
    collector(`gateway: { autoscaling: { minReplicas: 2, maxReplicas: 1e6 } }`),
    'qa.collector.gateway.autoscaling.maxReplicas: 1000000 is not valid; expected an integer from 0 to 1000',
  ],
  [
    'collector tenant',
    qa(`tempo: { multitenancy: true }, collector: { tenant: 'bad tenant' }`),
    "qa.collector.tenant: 'bad tenant' is not a valid tenant ID",
  ],
  [
    'collector image tag latest!!',
    collector(`gateway: { image: { repository: 'otel/opentelemetry-collector-contrib', tag: 'latest!!' } }`),
    "qa.collector.gateway.image.tag: 'latest!!' is not an image tag",
  ],
  ['monitoring: a string', qa(`monitoring: 'on'`), "qa.monitoring: 'on' is not an object or false"],
  [
    'monitoring label value',
    qa(`monitoring: { prometheusLabels: { release: 'kube prometheus' } }`),
    "qa.monitoring.prometheusLabels.release: 'kube prometheus' is not a valid label value",
  ],
  [
    'monitoring label key',
    qa(`monitoring: { prometheusLabels: { 'bad key!': 'x' } }`),
    "qa.monitoring.prometheusLabels['bad key!']: 'bad key!' is not a valid label key",
  ],
  [
    'monitoring scrape interval',
    qa(`monitoring: { scrapeInterval: 'often' }`),
    "qa.monitoring.scrapeInterval: 'often' is not a Prometheus duration; give e.g. '30s', '5m', '1h30m' or '1d'",
  ],
  ['grafana without monitoring', qa(`monitoring: false, grafana: {}`), 'qa.grafana: needs monitoring'],
  [
    'grafana namespace',
    qa(`grafana: { namespace: 'Bad' }`),
    "qa.grafana.namespace: 'Bad' is not a valid DNS-1123 label",
  ],
  [
    'grafana dashboard label value',
    qa(`grafana: { dashboardLabel: { grafana_dashboard: 'yes please' } }`),
    "qa.grafana.dashboardLabel.grafana_dashboard: 'yes please' is not a valid label value",
  ],
  [
    'networkPolicies: enabled a string',
    qa(`networkPolicies: { enabled: 'no' }`),
    "qa.networkPolicies.enabled: 'no' is not true or false",
  ],
  ['networkPolicies: a list', qa(`networkPolicies: []`), 'qa.networkPolicies: [] is not an object'],
  ['gitops: a string', qa(`gitops: 'argo'`), "qa.gitops: 'argo' is not an object or false"],
  [
    'gitops: credentials in the URL',
    qa(`gitops: { repoURL: 'https://bot:token@github.com/acme/platform.git' }`),
    'qa.gitops.repoURL: ',
  ],
  // Images and labels
  [
    'image tag latest!!',
    tempo(`image: { repository: 'grafana/tempo', tag: 'latest!!' }`),
    "qa.tempo.image.tag: 'latest!!' is not an image tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (e.g. '2.8.2')",
  ],
  [
    'image tag empty',
    tempo(`image: { repository: 'grafana/tempo', tag: '' }`),
    "qa.tempo.image.tag: '' is not an image tag",
  ],
  [
    'image tag too long for a label',
    tempo(`image: { repository: 'grafana/tempo', tag: '${'1'.repeat(64)}' }`),
    `qa.tempo.image.tag: '${'1'.repeat(64)}' is not a valid label value`,
  ],
  [
    'image tag ending in an underscore',
    tempo(`image: { repository: 'grafana/tempo', tag: 'v1_' }`),
    "qa.tempo.image.tag: 'v1_' is not a valid label value",
  ],
  [
    'image repository with a space',
    tempo(`image: { repository: 'grafana /tempo', tag: '2.8.2' }`),
    "qa.tempo.image.repository: 'grafana /tempo' is not an image repository",
  ],
  [
    'image repository upper case',
    tempo(`image: { repository: 'Grafana/Tempo', tag: '2.8.2' }`),
    "qa.tempo.image.repository: 'Grafana/Tempo' is not an image repository",
  ],
  [
    'image without a tag',
    tempo(`image: { repository: 'grafana/tempo' }`),
    'qa.tempo.image.tag: is missing; it is required (a string)',
  ],
  [
    'image as a string',
    tempo(`image: 'grafana/tempo:2.8.2'`),
    "qa.tempo.image: 'grafana/tempo:2.8.2' is not an object",
  ],
  // Resources and quantities
  [
    'cpu: not a quantity',
    resources(`{ requests: { cpu: 'lots' } }`),
    "qa.tempo.resources.requests.cpu: 'lots' is not a Kubernetes quantity",
  ],
  [
    'memory: 1Gb',
    resources(`{ requests: { memory: '1Gb' } }`),
    "qa.tempo.resources.requests.memory: '1Gb' is not a Kubernetes quantity",
  ],
  [
    'memory: a number',
    resources(`{ limits: { memory: 2048 } }`),
    'qa.tempo.resources.limits.memory: 2048 is not a string',
  ],
  [
    'quantity too large',
    resources(`{ limits: { memory: '10E' } }`),
    "qa.tempo.resources.limits.memory: '10E' is too large for a Kubernetes quantity",
  ],
  [
    'exa is not an exponent',
    resources(`{ requests: { memory: '2E' }, limits: { memory: '1E' } }`),
    "qa.tempo.resources.requests.memory: request '2E' is larger than limit '1E'",
  ],
  [
    'unknown resource',
    resources(`{ requests: { gpu: '1' } }`),
    "qa.tempo.resources.requests.gpu: unknown property (value '1'); did you mean 'cpu'?",
  ],
  [
    'request above limit',
    resources(`{ requests: { cpu: '2' }, limits: { cpu: '1' } }`),
    "qa.tempo.resources.requests.cpu: request '2' is larger than limit '1'",
  ],
  // Distributed mode and the capacity plan
  [
    'distributed on local storage',
    qa(`tempo: { version: '2.10', distributed: {} }`),
    'qa.tempo.storage: microservices need object storage',
  ],
  [
    'capacity: 1e15 spans/s',
    qa(`tempo: { version: '2.10', storage: ${S3('')}, distributed: { capacity: { spansPerSecond: 1e15 } } }`),
    'qa.tempo.distributed.capacity.spansPerSecond: 1000000000000000 spans/s plans 130000000000 distributor replicas, above the replica limit of 1000; check spansPerSecond and samplingPercent, or raise tempo.distributed.capacity.replicaLimit',
  ],
  [
    'capacity: sampling 150 %',
    qa(
      `tempo: { version: '2.10', storage: ${S3('')}, distributed: { capacity: { spansPerSecond: 1000, samplingPercent: 150 } } }`,
    ),
    'qa.tempo.distributed.capacity.samplingPercent: 150 is above 100; give a share in (0, 100]',
  ],
  [
    'capacity: negative spans',
    qa(`tempo: { version: '2.10', storage: ${S3('')}, distributed: { capacity: { spansPerSecond: -5 } } }`),
    'qa.tempo.distributed.capacity.spansPerSecond: -5 is not a positive number; give a number greater than 0',
  ],
  [
    'capacity: NaN headroom',
    qa(`tempo: { storage: ${S3('')}, distributed: { capacity: { spansPerSecond: 1000, headroom: NaN } } }`),
    'qa.tempo.distributed.capacity.headroom: NaN is not a number',
  ],
  [
    'ingester replicas 1e9',
    qa(`tempo: { storage: ${S3('')}, distributed: { ingester: { replicas: 1e9 } } }`),
    'qa.tempo.distributed.ingester.replicas: 1000000000 is not valid; expected an integer from 0 to 1000',
  ],
  [
    'replication factor above the ingesters',
    qa(
      `tempo: { version: '2.10', storage: ${S3('')}, distributed: { replicationFactor: 5, ingester: { replicas: 3 } } }`,
    ),
    'qa.tempo.distributed.replicationFactor: 5 is larger than the 3 ingester replicas',
  ],
  // Query caches (issue 23)
  [
    'an external memcached given as a bare string',
    tempo(`caches: [{ memcached: 'memcached.cache.svc.cluster.local:11211' }]`),
    "qa.tempo.caches[0].memcached: 'memcached.cache.svc.cluster.local:11211' is not a Memcached; create it with Memcached.deploy(…) or Memcached.existing(…)",
  ],
  [
    'a cache sized below what the plan needs',
    qa(
      `tempo: { storage: ${S3('')}, retention: '168h', microservices: { kafka: KafkaCluster.existing({ bootstrapServers: 'k.kafka.svc:9092', topic: 't', partitions: 2, brokers: { namespace: 'kafka', podLabels: { app: 'kafka' } } }), capacity: { spansPerSecond: 100000, samplingPercent: 10 } }, caches: [{ memcached: Memcached.deploy({ replicas: 2, memoryMiB: 512 }) }] }`,
    ),
    "qa.tempo.caches[0].memcached.memoryMiB: 2 × 512 MiB = 1,024 MiB is below the 2,758 MiB the capacity plan needs for the cache roles (SUMMARY.md, read path); raise memoryMiB to 1,379 or replicas to 6, or leave both unset to take the plan's",
  ],
  // The query gateway (issue 23)
  [
    'a gateway without an auth Secret',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, grafana: false, queryGateway: { auth: GatewayAuth.basic({}), users: { alice: 'team-a' } }`,
    ),
    "qa.queryGateway.auth.basic.secretName: is required: the gateway reads its users and password hashes from an htpasswd file in a Secret you create; name it, e.g. GatewayAuth.basic({ secretName: 'tempo-gateway-htpasswd' })",
  ],
  [
    'a gateway without auth at all',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, grafana: false, queryGateway: { users: { alice: 'team-a' } }`,
    ),
    'qa.queryGateway.auth: is missing; it is required: create it with GatewayAuth.basic(…) or GatewayAuth.oidc(…)',
  ],
  [
    'a user mapped to an invalid tenant ID',
    gateway(`users: { alice: 'team a' }`),
    "qa.queryGateway.users.alice: 'team a' is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )",
  ],
  [
    'a cross-tenant user with an invalid tenant ID',
    gateway(`users: { sre: ['team-a', 'b|c'] }`),
    "qa.queryGateway.users.sre[1]: 'b|c' is not a valid tenant ID",
  ],
  [
    'a user name nginx would misread',
    gateway(`users: { 'bob:x': 'team-a' }`),
    "qa.queryGateway.users['bob:x']: 'bob:x' is not a user name the gateway accepts",
  ],
  [
    'a route hostname that is not a DNS name',
    gateway(
      `exposure: GatewayExposure.gatewayApi({ gateway: { name: 'external', namespace: 'gateway-system' }, hostnames: ['https://Tempo.example.com'] })`,
    ),
    "qa.queryGateway.exposure.hostnames[0]: 'https://Tempo.example.com' is not a DNS name; give a lowercase host name such as 'tempo.example.com' (no scheme, port or path)",
  ],
  [
    'an Ingress host that is not a DNS name',
    gateway(`exposure: GatewayExposure.ingress({ host: 'tempo_prod', className: 'nginx' })`),
    "qa.queryGateway.exposure.host: 'tempo_prod' is not a DNS name",
  ],
  [
    'a gateway in front of a single-tenant Tempo',
    qa(
      `tempo: { storage: ${LOCAL} }, grafana: false, queryGateway: { auth: GatewayAuth.basic({ secretName: 'gw' }), users: { alice: 'team-a' } }`,
    ),
    "qa.queryGateway: needs tempo.multitenancy: true: the gateway sets each request's X-Scope-OrgID from who authenticated",
  ],
  [
    'Grafana behind the gateway without its credentials',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { tenant: 'team-a' }, grafana: { tenant: 'team-a' }, queryGateway: { auth: GatewayAuth.basic({ secretName: 'gw' }), users: { alice: 'team-a' } }`,
    ),
    "qa.grafana.gatewayCredentials: is required: Grafana reaches Tempo through the query gateway as a client, one user per Tempo datasource ('tracing-qa-tempo')",
  ],
  [
    'a gateway user named like a Grafana datasource',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { tenant: 'team-a' }, grafana: { tenant: 'team-a', gatewayCredentials: { secretName: 'g' } }, queryGateway: { auth: GatewayAuth.basic({ secretName: 'gw' }), users: { 'tracing-qa-tempo': 'team-a' } }`,
    ),
    'qa.queryGateway.users.tracing-qa-tempo: is the user a Grafana datasource authenticates as',
  ],
  [
    'a tenant Grafana reads listed twice',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { tenant: 'team-a' }, grafana: { tenant: ['team-a', 'team-a'] }`,
    ),
    "qa.grafana.tenant[1]: 'team-a' is listed twice (also item 0); give each tenant once",
  ],
  [
    'a dashboard panel on a tenant without a datasource',
    qa(
      `tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { tenant: 'team-a' }, grafana: { tenant: 'team-a', dashboards: [{ title: 'x', slug: 'x', panels: [{ type: 'traceql', title: 'q', traceql: '{ }', tenant: 'team-b' }] }] }`,
    ),
    "qa.grafana.dashboards[0].panels[0].tenant: 'team-b' is not a tenant with a Grafana datasource; use one of 'team-a'",
  ],
  [
    'queryBackendAfter past the live-store window',
    tempo(`search: { queryBackendAfter: '30m' }`),
    'qa.tempo.search.queryBackendAfter: 30m is longer than the live-stores hold completed blocks',
  ],
  [
    'failOnHighLag on a monolithic Tempo 3',
    tempo(`liveStore: { failOnHighLag: true }`),
    'qa.tempo.liveStore.failOnHighLag: applies to microservices only',
  ],
  // Each class of input checked by its type, wherever the prop is (lib/input-types.ts)
  [
    'a CPU amount in bytes',
    resources(`{ requests: { cpu: '500Mi' } }`),
    "qa.tempo.resources.requests.cpu: '500Mi' is not a CPU amount; give cores or millicores, at least 1m (e.g. '500m' or '2')",
  ],
  [
    'a memory size in millibytes',
    qa(`collector: { gateway: { resources: { limits: { memory: '512m' } } } }`),
    "qa.collector.gateway.resources.limits.memory: '512m' is not a memory size; give bytes with a suffix, at least 1Mi (e.g. '512Mi' or '4Gi')",
  ],
  [
    'a storage size that is no quantity',
    qa(
      `tempo: { storage: ${S3('')}, microservices: { kafka: KafkaCluster.strimzi({ storageSize: '100GB' }) } }`,
    ),
    "qa.tempo.microservices.kafka.storageSize: '100GB' is not a Kubernetes quantity",
  ],
  [
    'a label key starting with a dash',
    qa(`networkPolicies: { grafanaPodLabels: { '-app': 'grafana' } }`),
    "qa.networkPolicies.grafanaPodLabels['-app']: '-app' is not a valid label key",
  ],
  [
    'a label value with a space',
    qa(`monitoring: { prometheusLabels: { release: 'my cluster' } }`),
    "qa.monitoring.prometheusLabels.release: 'my cluster' is not a valid label value",
  ],
  [
    'an annotation key with a space',
    qa(`grafana: { folderAnnotation: { 'grafana folder': 'Tracing' } }`),
    "qa.grafana.folderAnnotation['grafana folder']: 'grafana folder' is not a valid label key",
  ],
  [
    "tenant '.'",
    qa(`tempo: { multitenancy: true }, collector: { tenant: '.' }, grafana: { tenant: 'a' }`),
    "qa.collector.tenant: '.' is not a valid tenant ID: Tempo refuses '.' and '..'",
  ],
  [
    "a tenant override keyed '..'",
    tempo(`multitenancy: true, tenants: { '..': { retention: '24h' } }`),
    "qa.tempo.tenants['..']: '..' is not a valid tenant ID: Tempo refuses '.' and '..'",
  ],
  [
    'a tenant override key with a space',
    tempo(`multitenancy: true, tenants: { 'team a': { retention: '24h' } }`),
    "qa.tempo.tenants['team a']: 'team a' is not a valid tenant ID",
  ],
  [
    'gateway TLS without the CA the agents verify it with',
    collector(`tls: { gateway: { secretName: 'otel-gateway-tls' } }`),
    "qa.collector.tls.caSecret: is required: the agents verify the gateway's certificate (Secret 'otel-gateway-tls') against this CA",
  ],
  [
    'a runbook base URL that is no URL',
    qa(`monitoring: { runbookBaseUrl: 'docs/runbooks.md' }`),
    "qa.monitoring.runbookBaseUrl: 'docs/runbooks.md' is not an http(s) URL; give an http:// or https:// URL",
  ],
  [
    'an Argo CD destination server that is no URL',
    qa(`gitops: { repoURL: 'https://git.example.com/t.git', argocd: { destinationServer: 'in-cluster' } }`),
    "qa.gitops.argocd.destinationServer: 'in-cluster' is not an http(s) URL",
  ],
  [
    'a zone that is no label value',
    qa(
      `tempo: { storage: ${S3('')}, microservices: { kafka: KafkaCluster.strimzi({}), zones: ['eu west 1a', 'eu-west-1b'] } }`,
    ),
    "qa.tempo.microservices.zones[0]: 'eu west 1a' is not a valid label value",
  ],
  [
    'the same zone twice',
    qa(
      `tempo: { storage: ${S3('')}, microservices: { kafka: KafkaCluster.strimzi({}), zones: ['eu-west-1a', 'eu-west-1a'] } }`,
    ),
    "qa.tempo.microservices.zones[1]: 'eu-west-1a' is listed twice (also item 0); give each item once",
  ],
  [
    'an empty resource-attribute key',
    collector(`instrumentation: { resourceAttributes: { '': 'x' } }`),
    "qa.collector.instrumentation.resourceAttributes['']: '' is not an attribute name",
  ],
  [
    'a duration built from NaN',
    tempo(`retention: GoDuration.hours(NaN)`),
    'qa.tempo.retention: a GoDuration of NaN ms is not a duration; build it from a finite number of at least 0',
  ],
  [
    'a negative duration',
    tempo(`retention: GoDuration.hours(-1)`),
    'qa.tempo.retention: a GoDuration of -3600000 ms is not a duration',
  ],
  [
    'an SLO objective, named as written',
    qa(`monitoring: { slos: { ingestionAvailability: 100 } }`),
    'qa.monitoring.slos.ingestionAvailability: 100 is outside (0, 100)',
  ],
  [
    'a getter that throws',
    `{ name: 'qa', get tempo() { throw new Error('not ready'); } }`,
    'qa.tempo: reading it threw Error: not ready at build/test-envs-',
  ],
];

/** Cases that are whole module bodies: what an environment file computes while it loads. */
const MODULES: readonly Case[] = [
  [
    'a list that is not a list',
    `ENVIRONMENTS = 'dev';`,
    "environments: ENVIRONMENTS is 'dev', not a list; export a list of environments",
  ],
  ['null in the list', `ENVIRONMENTS = [null];`, 'ENVIRONMENTS[0]: null is not an environment'],
  [
    'two environments with one name',
    `ENVIRONMENTS = [{ name: 'qa' }, { name: 'qa' }];`,
    "qa.name: 'qa' is the name of ENVIRONMENTS[0] and ENVIRONMENTS[1]; give each environment its own name",
  ],
  [
    'a new file named like an existing one',
    `ENVIRONMENTS = [{ name: 'dev' }, { name: 'staging' }, { name: 'dev' }];`,
    "dev.name: 'dev' is the name of ENVIRONMENTS[0] and ENVIRONMENTS[2]",
  ],
  [
    'the second environment is the bad one',
    `ENVIRONMENTS = [{ name: 'qa' }, { name: 'qa2', tempo: { retention: 'x' } }];`,
    "qa2.tempo.retention: 'x' is not a duration",
  ],
  [
    'a capacity plan computed while the file loads',
    `const PLAN = planCapacity({ spansPerSecond: 0 }, 'qa.tempo.distributed.capacity');\nENVIRONMENTS = [{ name: 'qa', collector: { gateway: { replicas: PLAN.gateway.replicas } } }];`,
    'qa.tempo.distributed.capacity.spansPerSecond: 0 is not a positive number; give a number greater than 0',
  ],
  [
    'a plan above its replica limit while the file loads',
    `const PLAN = planCapacity({ spansPerSecond: 1e9, replicaLimit: 50 }, 'qa.tempo.distributed.capacity');\nENVIRONMENTS = [{ name: 'qa' }];`,
    'qa.tempo.distributed.capacity.spansPerSecond: 1000000000 spans/s plans',
  ],
  [
    'a TypeError in the file itself',
    `const x = null;\nENVIRONMENTS = [{ name: x.name }];`,
    "<file>:<line>:27: TypeError: Cannot read properties of null (reading 'name') while the environment files loaded; fix that line",
  ],
  [
    'a throw in the file itself',
    `throw new Error('not ready');`,
    '<file>:<line>:7: Error: not ready while the environment files loaded; fix that line',
  ],
];

const ALL = [...CASES.map(([t, e, m]): Case => [t, `ENVIRONMENTS = [${e}];`, m]), ...MODULES];

const copy = useDistCopy('bad');

test('the table holds at least 120 bad inputs', () => {
  expect(ALL.length).toBeGreaterThanOrEqual(120);
  expect(new Set(ALL.map(([t]) => t)).size).toBe(ALL.length);
});

// Alternate TypeScript and JavaScript files: both load through the same boundary.
describe.each(ALL.map(([title, body, message], i) => [title, body, message, i % 2 ? 'js' : 'ts'] as const))(
  '%s',
  (_title, body, message, lang) => {
    test(`${lang}: one error line, no stack, dist/ byte-identical`, () => {
      const file = writeEnvironmentsModule(copy.envs, body, lang);
      const line = expectOneErrorLine(runInProcess(file, copy.out));
      // A mistake of the file itself is reported at its file and line (the body's last line).
      const expected = message
        .replace('<file>', relative(ROOT, file))
        .replace(
          '<line>',
          String(readFileSync(file, 'utf8').split('\n').lastIndexOf(body.split('\n').pop()!) + 1),
        );
      expect(line.slice(0, expected.length)).toBe(expected);
      // The path names what the user wrote (collector.tenant, not the tier it ends up in).
      expect(unwritableErrorPaths([`error: ${line}`], ['qa', 'qa2', 'dev'])).toEqual([]);
      expect(hashTree(copy.out)).toBe(copy.before);
      expect(readdirSync(copy.work)).toEqual(['dist']);
    });
  },
);

describe('as real child processes (main.ts bundled with the environment file)', () => {
  const picks: readonly (readonly [string, string, string, 'ts' | 'js'])[] = [
    [CASES[0][0], `ENVIRONMENTS = [${CASES[0][1]}];`, CASES[0][2], 'ts'],
    [
      'storage as a plain object',
      `ENVIRONMENTS = [${CASES.find(([t]) => t === 'storage: a plain object')![1]}];`,
      'qa.tempo.storage: a plain object',
      'js',
    ],
    ['a capacity plan at load', MODULES[5][1], MODULES[5][2], 'ts'],
    ['duplicate names', MODULES[2][1], MODULES[2][2], 'js'],
  ];
  test.each(picks)('%s', async (_title, body, message, lang) => {
    const file = writeEnvironmentsModule(copy.envs, body, lang);
    const bundle = await bundleWith(file, join(copy.envs, `bundle-${lang}-${Date.now()}.js`));
    const line = expectOneErrorLine(runBundle(bundle, copy.out));
    expect(line.slice(0, message.length)).toBe(message);
    expect(hashTree(copy.out)).toBe(copy.before);
    expect(readdirSync(copy.work)).toEqual(['dist']);
  });
});

// Synth-time errors of the CLI, GitOps and NetworkPolicy settings.
describe('CLI, GitOps and NetworkPolicies synth-time errors name the property, the value and the fix', () => {
  test('unknown environment on the command line', () => {
    expectError(
      () => selectEnvironments(['no-such-env'], [{ name: 'dev' }, { name: 'prod' }]),
      "environment: unknown environment 'no-such-env'; known environments: dev, prod",
    );
  });

  test('errors inside an environment are prefixed with its name', () => {
    expectError(
      () => renderEnvironment({ name: 'qa', tempo: { retention: 'forever' } }, buildEnvironment),
      "qa.tempo.retention: 'forever' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
    );
  });

  test('source: a relative path to the defining .ts/.js file, named in the headers', () => {
    const env = (source: string) => () => renderEnvironment({ name: 'x', source }, buildEnvironment);
    expectError(
      env('../x.ts'),
      "x.source: '../x.ts' is not a relative path to a .ts or .js file inside the repository; give e.g. 'examples/yc-dev.ts'",
    );
    expectError(
      env('examples/a.txt'),
      "x.source: 'examples/a.txt' is not a relative path to a .ts or .js file inside the repository; give e.g. 'examples/yc-dev.ts'",
    );
    const rendered = renderEnvironment({ name: 'x', source: 'examples/x.ts' }, buildEnvironment);
    expect(rendered.files[0]!.content).toMatch(/^# Generated by tracesynth from examples\/x\.ts\. /);
  });

  test('gitops and network policies', () => {
    const env = (e: object) => () => renderEnvironment({ name: 'x', ...e }, buildEnvironment);
    expectError(
      env({ gitops: { repoURL: 'https://bot:token@github.com/acme/platform.git' } }),
      "x.gitops.repoURL: 'https://bot:token@github.com/acme/platform.git' is not a credential-free https://, ssh:// or git@ repository URL; give e.g. 'https://github.com/acme/platform.git' and keep credentials in the controller's repository Secret",
    );
    expectError(
      env({ gitops: { repoURL: 'github.com/acme/platform' } }),
      "x.gitops.repoURL: 'github.com/acme/platform' is not a credential-free https://, ssh:// or git@ repository URL; give e.g. 'https://github.com/acme/platform.git' and keep credentials in the controller's repository Secret",
    );
    expectError(
      env({ gitops: { repoURL: 'https://github.com/acme/platform.git', revision: 'main branch' } }),
      "x.gitops.revision: 'main branch' is not a branch or tag name; give e.g. 'main' or 'v1.2.0'",
    );
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.1.1.1/8', 'fd00::/129', '10.0.0.0/8/1', 'any']) {
      expectError(
        env({ networkPolicies: { objectStorageCidrs: [bad] } }),
        `x.networkPolicies.objectStorageCidrs[0]: '${bad}' is not a CIDR; expected e.g. '10.0.0.0/8' or 'fd00::/8'`,
      );
    }
    expect(
      env({
        networkPolicies: {
          objectStorageCidrs: ['10.0.0.0/8', 'fd00::/8'],
          apiServerCidrs: ['172.20.0.1/32'],
        },
      })(),
    ).toBeDefined();
  });

  test('flows: no ingest namespace, two workloads of one name, an unparseable URL', () => {
    const env = (e: object) => () => renderEnvironment({ name: 'x', ...e }, buildEnvironment);
    expectError(
      env({ networkPolicies: { ingestNamespaces: [] } }),
      'x.networkPolicies.ingestNamespaces: is empty, so no application could send traces; list the namespaces of the applications or leave it unset for every namespace',
    );
    expectError(
      env({ networkPolicies: { ingestNamespaces: ['Apps'] } }),
      "x.networkPolicies.ingestNamespaces[0]: 'Apps' is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')",
    );
    expectError(
      env({ collector: { agent: false, gateway: { name: 'tempo' } } }),
      "x.networkPolicies: two workloads are both named 'tempo' in namespace 'tracing-x', so their NetworkPolicies would be one; rename one of them (tempo.name, collector.gateway.name, collector.agent.name)",
    );
    expectError(
      () => urlPeer('not a url', 'remoteWrite', 'ns', 'tempo.metricsGenerator.remoteWrite[0].url'),
      "tempo.metricsGenerator.remoteWrite[0].url: 'not a url' is not a URL; expected e.g. 'http://host:9090/api/v1/write'",
    );
  });
});

// Every independent problem of a synth is reported at once, one line each (docs/errors.md).
describe('several problems at once', () => {
  test('independent mistakes of one environment: every one, in one run', () => {
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', colour: 'blue', tempo: { storage: ${LOCAL}, retention: '5 days', replicas: 'two', resources: { requests: { cpu: '500Mi' } } }, monitoring: { runbookBaseUrl: 'docs' }, networkPolicies: { objectStorageCidrs: ['10.0.0.0'] } }];`,
      'ts',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 6);
    expect(lines.map((l) => l.slice(0, l.indexOf(': ')))).toEqual([
      'qa.colour',
      'qa.tempo.retention',
      'qa.tempo.replicas',
      'qa.tempo.resources.requests.cpu',
      'qa.monitoring.runbookBaseUrl',
      'qa.networkPolicies.objectStorageCidrs[0]',
    ]);
    expect(hashTree(copy.out)).toBe(copy.before);
  });

  test("independent mistakes among Tempo's own settings: every one, in one run", () => {
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: ${LOCAL}, multitenancy: true, receivers: { jaegerThriftCompact: true }, blockBuilder: { maxBlockBytes: 1000000 }, liveStore: { maxTraceIdle: '10m', maxTraceLive: '5m' }, tenants: { a: { metricsGeneratorProcessors: ['service-graphs'] } } }, collector: { tenant: 'a' }, grafana: { tenant: 'a' } }];`,
      'ts',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 4);
    expect(lines.map((l) => l.slice(0, l.indexOf(': ')))).toEqual([
      'qa.tempo.receivers.jaegerThriftCompact',
      'qa.tempo.blockBuilder',
      'qa.tempo.liveStore.maxTraceIdle',
      'qa.tempo.tenants.a.metricsGeneratorProcessors',
    ]);
    expect(hashTree(copy.out)).toBe(copy.before);
  });

  test("the collector gateway's replicas and its export to Tempo: both, in one run", () => {
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: ${LOCAL}, multitenancy: true }, collector: { gateway: { replicas: 0 } }, grafana: { tenant: 'a' } }];`,
      'ts',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 2);
    expect(lines.map((l) => l.slice(0, l.indexOf(': ')))).toEqual([
      'qa.collector.gateway.replicas',
      'qa.collector.tenant',
    ]);
  });

  test('multi-tenancy: everything it requires, named as written (collector.tenant, grafana.tenant)', () => {
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: ${LOCAL}, multitenancy: true } }];`,
      'js',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 2);
    expect(lines[0]).toMatch(/^qa\.collector\.tenant: is required: /);
    expect(lines[1]).toMatch(/^qa\.grafana\.tenant: is required: /);
    expect(
      unwritableErrorPaths(
        lines.map((l) => `error: ${l}`),
        ['qa'],
      ),
    ).toEqual([]);
  });

  test('problems of several environments: each environment its own lines', () => {
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', tempo: { retention: 'x' } }, { name: 'ok' }, { name: 'qb', namespace: 'Bad_NS' }, { name: 'qc', collector: { tenant: 'a' } }];`,
      'ts',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 3);
    expect(lines[0]).toMatch(/^qa\.tempo\.retention: 'x' is not a duration/);
    expect(lines[1]).toMatch(/^qb\.namespace: 'Bad_NS' is not a valid DNS-1123 label/);
    expect(lines[2]).toMatch(/^qc\.collector\.tenant: is set but Tempo has multi-tenancy off/);
    expect(hashTree(copy.out)).toBe(copy.before);
  });

  test('a part that needs a failed one is checked once that one is fixed (no cascade)', () => {
    // Tempo fails; the collector, monitoring and Grafana built on it are not reported against it.
    const file = writeEnvironmentsModule(
      copy.envs,
      `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: ${LOCAL}, retention: '5m' }, gitops: { repoURL: 'github.com/x' } }];`,
      'ts',
    );
    const lines = expectErrorLines(runInProcess(file, copy.out), 2);
    expect(lines[0]).toMatch(/^qa\.tempo\.retention: /);
    expect(lines[1]).toMatch(/^qa\.gitops\.repoURL: /);
  });
});

// Mistakes esbuild finds while it bundles the environment files: the real entry point
// (scripts/app.mjs, as `npm run synth`), one line per problem at the file's line, no stack.
describe('environment files that do not compile (npm run synth)', () => {
  const synthWith = (file: string) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.mjs'), `--outdir=${copy.out}`], {
      encoding: 'utf8',
      cwd: ROOT,
      env: { ...process.env, TRACESYNTH_ENVIRONMENTS: file },
    });
    return { code: r.status ?? -1, stdout: r.stdout.split('\n'), stderr: r.stderr.split('\n') };
  };
  const cases: readonly (readonly [string, string, RegExp])[] = [
    [
      'a syntax error',
      `ENVIRONMENTS = [{ name: 'qa' tempo: {} }];`,
      /^<file>:\d+:30: Expected "}" but found "tempo"; fix that line/,
    ],
    [
      'an unterminated string',
      `ENVIRONMENTS = [{ name: 'qa }];`,
      /^<file>:\d+:32: Unterminated string literal; fix that line/,
    ],
    [
      'the same key twice',
      `ENVIRONMENTS = [{ name: 'qa', namespace: 'a', namespace: 'b' }];`,
      /^<file>:\d+:47: Duplicate key "namespace" in object literal; fix that line \(it is a mistake/,
    ],
    [
      'a name that is not imported',
      `ENVIRONMENTS = [{ name: 'qa', tempo: { storage: TempoStorag.local({}) } }];`,
      /^<file>:\d+:\d+: ReferenceError: TempoStorag is not defined while the environment files loaded; fix that line/,
    ],
  ];
  test.each(cases)('%s', (_title, body, pattern) => {
    const file = writeEnvironmentsModule(copy.envs, body, 'ts');
    const [line] = expectErrorLines(synthWith(file), 1);
    const rel = relative(ROOT, file);
    expect(line.replace(rel, '<file>')).toMatch(pattern);
    expect(line.startsWith(`${rel}:${readFileSync(file, 'utf8').split('\n').indexOf(body) + 1}:`)).toBe(true);
    expect(hashTree(copy.out)).toBe(copy.before);
    expect(readdirSync(copy.work)).toEqual(['dist']);
  });
});
