/**
 * The string types of lib/input-types.ts: every string prop of an environment has one (or is free
 * text on purpose, listed here), and each type's one check accepts what Kubernetes, Tempo and the
 * collector accept and refuses the rest with one line.
 */
import schema from '../schemas/environment.schema.json';
import { expectErrorStartingWith } from './helpers/errors';
import { checkDistinct, INPUT_CHECKS } from '../lib/input-types';
import type { Schema } from '../lib/schema-check';
import { checkResourceQuantity } from '../lib/validate';

const definitions = (schema as Schema).definitions!;

/**
 * String props that are no kind of name, address or quantity, each with why. Anything else typed
 * plain `string` fails the first test: give it a type of lib/input-types.ts.
 */
const FREE_TEXT: Readonly<Record<string, string>> = {
  'ContainerImage.repository': 'checked as an image reference (charts/environment-validation.ts)',
  'ContainerImage.tag': 'checked as an image tag and label value (charts/environment-validation.ts)',
  'DashboardSpec.title': 'text',
  'DashboardSpec.slug':
    'its own rule (custom-dashboards.ts: a DNS label of at most 40, it names a ConfigMap)',
  'DashboardSpec.variables': 'text',
  'EnvironmentDefinition.source': 'a repository path, checked by lib/synth.ts sourceOf',
  'GatewayCredentials.mountPath': 'a container path',
  'GitOpsOptions.repoURL': 'https://, ssh:// or git@ URL: its own rule (constructs/platform/gitops.ts)',
  'GitOpsOptions.revision': 'a branch or tag: its own rule (constructs/platform/gitops.ts)',
  'LogQLPanelSpec.title': 'text',
  'LogQLPanelSpec.logql': 'a query',
  'PromQLPanelSpec.title': 'text',
  'PromQLPanelSpec.promql': 'a query, parsed by lezer-promql',
  'PromQLPanelSpec.unit': 'a Grafana unit id',
  'PromQLPanelSpec.legend': 'text',
  'RedactionRule.name': 'text: the processor name suffix, checked by scrubbing.ts',
  'RedactionRule.pattern': 'an RE2 pattern, checked by scrubbing.ts',
  'RedactionRule.replacement': 'text',
  'TempoProps.configMountPath': 'a container path',
  'Toleration.effect': "Kubernetes' own type (cdk8s-plus k8s.Toleration); the API server test validates it",
  'Toleration.key': "Kubernetes' own type (cdk8s-plus k8s.Toleration); the API server test validates it",
  'Toleration.operator': "Kubernetes' own type (cdk8s-plus k8s.Toleration); the API server test validates it",
  'Toleration.value': "Kubernetes' own type (cdk8s-plus k8s.Toleration); the API server test validates it",
  'TracePanelSpec.title': 'text',
  'TracePanelSpec.traceId': 'a trace ID, checked by custom-dashboards.ts',
  'TraceQLPanelSpec.title': 'text',
  'TraceQLPanelSpec.traceql': "a query, checked against Tempo's lexer rules by custom-dashboards.ts",
};

const isPlainString = (v: Schema | undefined): boolean =>
  v !== undefined && v.type === 'string' && v.enum === undefined && v.const === undefined;

/** `Definition.prop` of every prop whose value (or list item, or map value) is a plain string. */
function plainStringProps(): string[] {
  const out: string[] = [];
  for (const [name, def] of Object.entries(definitions)) {
    if (name in INPUT_CHECKS) continue;
    for (const [key, v] of Object.entries(def.properties ?? {})) {
      const branches = [v, ...(v.anyOf ?? [])];
      const candidates = branches.flatMap((b) => [
        b,
        b.items as Schema | undefined,
        typeof b.additionalProperties === 'object' ? b.additionalProperties : undefined,
      ]);
      if (candidates.some(isPlainString)) out.push(`${name}.${key}`);
    }
  }
  return out.sort();
}

test('every string prop has a type of lib/input-types.ts, or is listed as free text with why', () => {
  expect(plainStringProps()).toEqual(Object.keys(FREE_TEXT).sort());
});

test('every type of lib/input-types.ts that the environment uses is in the schema under its name', () => {
  const used = Object.keys(INPUT_CHECKS).filter((n) => n in definitions);
  // Each is a named definition (so the schema pass finds its check), of a string or a string map.
  for (const n of used) expect(['string', 'object']).toContain(definitions[n].type);
  expect(used).toEqual(expect.arrayContaining(['TenantId', 'HttpUrl', 'Labels', 'CpuQuantity', 'DnsLabel']));
});

const ok = (type: string, value: unknown) =>
  expect(() => INPUT_CHECKS[type](value as never, 'p')).not.toThrow();
const bad = (type: string, value: unknown, message: string) =>
  expectErrorStartingWith(() => INPUT_CHECKS[type](value as never, 'p'), message);

