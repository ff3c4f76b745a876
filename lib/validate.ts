import { isIP } from 'node:net';
import { ConfigError, propertyPath, show } from './errors';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a Kubernetes object name (RFC 1123 label: lowercase alphanumerics and '-', starting and
 * ending with an alphanumeric, at most `maxLength` characters).
 */
export function checkDnsLabel(value: string, property: string, maxLength = 63): string {
  if (typeof value !== 'string' || !DNS_1123_LABEL.test(value)) {
    throw new ConfigError(
      property,
      `${show(value)} is not a valid DNS-1123 label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. 'tempo')`,
    );
  }
  if (value.length > maxLength) {
    throw new ConfigError(
      property,
      `${show(value)} is ${value.length} characters long; at most ${maxLength} are allowed`,
    );
  }
  return value;
}

const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a DNS-1123 subdomain (StorageClass, Secret names): labels joined by dots, at most 253. */
export function checkDnsSubdomain(value: string, property: string): string {
  if (typeof value !== 'string' || !DNS_1123_SUBDOMAIN.test(value) || value.length > 253) {
    throw new ConfigError(
      property,
      `${show(value)} is not a valid DNS-1123 subdomain; use lowercase letters, digits, '-' and '.', at most 253 characters`,
    );
  }
  return value;
}

export function checkPort(value: number, property: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConfigError(
      property,
      `${show(value)} is not a valid port; expected an integer from 1 to 65535`,
    );
  }
  return value;
}

export function checkPositiveInteger(value: number, property: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(property, `${show(value)} is not valid; expected an integer >= ${min}`);
  }
  return value;
}

// Kubernetes resource.Quantity: a decimal number with an optional binary (Ki..Ei), decimal
// (n, u, m, k, M, G, T, P, E) or exponent suffix.
const QUANTITY = /^([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses a Kubernetes quantity (`500m`, `2Gi`, `1.5`) into its numeric value. */
export function parseQuantity(value: string, property: string): number {
  const m = typeof value === 'string' ? QUANTITY.exec(value) : null;
  if (!m) {
    throw new ConfigError(
      property,
      `${show(value)} is not a Kubernetes quantity; expected e.g. '500m', '2', '512Mi' or '4Gi'`,
    );
  }
  const suffix = m[3] ?? '';
  // 'E' alone is exa (10^18); only 'e'/'E' followed by digits is an exponent.
  const factor = /^[eE][-+]?[0-9]+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * factor;
}

/** CPU autoscaling bounds of a workload. */
export interface AutoscalingProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** @default 70 */
  readonly targetCpuUtilizationPercent?: number;
}

/** Validates autoscaling bounds and fills the default CPU target. */
export function resolveAutoscaling(a: AutoscalingProps, property: string): Required<AutoscalingProps> {
  checkPositiveInteger(a.minReplicas, `${property}.minReplicas`);
  if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < a.minReplicas) {
    throw new ConfigError(
      `${property}.maxReplicas`,
      `${show(a.maxReplicas)} is below minReplicas (${a.minReplicas}); give maxReplicas >= minReplicas`,
    );
  }
  const target = a.targetCpuUtilizationPercent ?? 70;
  if (!Number.isInteger(target) || target < 1 || target > 100)
    throw new ConfigError(
      `${property}.targetCpuUtilizationPercent`,
      `${show(target)} is outside 1-100; give a CPU target in percent`,
    );
  return { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, targetCpuUtilizationPercent: target };
}

// Tempo tenant IDs (the X-Scope-OrgID header): up to 150 characters from [A-Za-z0-9!-_.*'()], and
// not '.' or '..' (they are path segments of the tenant's blocks in the bucket): dskit
// tenant/tenant.go ValidTenantID, what Tempo's distributor and frontend check.
const TENANT_ID = /^[A-Za-z0-9!\-_.*'()]{1,150}$/;

/** Checks a Tempo tenant ID. */
export function checkTenantId(value: string, property: string): string {
  if (typeof value !== 'string' || !TENANT_ID.test(value))
    throw new ConfigError(
      property,
      `${show(value)} is not a valid tenant ID; use up to 150 of A-Z a-z 0-9 ! - _ . * ' ( )`,
    );
  if (value === '.' || value === '..')
    throw new ConfigError(
      property,
      `${show(value)} is not a valid tenant ID: Tempo refuses '.' and '..' (they would be paths in the bucket); give a name such as 'team-a'`,
    );
  return value;
}

/** Log levels that Tempo and the Collector both accept. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Checks a log level. */
export function checkLogLevel(value: LogLevel, property: string): LogLevel {
  if (!LOG_LEVELS.includes(value))
    throw new ConfigError(property, `${show(value)} is not a log level; expected debug, info, warn or error`);
  return value;
}

/**
 * Checks an http(s) URL without credentials in it (dist/ is committed to git), and returns it
 * parsed. `example` completes the message for a value that is not a URL at all.
 */
export function checkHttpUrl(value: string, property: string, example?: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname)
    throw new ConfigError(
      property,
      `${show(value)} is not an http(s) URL; ${example ? `expected e.g. ${show(example)}` : 'give an http:// or https:// URL'}`,
    );
  if (url.username || url.password)
    throw new ConfigError(
      property,
      'contains credentials; remove them from the URL (dist/ is committed to git)',
    );
  return url;
}

