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
import { checkGoDuration, DurationInput, GoDuration, toDuration } from '../lib/duration';
import { KafkaCluster } from '../constructs/kafka/kafka-cluster';
import { Memcached } from '../constructs/memcached/memcached';
import { ConfigError, ErrorCollector, propertyPath, show } from '../lib/errors';
import { describeThrown, userLocation } from '../lib/user-code';
import { checkDistinct, INPUT_CHECKS } from '../lib/input-types';
import { checkSchema, Schema, SchemaCheckOptions } from '../lib/schema-check';
import { checkLabelValue, checkTenantId } from '../lib/validate';
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
    // Every string type of lib/input-types (tenant IDs, URLs, labels, quantities, …), wherever it is.
    definitionChecks: {
      ...INPUT_CHECKS,
      ContainerImage: checkImage,
      GoDuration: checkGoDuration,
      DurationInput: (value: DurationInput, path: string) => {
        toDuration(value, path);
      },
    },
    propertyChecks: [
      { name: /^(replicas|minReplicas|maxReplicas)$/, check: intRange(0, INT32_MAX, 'a Kubernetes int32') },
      {
        name: /^(replicas|minReplicas|maxReplicas)$/,
        check: intRange(0, replicaLimit, `the environment's replicaLimit; raise replicaLimit if you mean it`),
      },
      { name: /^(port|[a-zA-Z]*Port)$/, check: intRange(1, 65535, 'a TCP/UDP port') },
      // Per-tenant maps (`tempo.tenants`) are keyed by tenant ID.
      {
        name: /^tenants$/,
        check: (value, path) => {
          if (value !== null && typeof value === 'object' && !Array.isArray(value))
            for (const key of Object.keys(value)) checkTenantId(key, propertyPath(path, key));
        },
      },
      // Lists where an item twice is a mistake.
      {
        name: /^(zones|tenants|crossTenant|ingestNamespaces|namespaces|dimensions)$/,
        check: (value, path) => {
          if (Array.isArray(value)) checkDistinct(value as string[], path, 'item');
        },
      },
    ],
  };
}

/**
 * Reads every property of the definition once, so that a getter of the environment file that
 * throws is reported as that file's mistake (with its file and line), not met later inside a
 * construct as an internal error. Every throwing property is reported.
 */
function readEverything(env: unknown): void {
  const found = new ErrorCollector();
  const seen = new Set<object>();
  const walk = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    let keys: string[];
    try {
      keys = Object.keys(value);
    } catch (e) {
      found.add(threw(e, path || 'the environment'));
      return;
    }
    for (const key of keys) {
      const at = Array.isArray(value) && /^\d+$/.test(key) ? `${path}[${key}]` : propertyPath(path, key);
      let child: unknown;
      try {
        child = (value as Record<string, unknown>)[key];
      } catch (e) {
        found.add(threw(e, at));
        continue;
      }
      walk(child, at);
    }
  };
  walk(env, '');
  found.throwIfAny();
}

function threw(e: unknown, path: string): ConfigError {
  const where = userLocation(e);
  return new ConfigError(
    path,
    `reading it threw ${describeThrown(e)}${where ? ` at ${where}` : ''}; fix that getter in the environment file`,
  );
}

/**
 * Checks an environment definition of unknown origin (a JavaScript file, a cast) against the
 * types, and returns it typed. Paths in errors are relative to the environment
 * (`tempo.retention`); the synth prefixes the environment's name.
 */
export function validateEnvironment(env: unknown): EnvironmentDefinition {
  readEverything(env);
  const limit =
    env !== null && typeof env === 'object' ? (env as { replicaLimit?: unknown }).replicaLimit : undefined;
  if (limit !== undefined) {
    checkSchema(limit, { type: 'number' }, 'replicaLimit', options(INT32_MAX));
    intRange(1, INT32_MAX, 'a Kubernetes int32')(limit, 'replicaLimit');
  }
  checkSchema(env, schema as Schema, '', options((limit as number | undefined) ?? REPLICA_LIMIT));
  return env as EnvironmentDefinition;
}