describe('each type: accepted and refused values', () => {
  test('TenantId: dskit ValidTenantID, not . or ..', () => {
    for (const v of ['prod', 'team-a', "a!b_c.d*e'f(g)", 'x'.repeat(150)]) ok('TenantId', v);
    bad('TenantId', '.', "p: '.' is not a valid tenant ID: Tempo refuses '.' and '..'");
    bad('TenantId', '..', "p: '..' is not a valid tenant ID: Tempo refuses '.' and '..'");
    bad('TenantId', 'a|b', "p: 'a|b' is not a valid tenant ID; use up to 150 of");
    bad('TenantId', 'a b', "p: 'a b' is not a valid tenant ID");
    bad('TenantId', '', "p: '' is not a valid tenant ID");
    bad('TenantId', 'x'.repeat(151), 'p: ');
  });

  test('HttpUrl: http(s), a host, no credentials', () => {
    ok('HttpUrl', 'https://kubernetes.default.svc');
    ok('HttpUrl', 'http://prometheus:9090/api/v1/write');
    bad('HttpUrl', 'docs/runbooks.md', "p: 'docs/runbooks.md' is not an http(s) URL");
    bad('HttpUrl', 'ftp://x', "p: 'ftp://x' is not an http(s) URL");
    bad('HttpUrl', 'https://u:p@x', 'p: contains credentials');
  });

  test('labels, annotations and Prometheus labels', () => {
    ok('Labels', { release: 'kube-prometheus-stack', 'example.com/team': 'a_b.c-d' });
    bad('Labels', { '-app': 'x' }, "p['-app']: '-app' is not a valid label key");
    bad('Labels', { release: 'my cluster' }, "p.release: 'my cluster' is not a valid label value");
    ok('Annotations', { grafana_folder: 'Tracing & friends' });
    bad(
      'Annotations',
      { 'grafana folder': 'x' },
      "p['grafana folder']: 'grafana folder' is not a valid label key",
    );
    ok('PrometheusLabels', { cluster: 'eu west' });
    bad(
      'PrometheusLabels',
      { 'k8s.cluster': 'x' },
      "p['k8s.cluster']: 'k8s.cluster' is not a Prometheus label name",
    );
    ok('LabelValue', 'eu-west-1a');
    bad('LabelValue', 'eu west 1a', "p: 'eu west 1a' is not a valid label value");
  });

  test('names: DNS labels and subdomains, host names, Secret keys, port names', () => {
    ok('DnsLabel', 'tracing-prod');
    bad('DnsLabel', 'Tracing', "p: 'Tracing' is not a valid DNS-1123 label");
    ok('DnsSubdomain', 'tempo.tls-1');
    bad('DnsSubdomain', 'tempo_tls', "p: 'tempo_tls' is not a valid DNS-1123 subdomain");
    ok('DnsName', 'tempo.example.com');
    bad('DnsName', 'https://tempo.example.com', "p: 'https://tempo.example.com' is not a DNS name");
    bad('DnsName', 'Tempo.example.com', "p: 'Tempo.example.com' is not a DNS name");
    ok('SecretKey', 'tls.crt');
    bad('SecretKey', 'tls crt', "p: 'tls crt' is not a Secret or ConfigMap key");
    ok('PortName', 'jaeger-http');
    bad('PortName', 'jaeger-thrift-http', "p: 'jaeger-thrift-http' is not a port name");
  });

  test('attribute names, CIDRs, durations', () => {
    ok('AttributeName', 'k8s.namespace.name');
    bad('AttributeName', '', "p: '' is not an attribute name");
    bad('AttributeMap', { '': 'x' }, "p['']: '' is not an attribute name");
    ok('Cidr', '10.0.0.0/8');
    ok('Cidr', 'fd00::/8');
    bad('Cidr', '10.0.0.0', "p: '10.0.0.0' is not a CIDR");
    ok('PrometheusDuration', '1d');
    ok('PrometheusDuration', '1h30m');
    bad('PrometheusDuration', '30 seconds', "p: '30 seconds' is not a Prometheus duration");
    bad('PrometheusDuration', '0s', "p: '0s' is not a Prometheus duration");
    ok('GoDurationText', '2160h');
    bad('GoDurationText', '90d', "p: '90d' is not a duration");
  });

  test('quantities, per resource', () => {
    for (const v of ['500m', '2', '0.5', '1m']) ok('CpuQuantity', v);
    for (const v of ['500Mi', '1k', '5u', '0.1m'])
      bad('CpuQuantity', v, `p: '${v}' is not a CPU amount; give cores or millicores`);
    for (const v of ['512Mi', '4Gi', '1G', '1048576', '1.5Gi']) ok('MemoryQuantity', v);
    for (const v of ['512m', '512', '100Ki'])
      bad('MemoryQuantity', v, `p: '${v}' is not a memory size; give bytes with a suffix, at least 1Mi`);
    ok('StorageQuantity', '20Gi');
    bad('StorageQuantity', '100GB', "p: '100GB' is not a Kubernetes quantity");
    expect(() => checkResourceQuantity('cpu', '1E', 'p')).toThrow('is too large for a Kubernetes quantity');
  });
});

test('checkDistinct names the second of two equal items', () => {
  expect(() => checkDistinct(['a', 'b', 'a'], 'zones', 'zone')).toThrow(
    "zones[2]: 'a' is listed twice (also item 0); give each zone once",
  );
  expect(() => checkDistinct(['a', 'b'], 'zones', 'zone')).not.toThrow();
});
