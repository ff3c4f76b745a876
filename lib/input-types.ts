/**
 * The kinds of string an environment is written with. Each is a type alias, so that the generated
 * environment schema names it (`scripts/environment-schema.mjs`), and each has one check
 * (`INPUT_CHECKS`): the environment validation runs it on every prop of that type, wherever the
 * prop is (`charts/environment-validation.ts`), and the constructs call the same check when they
 * are used directly. `test/environment-schema.test.ts` fails on a string prop that is given none of
 * these types and is not listed there as free text.
 */
import { GoDuration } from './duration';
import { ConfigError, propertyPath, show } from './errors';
import {
  checkAnnotations,
  checkAttributeName,
  checkCidr,
  checkDnsLabel,
  checkDnsName,
  checkDnsSubdomain,
  checkHttpUrl,
  checkLabels,
  checkLabelValue,
  checkPortName,
  checkPrometheusDuration,
  checkPrometheusLabels,
  checkResourceQuantity,
  checkSecretKey,
  checkTenantId,
} from './validate';

/** A Kubernetes DNS-1123 label: a namespace, or the name of an object and its derived names. */
export type DnsLabel = string;
/** A Kubernetes DNS-1123 subdomain: the name of a Secret, ConfigMap, StorageClass or Issuer. */
export type DnsSubdomain = string;
/** A host name (RFC 1123, lowercase): a route's or an Ingress's host. */
export type DnsName = string;
/** A key inside a Secret or ConfigMap (`[-._a-zA-Z0-9]+`). */
export type SecretKey = string;
/** A container and Service port name (IANA_SVC_NAME, at most 15 characters). */
export type PortName = string;
/** A Tempo tenant ID (the `X-Scope-OrgID` header). */
export type TenantId = string;
/** An http(s) URL without credentials in it. */
export type HttpUrl = string;
/** A Kubernetes label value (also a zone name: the `topology.kubernetes.io/zone` label's value). */
export type LabelValue = string;
/** Kubernetes labels: keys and values in the label grammar (they reach selectors and NetworkPolicies). */
export type Labels = Record<string, string>;
/** Kubernetes annotations: keys in the label-key grammar, values any text. */
export type Annotations = Record<string, string>;
/** Prometheus labels (names `[a-zA-Z_][a-zA-Z0-9_]*`, values any text). */
export type PrometheusLabels = Record<string, string>;
/** A Prometheus duration (`30s`, `5m`, `1h`, `1d`). */
export type PrometheusDuration = string;
/** An OpenTelemetry attribute name (`http.route`, `k8s.namespace.name`). */
export type AttributeName = string;
/** A map keyed by OpenTelemetry attribute names. */
export type AttributeMap = Record<string, string>;
/** A Go duration as text (`30s`, `1h30m`, `2160h`): what cert-manager and Flux read. */
export type GoDurationText = string;
/** CPU as a Kubernetes quantity: cores or millicores (`500m`, `2`). */
export type CpuQuantity = string;
/** Memory as a Kubernetes quantity in bytes (`512Mi`, `4Gi`). */
export type MemoryQuantity = string;
/** A volume size as a Kubernetes quantity in bytes (`20Gi`, `1Ti`). */
export type StorageQuantity = string;
/** An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`). */
export type Cidr = string;

type Check = (value: never, path: string) => void;

/** Every key of a map checked with `check`, each at its own path. */
const keys =
  (check: (key: string, path: string) => unknown): Check =>
  (value: Record<string, unknown>, path) => {
    for (const key of Object.keys(value)) check(key, propertyPath(path, key));
  };

/** The one check of each type above, by its name in the schema. */
export const INPUT_CHECKS: Readonly<Record<string, Check>> = {
  DnsLabel: checkDnsLabel,
  DnsSubdomain: checkDnsSubdomain,
  DnsName: checkDnsName,
  SecretKey: checkSecretKey,
  PortName: checkPortName,
  TenantId: checkTenantId,
  HttpUrl: (value: string, path) => {
    checkHttpUrl(value, path);
  },
  LabelValue: checkLabelValue,
  Labels: checkLabels,
  Annotations: checkAnnotations,
  PrometheusLabels: checkPrometheusLabels,
  PrometheusDuration: checkPrometheusDuration,
  AttributeName: checkAttributeName,
  AttributeMap: keys(checkAttributeName),
  Cidr: checkCidr,
  CpuQuantity: (value: string, path) => checkResourceQuantity('cpu', value, path),
  MemoryQuantity: (value: string, path) => checkResourceQuantity('memory', value, path),
  StorageQuantity: (value: string, path) => checkResourceQuantity('storage', value, path),
  GoDurationText: (value: string, path) => {
    GoDuration.parse(value, path);
  },
};

/** Checks that a list names each item once (zones, tenants, namespaces). */
export function checkDistinct(list: readonly string[], path: string, what: string): void {
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const first = seen.get(item);
    if (first !== undefined)
      throw new ConfigError(
        `${path}[${i}]`,
        `${show(item)} is listed twice (also item ${first}); give each ${what} once`,
      );
    seen.set(item, i);
  });
}
