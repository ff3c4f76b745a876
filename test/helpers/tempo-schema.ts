/**
 * Closed key models of Tempo 3.0.3 and 2.10.8, generated from what each binary reports as its
 * full default configuration (`/status/config?mode=defaults`, vendored in
 * `schemas/tempo/tempo-<version>-defaults.yaml`), so they cannot drift from the real component:
 * any key the binary does not know is reported, the way Tempo's strict YAML parsing refuses to
 * start on it, and every leaf is type-checked against its default's type.
 *
 * The dump leaves out two kinds of keys, added here by hand from the source (each cited):
 *  - fields tagged `omitempty` whose default is the zero value (`cmd/tempo/app/config.go`,
 *    `modules/overrides/config.go`, `modules/generator/registry/config.go`,
 *    `modules/generator/storage/config.go`);
 *  - `distributor.receivers`, an open map decoded later by the OpenTelemetry receivers Tempo
 *    embeds (otlp, jaeger, zipkin: `endpoint` per protocol, TLS on OTLP, gRPC keepalive).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TempoVersion } from '../../constructs/tempo/tempo-props';
import { VERSIONS } from '../../lib/versions';

type Leaf =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  | 'duration'
  | 'string[]'
  | 'int[]'
  | 'string-map'
  | 'map'
  | 'list'
  | 'remote-write[]'
  | 'pod-association[]'
  | 'policies[]'
  | 'attribute-actions[]'
  | 'statements[]'
  | 'readers[]'
  | 'pipelines'
  | 'caches[]';
export interface KeyTree {
  readonly [key: string]: Leaf | KeyTree;
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** The key tree of a reference dump: maps become subtrees, every other value a typed leaf. */
function treeOf(value: unknown): Leaf | KeyTree {
  if (Array.isArray(value))
    return value.length && value.every((v) => typeof v === 'string') ? 'string[]' : 'list';
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    // `{}` in the dump is an open map (tags, metadata, assigned_partitions …).
    if (entries.length === 0) return 'map';
    return Object.fromEntries(entries.map(([k, v]) => [k, treeOf(v)]));
  }
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'number';
  if (typeof value === 'string' && GO_DURATION.test(value)) return 'duration';
  return 'string';
}

/** Deep merge of `extra` into `tree` (extra wins at the leaves). */
function merge(tree: KeyTree, extra: KeyTree): KeyTree {
  const out: Record<string, Leaf | KeyTree> = { ...tree };
  for (const [k, v] of Object.entries(extra)) {
    const base = out[k];
    out[k] = typeof v === 'object' && typeof base === 'object' ? merge(base, v) : v;
  }
  return out;
}

const endpoint: KeyTree = { endpoint: 'string' };
// configtls.ServerConfig of the collector receivers Tempo embeds (OTLP only here).
const tlsEndpoint: KeyTree = {
  endpoint: 'string',
  tls: { cert_file: 'string', key_file: 'string', client_ca_file: 'string', min_version: 'string' },
};
/** `distributor.receivers`: the OpenTelemetry receivers both lines embed (no OpenCensus since 2.10.6). */
const RECEIVERS: KeyTree = {
  // configgrpc ServerConfig: keepalive.server_parameters (KeepaliveServerParameters).
  otlp: {
    protocols: {
      grpc: {
        ...tlsEndpoint,
        keepalive: {
          server_parameters: { max_connection_age: 'duration', max_connection_age_grace: 'duration' },
        },
      },
      http: tlsEndpoint,
    },
  },
  jaeger: {
    protocols: { grpc: endpoint, thrift_http: endpoint, thrift_compact: endpoint, thrift_binary: endpoint },
  },
  zipkin: endpoint,
};

/** `omitempty` overrides fields (`modules/overrides/config.go`, both lines). */
const OMITEMPTY_OVERRIDES: KeyTree = {
  ingestion: { max_global_traces_per_user: 'int' },
  read: { max_search_duration: 'duration' },
  compaction: { block_retention: 'duration', compaction_window: 'duration', compaction_disabled: 'bool' },
  metrics_generator: { processors: 'string[]' },
  global: { max_bytes_per_trace: 'int' },
};