/** Checks a finite number greater than 0; `hint` completes the message. */
export function checkPositiveNumber(value: number, property: string, hint?: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ConfigError(
      property,
      `${show(value)} is not a positive number; ${hint ?? 'give a number greater than 0'}`,
    );
  return value;
}

/** Checks a boolean (environment files written in JavaScript can hand over anything). */
export function checkBoolean(value: boolean, property: string): boolean {
  if (typeof value !== 'boolean')
    throw new ConfigError(property, `${show(value)} is not a boolean; give true or false`);
  return value;
}

/** Checks that a value is a plain object (not null, an array or a class instance). */
export function checkPlainObject<T>(value: T, property: string, example: string): T {
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null)
    throw new ConfigError(property, `${show(value)} is not an object; expected e.g. ${example}`);
  return value;
}

/** A Prometheus label name (prometheus/common model.LabelNameRE, legacy validation). */
export const PROMETHEUS_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Kubernetes apimachinery pkg/util/validation: IsValidLabelValue, IsQualifiedName.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Checks a Kubernetes label value (also what an image tag becomes in `app.kubernetes.io/version`). */
export function checkLabelValue(value: string, path: string): string {
  if (value.length > 63 || !LABEL_VALUE.test(value))
    throw new ConfigError(
      path,
      `${show(value)} is not a valid label value; use at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit`,
    );
  return value;
}

export function checkLabelKey(key: string, path: string): void {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (
    name.length > 63 ||
    !LABEL_NAME.test(name) ||
    (prefix !== undefined && (prefix.length > 253 || !DNS_1123_SUBDOMAIN.test(prefix)))
  )
    throw new ConfigError(
      path,
      `${show(key)} is not a valid label key; use an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.' (e.g. 'release' or 'example.com/team')`,
    );
}

/** Checks a map of Kubernetes labels, keys and values. */
export function checkLabels(labels: Record<string, string>, path: string): void {
  for (const [key, value] of Object.entries(labels)) {
    checkLabelKey(key, propertyPath(path, key));
    checkLabelValue(value, propertyPath(path, key));
  }
}

/** Checks a map of Kubernetes annotations: keys in the label-key grammar, values any text. */
export function checkAnnotations(annotations: Record<string, string>, path: string): void {
  for (const key of Object.keys(annotations)) checkLabelKey(key, propertyPath(path, key));
}

/** Checks a Prometheus label name (`[a-zA-Z_][a-zA-Z0-9_]*`). */
export function checkPrometheusLabelName(name: string, property: string): string {
  if (typeof name !== 'string' || !PROMETHEUS_LABEL_NAME.test(name))
    throw new ConfigError(
      property,
      `${show(name)} is not a Prometheus label name; use letters, digits and '_', not starting with a digit (e.g. 'cluster')`,
    );
  return name;
}

/** Checks a map of Prometheus labels: names in Prometheus' grammar, values any text. */
export function checkPrometheusLabels(labels: Record<string, string>, path: string): void {
  for (const key of Object.keys(labels)) checkPrometheusLabelName(key, propertyPath(path, key));
}

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks a host name (a route's or an Ingress's host): lowercase RFC 1123 labels joined by dots.
 * `fix` replaces the message's generic advice where the caller knows which host is meant.
 */
export function checkDnsName(
  value: string,
  property: string,
  fix = "give a lowercase host name such as 'tempo.example.com' (no scheme, port or path)",
): string {
  if (typeof value !== 'string' || !DNS_NAME.test(value) || value.split('.').some((l) => l.length > 63))
    throw new ConfigError(property, `${show(value)} is not a DNS name; ${fix}`);
  return value;
}

