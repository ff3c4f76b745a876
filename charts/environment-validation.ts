/**
 * Runtime validation of a whole environment definition before any construct sees it, against
 * schemas/environment.schema.json, generated from the TypeScript types by `npm run schema`
 * (scripts/environment-schema.mjs). JavaScript environment files and casts bypass `tsc`; this
 * catches them. On top of the types: Kubernetes bounds by property name (int32 replicas, ports),
 * a sanity cap on replicas (`replicaLimit`), and the grammars of image references, label maps and
 * quantities. Factory values (`TempoStorage.s3(...)`, …) run their own deferred checks here.
 */
import { Size } from 'cdk8s';
import schema from '../schemas/environment.schema.json';
import { LokiDatasource, PrometheusDatasource } from '../constructs/grafana/datasources';
import { CollectorSampling } from '../constructs/otel-collector/sampling';
import { GatewayAuth, GatewayExposure } from '../constructs/gateway/gateway-options';
import { REPLICA_LIMIT } from '../constructs/tempo/capacity';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { GoDuration } from '../lib/duration';
import { KafkaCluster } from '../constructs/kafka/kafka-cluster';
import { Memcached } from '../constructs/memcached/memcached';
import { ConfigError, show } from '../lib/errors';
import { checkSchema, Schema, SchemaCheckOptions } from '../lib/schema-check';
import { checkLabels, checkLabelValue, parseQuantity } from '../lib/validate';
import type { EnvironmentDefinition } from './environment-definition';

/** Every class the schema refers to by `x-instanceof` (the schema test checks the list is complete). */
export const ENVIRONMENT_CLASSES = {
  CollectorSampling,
  GatewayAuth,
  GatewayExposure,
  GoDuration,
  KafkaCluster,
  LokiDatasource,
  Memcached,
  PrometheusDatasource,
  // collector.gateway.persistentQueue.size
  Size,
  TempoStorage,
} as const;

const INT32_MAX = 2 ** 31 - 1;

// Grammars: Kubernetes apimachinery pkg/util/validation (IsValidLabelValue, IsQualifiedName) and
// distribution/reference regexp.go (repository path components, tags).
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(
  `^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`,
);
const TAG = /^[\w][\w.-]{0,127}$/;

function checkImage(image: { repository: string; tag: string }, path: string): void {
  if (image.repository.length > 255 || !REPOSITORY.test(image.repository))
    throw new ConfigError(
      `${path}.repository`,
      `${show(image.repository)} is not an image repository; expected [registry[:port]/]path with lowercase letters, digits and '.', '_', '-' separators (e.g. 'grafana/tempo')`,
    );
  if (!TAG.test(image.tag))
    throw new ConfigError(
      `${path}.tag`,
      `${show(image.tag)} is not an image tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (e.g. '2.8.2')`,
    );
  checkLabelValue(image.tag, `${path}.tag`); // copied into app.kubernetes.io/version
}

function checkQuantities(quantities: Record<string, string>, path: string): void {
  for (const [kind, quantity] of Object.entries(quantities)) {
    const value = parseQuantity(quantity, `${path}.${kind}`);
    // resource.Quantity is an int64 (CPU counted in milli-units).
    if (value * (kind === 'cpu' ? 1000 : 1) > 2 ** 63 - 1)
      throw new ConfigError(
        `${path}.${kind}`,
        `${show(quantity)} is too large for a Kubernetes quantity; give a smaller one`,
      );
  }
}

function intRange(min: number, max: number, why: string) {
  return (value: unknown, path: string) => {
    if (typeof value !== 'number') return;
    if (!Number.isInteger(value) || value < min || value > max)
      throw new ConfigError(
        path,
        `${show(value)} is not valid; expected an integer from ${min} to ${max} (${why})`,
      );
  };
}

function options(replicaLimit: number): SchemaCheckOptions {
  return {
    root: schema as Schema,
    classes: ENVIRONMENT_CLASSES,
    definitionChecks: {
      ContainerImage: checkImage,
      ResourceQuantities: checkQuantities,
    },
    propertyChecks: [
      { name: /^(replicas|minReplicas|maxReplicas)$/, check: intRange(0, INT32_MAX, 'a Kubernetes int32') },
      {
        name: /^(replicas|minReplicas|maxReplicas)$/,
        check: intRange(0, replicaLimit, `the environment's replicaLimit; raise replicaLimit if you mean it`),
      },
      { name: /^(port|[a-zA-Z]*Port)$/, check: intRange(1, 65535, 'a TCP/UDP port') },
      {
        name: /^(dashboardLabel|datasourceLabel|prometheusLabels)$/,
        check: (value, path) => checkLabels(value as Record<string, string>, path),
      },
    ],
  };
}

/**
 * Checks an environment definition of unknown origin (a JavaScript file, a cast) against the
 * types, and returns it typed. Paths in errors are relative to the environment
 * (`tempo.retention`); the synth prefixes the environment's name.
 */
export function validateEnvironment(env: unknown): EnvironmentDefinition {
  const limit =
    env !== null && typeof env === 'object' ? (env as { replicaLimit?: unknown }).replicaLimit : undefined;
  if (limit !== undefined) {
    checkSchema(limit, { type: 'number' }, 'replicaLimit', options(INT32_MAX));
    intRange(1, INT32_MAX, 'a Kubernetes int32')(limit, 'replicaLimit');
  }
  checkSchema(env, schema as Schema, '', options((limit as number | undefined) ?? REPLICA_LIMIT));
  return env as EnvironmentDefinition;
}