/**
 * An entry of `cache.caches` (an empty list in both dumps), from the source of both lines:
 * `modules/cache/config.go` (`roles`, `memcached`, `redis`), `modules/cache/memcached/memcached.go`
 * (`ttl` and the inlined client) and `pkg/cache/memcached_client.go` `MemcachedClientConfig`
 * (the inlined dskit TLS client fields left out: this project does not set them). The roles are
 * `allRoles()` of `modules/cache/config.go`, the same at v3.0.3 and v2.10.8.
 */
const CACHE_ENTRY: KeyTree = {
  roles: 'string[]',
  memcached: {
    host: 'string',
    service: 'string',
    addresses: 'string',
    timeout: 'duration',
    max_idle_conns: 'int',
    max_item_size: 'int',
    update_interval: 'duration',
    consistent_hash: 'bool',
    circuit_breaker_consecutive_failures: 'int',
    circuit_breaker_timeout: 'duration',
    circuit_breaker_interval: 'duration',
    tls_enabled: 'bool',
    ttl: 'duration',
  },
};
export const TEMPO_CACHE_ROLES = [
  'bloom',
  'trace-id-index',
  'parquet-footer',
  'parquet-column-idx',
  'parquet-offset-idx',
  'parquet-page',
  'frontend-search',
] as const;

/** `omitempty` top-level and generator fields, absent from the dumps at their zero value. */
const OMITEMPTY: KeyTree = {
  // cmd/tempo/app/config.go
  multitenancy_enabled: 'bool',
  stream_over_http_enabled: 'bool',
  auth_enabled: 'bool',
  shutdown_delay: 'duration',
  enable_go_runtime_metrics: 'bool',
  distributor: { receivers: RECEIVERS },
  metrics_generator: {
    // modules/generator/registry/config.go `external_labels,omitempty`
    registry: { external_labels: 'string-map' },
    // modules/generator/storage/config.go `remote_write,omitempty` (Prometheus RemoteWriteConfig)
    storage: { remote_write: 'remote-write[]' },
  },
  overrides: { defaults: OMITEMPTY_OVERRIDES },
  // Not omitempty: a list whose entries the dump (`caches: []`) cannot show.
  cache: { caches: 'caches[]' },
};

export type TempoLine = '3.0.3' | '2.10.8';

/** The key model of a configured line: the pinned release of `lib/versions.ts`. */
export function keyLine(version: TempoVersion): TempoLine {
  const pinned = version === '3.0' ? VERSIONS.tempo : VERSIONS.tempo2;
  if (pinned !== '3.0.3' && pinned !== '2.10.8')
    throw new Error(`no reference defaults vendored for Tempo ${pinned}`);
  return pinned;
}

const CACHE = join(__dirname, '..', '..', 'node_modules', '.cache', 'tracesynth');

/**
 * The parsed defaults dump. Parsing the YAML costs ~0.2 s in every test file that checks a
 * config, so the parsed form is kept as JSON under a key of the file's text (the dumps hold no
 * value that JSON would change: no timestamps, no infinities).
 */
function defaultsDump(version: TempoLine): unknown {
  const text = readFileSync(
    join(__dirname, '..', '..', 'schemas', 'tempo', `tempo-${version}-defaults.yaml`),
    'utf8',
  );
  const cached = join(
    CACHE,
    `tempo-defaults-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`,
  );
  try {
    return JSON.parse(readFileSync(cached, 'utf8'));
  } catch {
    const dump = parse(text);
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(`${cached}.${process.pid}.tmp`, JSON.stringify(dump));
    renameSync(`${cached}.${process.pid}.tmp`, cached);
    return dump;
  }
}

const trees = new Map<TempoLine, KeyTree>();
/** The closed key model of a line, built on first use. */
function keysOf(version: TempoLine): KeyTree {
  let tree = trees.get(version);
  if (tree === undefined)
    trees.set(version, (tree = merge(treeOf(defaultsDump(version)) as KeyTree, OMITEMPTY)));
  return tree;
}

/** The overrides block (`overrides.defaults`, and each tenant of the runtime file) of a line. */
const overridesKeysOf = (version: TempoLine) => (keysOf(version).overrides as KeyTree).defaults as KeyTree;