/** Checks a key of a Secret or ConfigMap (apimachinery IsConfigMapKey). */
export function checkSecretKey(value: string, property: string): string {
  if (typeof value !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(value) || value === '.' || value === '..')
    throw new ConfigError(
      property,
      `${show(value)} is not a Secret or ConfigMap key; use letters, digits, '-', '_' and '.' (e.g. 'tls.crt')`,
    );
  return value;
}

/** IANA_SVC_NAME (RFC 6335 §5.1), what Kubernetes requires of a container port name. */
export function checkPortName(name: string, property: string): string {
  if (
    typeof name !== 'string' ||
    name.length > 15 ||
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) ||
    name.includes('--') ||
    !/[a-z]/.test(name)
  ) {
    throw new ConfigError(
      property,
      `${show(name)} is not a port name; use at most 15 lowercase letters, digits and single hyphens with at least one letter (e.g. 'jaeger-http')`,
    );
  }
  return name;
}

/** Checks an OpenTelemetry attribute name: not empty, letters, digits and . _ - / only. */
export function checkAttributeName(name: string, property: string): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.\-/]+$/.test(name)) {
    throw new ConfigError(
      property,
      `${show(name)} is not an attribute name; use letters, digits and . _ - / (e.g. 'http.route')`,
    );
  }
  return name;
}

/** Checks an IPv4 or IPv6 network in CIDR notation. */
export function checkCidr(value: string, property: string): string {
  const [address, prefix, extra] = typeof value === 'string' ? value.split('/') : [];
  const family = isIP(address ?? '');
  const bits = /^\d{1,3}$/.test(prefix ?? '') ? Number(prefix) : NaN;
  if (family === 0 || extra !== undefined || !(bits <= (family === 4 ? 32 : 128)))
    throw new ConfigError(property, `${show(value)} is not a CIDR; expected e.g. '10.0.0.0/8' or 'fd00::/8'`);
  return value;
}

// Prometheus model.ParseDuration: one or more number-unit pairs, largest unit first.
const PROMETHEUS_DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;

/** Checks a Prometheus duration (`30s`, `5m`, `1h30m`, `1d`): what `for:` and scrape intervals take. */
export function checkPrometheusDuration(value: string, property: string): string {
  if (
    typeof value !== 'string' ||
    value === '' ||
    !PROMETHEUS_DURATION.test(value) ||
    /^0+[a-z]*$/.test(value)
  )
    throw new ConfigError(
      property,
      `${show(value)} is not a Prometheus duration; give e.g. '30s', '5m', '1h30m' or '1d' (units ms, s, m, h, d, w, y, largest first)`,
    );
  return value;
}

/**
 * Checks a container resource quantity for what it measures: CPU in cores or millicores (`500m`,
 * `2`; at least 1m), memory and storage in bytes with a binary or decimal suffix (`512Mi`, `4Gi`;
 * a whole number of bytes, at least 1Mi). `500Mi` of CPU or `512m` of memory parse as quantities
 * but are almost certainly typos, so they are refused with the likely meaning.
 */
export function checkResourceQuantity(resource: string, value: string, property: string): number {
  const amount = parseQuantity(value, property);
  // resource.Quantity is an int64 (CPU counted in milli-units).
  if (amount * (resource === 'cpu' ? 1000 : 1) > 2 ** 63 - 1)
    throw new ConfigError(
      property,
      `${show(value)} is too large for a Kubernetes quantity; give a smaller one`,
    );
  const suffix = /[A-Za-z]+$/.exec(value)?.[0] ?? '';
  if (resource === 'cpu') {
    if (/i$/.test(suffix) || ['k', 'M', 'G', 'T', 'P', 'E', 'n', 'u'].includes(suffix) || amount < 0.001)
      throw new ConfigError(
        property,
        `${show(value)} is not a CPU amount; give cores or millicores, at least 1m (e.g. '500m' or '2')`,
      );
  } else if (['memory', 'storage', 'ephemeral-storage'].includes(resource)) {
    if (['m', 'u', 'n'].includes(suffix) || !Number.isInteger(amount) || amount < 2 ** 20)
      throw new ConfigError(
        property,
        `${show(value)} is not a ${resource === 'memory' ? 'memory' : 'storage'} size; give bytes with a suffix, at least 1Mi (e.g. '512Mi' or '4Gi')`,
      );
  }
  return amount;
}