/** The per-tenant runtime overrides file: `overrides: { <tenant>: <same blocks as defaults> }`. */
export function tenantOverridesProblems(file: unknown, version: TempoLine = '3.0.3'): string[] {
  if (file === null || typeof file !== 'object' || Array.isArray(file)) return ['/: expected a map'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(file)) {
    if (key !== 'overrides') {
      problems.push(`${key}: unknown key`);
      continue;
    }
    for (const [tenant, block] of Object.entries(value ?? {}))
      problems.push(...tempoConfigProblems(block, overridesKeysOf(version), `overrides.${tenant}`));
  }
  return problems;
}

/** Every key path in `config` that the Tempo line would reject, with the reason. */
export function tempoConfigProblems(
  config: unknown,
  tree: KeyTree | TempoLine = '3.0.3',
  path = '',
): string[] {
  const spec0 = typeof tree === 'string' ? keysOf(tree) : tree;
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    return [`${path || '/'}: expected a map`];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const at = path ? `${path}.${key}` : key;
    const spec = spec0[key];
    if (spec === undefined) problems.push(`${at}: unknown key`);
    else if (typeof spec === 'object') problems.push(...tempoConfigProblems(value, spec, at));
    else if (spec === 'number' && typeof value !== 'number')
      problems.push(`${at}: expected a number, got ${JSON.stringify(value)}`);
    else if (spec === 'int[]' && !(Array.isArray(value) && value.every((v) => Number.isInteger(v))))
      problems.push(`${at}: expected a list of integers`);
    else if (spec === 'int' && !Number.isInteger(value))
      problems.push(`${at}: expected an integer, got ${JSON.stringify(value)}`);
    else if (spec === 'bool' && typeof value !== 'boolean')
      problems.push(`${at}: expected a boolean, got ${JSON.stringify(value)}`);
    else if (spec === 'string' && typeof value !== 'string')
      problems.push(`${at}: expected a string, got ${JSON.stringify(value)}`);
    else if (spec === 'duration' && !(typeof value === 'string' && GO_DURATION.test(value)))
      problems.push(`${at}: expected a Go duration, got ${JSON.stringify(value)}`);
    else if (spec === 'string[]' && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
      problems.push(`${at}: expected a list of strings`);
    else if (spec === 'list' && !Array.isArray(value)) problems.push(`${at}: expected a list`);
    else if (spec === 'map' && !(value && typeof value === 'object' && !Array.isArray(value)))
      problems.push(`${at}: expected a map`);
    else if (
      spec === 'string-map' &&
      !(value && typeof value === 'object' && Object.values(value).every((v) => typeof v === 'string'))
    )
      problems.push(`${at}: expected a map of strings`);
    else if (spec === 'caches[]') {
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else
        value.forEach((entry, i) => {
          problems.push(...tempoConfigProblems(entry, CACHE_ENTRY, `${at}[${i}]`));
          const roles: unknown[] = Array.isArray(entry?.roles) ? entry.roles : [];
          if (!roles.length) problems.push(`${at}[${i}].roles: a cache needs at least one role`);
          for (const role of roles)
            if (!(TEMPO_CACHE_ROLES as readonly unknown[]).includes(role))
              problems.push(`${at}[${i}].roles: ${JSON.stringify(role)} is not a role`);
          if (!entry?.memcached) problems.push(`${at}[${i}]: neither memcached nor redis`);
        });
      // Tempo refuses a role claimed by two caches (modules/cache/config.go Validate).
      const all = Array.isArray(value)
        ? value.flatMap((e: any) => (Array.isArray(e?.roles) ? e.roles : []))
        : [];
      for (const role of new Set(all))
        if (all.filter((r) => r === role).length > 1) problems.push(`${at}: role ${role} is claimed twice`);
    } else if (spec === 'remote-write[]') {
      // Prometheus remote_write config (prometheus/config RemoteWriteConfig), the fields we emit.
      if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
      else
        value.forEach((rw, i) =>
          problems.push(...tempoConfigProblems(rw, { url: 'string', send_exemplars: 'bool' }, `${at}[${i}]`)),
        );
    }
  }
  return problems;
}
