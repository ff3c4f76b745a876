/**
 * The query gateway and the per-tenant Grafana datasources as models: what the construct renders,
 * who may reach what (the NetworkPolicies through the evaluator), the datasource plan's UIDs, and
 * the nginx.conf rules the end-to-end test (test/gateway-e2e.test.ts) cannot reach.
 */
import { Size } from 'cdk8s';
import { GatewayAuth, GatewayExposure } from '../constructs/gateway/gateway-options';
import { renderNginxConfig } from '../constructs/gateway/nginx-config';
import { planTempoDatasources } from '../constructs/grafana/tempo-datasource-plan';
import { TempoStorage } from '../constructs/tempo/tempo-storage';
import { PROD, renderStack } from './fixtures/stacks';
import type { EnvironmentDefinition } from '../environments/types';
import { EXAMPLES } from '../examples';
import { networkPolicies, renderedPods } from './helpers/flow-probes';
import { mayReach, PodEndpoint } from './helpers/network-evaluator';
import { expectError } from './helpers/errors';

const fawkes = EXAMPLES.find((e) => e.name === 'fawkes')!;

describe('the prod-like stack behind the query gateway: who reaches what', () => {
  const { charts, manifests } = renderStack(PROD);
  const policies = networkPolicies(manifests);
  const pods = renderedPods(manifests);
  const of = (name: string, component: string) =>
    pods.filter(
      (p) =>
        p.labels['app.kubernetes.io/name'] === name && p.labels['app.kubernetes.io/component'] === component,
    );
  const gateway = of('tempo-gateway', 'query-gateway');
  const frontend = of('tempo', 'query-frontend');
  const distributor = of('tempo', 'distributor');
  const grafana: PodEndpoint = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } };
  const proxy: PodEndpoint = { namespace: 'gateway-system', labels: { app: 'envoy' } };
  const app: PodEndpoint = { namespace: 'shop', labels: { app: 'checkout' } };

  test('the gateway is rendered, restricted, without a secret value', () => {
    expect(gateway).toHaveLength(1);
    const d = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'tempo-gateway');
    const pod = d.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101 });
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({ secret: expect.objectContaining({ secretName: 'tempo-gateway-htpasswd' }) }),
    );
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    expect(charts.gateway!.gateway.users.map((u) => [u.user, u.orgId])).toEqual([
      ['oncall', 'prod'],
      ['ci-synthetics', 'prod'],
      ['tracing-prod-tempo', 'prod'],
    ]);
  });

  test('Grafana reaches the gateway, no longer the query-frontend; only the gateway does', () => {
    for (const f of frontend) {
      expect(mayReach(policies, grafana, f, 3200)).toBe(false);
      expect(mayReach(policies, proxy, f, 3200)).toBe(false);
      for (const g of gateway) expect(mayReach(policies, g, f, 3200)).toBe(true);
    }
    for (const g of gateway) {
      expect(mayReach(policies, grafana, g, 8080)).toBe(true);
      expect(mayReach(policies, proxy, g, 8080)).toBe(true);
      expect(mayReach(policies, proxy, g, 8081)).toBe(true);
      expect(mayReach(policies, app, g, 8080)).toBe(false);
      // Ingest goes to the distributors' OTLP receivers, nothing else of Tempo's.
      for (const d of distributor) {
        expect(mayReach(policies, g, d, 4318)).toBe(true);
        expect(mayReach(policies, g, d, 9095)).toBe(false);
      }
    }
  });

  test('monitored: the exporter sidecar on 9113 for Prometheus only, its stub_status on loopback, never on the Service', () => {
    const prometheus: PodEndpoint = {
      namespace: 'monitoring',
      labels: { 'app.kubernetes.io/name': 'prometheus' },
    };
    for (const g of gateway) {
      expect(mayReach(policies, prometheus, g, 9113)).toBe(true);
      for (const other of [grafana, proxy, app]) expect(mayReach(policies, other, g, 9113)).toBe(false);
      for (const port of [8090, 8080]) expect(mayReach(policies, prometheus, g, port)).toBe(false);
    }
    const service = manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'tempo-gateway');
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([8080, 8081]);
    const conf = charts.gateway!.gateway.nginxConfig;
    expect(conf).toContain('    listen 127.0.0.1:8090;\n    access_log off;\n    location = /stub_status {');
    expect(conf.match(/^ {4}listen .*$/gm)).toEqual([
      '    listen 8080;',
      '    listen 8081 http2;',
      '    listen 127.0.0.1:8090;',
    ]);
    const monitor = manifests.find((m) => m.kind === 'PodMonitor' && m.metadata.name === 'tempo-gateway');
    expect(monitor.spec.podMetricsEndpoints.map((e: any) => e.port)).toEqual(['metrics']);
    const operations = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name === 'tracing-prod-dashboard-tempo-operations',
    );
    const panels = JSON.parse(Object.values<string>(operations.data)[0]!).panels;
    const row = panels.findIndex((p: any) => p.type === 'row' && p.title === 'Query gateway');
    expect(panels.slice(row + 1, row + 4).map((p: any) => [p.title, p.targets[0].expr])).toEqual([
      ['Gateway pods serving', 'sum(nginx_up{namespace="tracing-prod", job="tempo-gateway"})'],
      [
        'Gateway requests',
        'sum(rate(nginx_http_requests_total{namespace="tracing-prod", job="tempo-gateway"}[$__rate_interval]))',
      ],
      [
        'Gateway active connections',
        'sum(nginx_connections_active{namespace="tracing-prod", job="tempo-gateway"})',
      ],
    ]);
    const alerts = manifests
      .filter((m) => m.kind === 'PrometheusRule')
      .flatMap((m) => m.spec.groups)
      .find((x: any) => x.name === 'tempo-gateway-alerts');
    expect(alerts.rules.map((r: any) => [r.alert, r.labels.severity])).toEqual([
      ['TempoQueryGatewayDown', 'critical'],
      ['TempoQueryGatewayPodDown', 'warning'],
    ]);
  });

  test('without a query gateway: no exporter, PodMonitor, panels or alerts of it', () => {
    const { manifests: m } = renderStack({
      ...PROD,
      queryGateway: undefined,
      grafana: { ...PROD.grafana!, gatewayCredentials: undefined },
    } as EnvironmentDefinition);
    expect(m.filter((o) => o.metadata.name === 'tempo-gateway')).toEqual([]);
    expect(JSON.stringify(m)).not.toContain('nginx_');
    expect(JSON.stringify(m)).not.toContain('tempo-gateway-alerts');
  });
});

describe('the Tempo datasource plan', () => {
  test('fawkes: the ADR uid reads the 7-day tenants; every tenant and the panel set get their own', () => {
    const { charts } = renderStack(fawkes);
    expect(charts.grafana!.provisioning.tempoDatasources.map((d) => d.uid)).toEqual([
      'tempo',
      'tempo-fawkes',
      'tempo-backstage',
      'tempo-jenkins',
      'tempo-argocd',
      'tempo-fawkes-sampled',
      'tempo-jenkins-argocd',
    ]);
    // Grafana's gateway users are exactly the datasources, mapped to their tenants.
    const users = Object.fromEntries(charts.gateway!.gateway.users.map((u) => [u.user, u.orgId]));
    expect(users).toMatchObject({
      tempo: 'fawkes|backstage|jenkins|argocd',
      'tempo-fawkes-sampled': 'fawkes-sampled',
      'tempo-jenkins-argocd': 'jenkins|argocd',
    });
  });

  test('UIDs are stable and valid: a hash where the tenants do not fit a UID', () => {
    const plan = (tenants: string[]) =>
      planTempoDatasources({
        stackId: 'a-rather-long-namespace-name',
        multitenant: true,
        stackTenants: tenants,
        tenant: tenants[0],
      });
    const uids = plan(['main', 'team(a)', 'a-very-long-tenant-name-indeed']).all.map((d) => d.uid);
    expect(uids[0]).toBe('a-rather-long-namespace-name-tempo');
    for (const uid of uids) expect(uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(new Set(uids).size).toBe(3);
    expect(plan(['main', 'team(a)', 'a-very-long-tenant-name-indeed']).all.map((d) => d.uid)).toEqual(uids);
  });

  test('a single-tenant Tempo: one datasource, and tenant options are refused', () => {
    const p = planTempoDatasources({ stackId: 'tracing-dev', multitenant: false, stackTenants: [] });
    expect(p.all.map((d) => [d.uid, d.orgId])).toEqual([['tracing-dev-tempo', undefined]]);
    expectError(
      () =>
        planTempoDatasources({ stackId: 's', multitenant: false, stackTenants: [], crossTenant: ['a', 'b'] }),
      'grafana.crossTenant: needs a multi-tenant Tempo (tempo.multitenancy: true); a single-tenant Tempo keeps every span in one tenant, so remove it',
    );
  });
});

describe('nginx.conf', () => {
  const conf = renderNginxConfig({
    httpPort: 8080,
    grpcPort: 8081,
    htpasswdFile: '/h/htpasswd',
    users: [
      { user: 'ci', orgId: 'team-a' },
      { user: 'sre', orgId: 'team-a|team-b' },
    ],
    query: { address: 'q:3200' },
    ingest: { otlpHttp: { address: 'd:4318' }, otlpGrpc: { address: 'd:4317' } },
    workerProcesses: 1,
    tmpDir: '/tmp',
    clientMaxBodySize: '16m',
    proxyReadTimeoutSeconds: 300,
  });

  test('a cross-tenant identity cannot write: its ingest tenant is empty, refused with 403', () => {
    expect(conf).toContain(
      'map $tempo_tenant $tempo_ingest_tenant {\n    default $tempo_tenant;\n    "~[|]" "";',
    );
    expect(conf).toContain('if ($tempo_ingest_tenant = "") {\n        return 403;');
    expect(conf).toContain('grpc_set_header X-Scope-OrgID $tempo_ingest_tenant;');
  });

  test('the tenant check sits after authentication, never in the location nginx matches first', () => {
    expect(conf).toMatch(
      /location \/api\/ \{\n\s+try_files \/\.tracesynth-gateway-no-such-file @tempo_query;\n\s+\}/,
    );
    expect(conf.match(/if \(\$tempo_tenant = ""\)/g)).toHaveLength(1);
  });
});

describe('bad input the environment tests do not reach', () => {
  const base: EnvironmentDefinition = {
    name: 'qa',
    tempo: {
      storage: TempoStorage.local({ size: Size.gibibytes(5) }),
      multitenancy: true,
      receiverTls: { secretName: 'tls' },
    },
    collector: { tenant: 'a' },
    grafana: false,
  };
  test('ingest to TLS receivers needs the CA', () => {
    expectError(
      () =>
        renderStack({
          ...base,
          queryGateway: { auth: GatewayAuth.basic({ secretName: 'gw' }), users: { u: 'a' }, ingest: {} },
        }),
      "qa.queryGateway.ingest.tempoCaSecret: is required: Tempo's receivers serve TLS (tempo.receiverTls), so the gateway verifies their certificate; name the CA's Secret key, e.g. { name: 'tracing-ca', key: 'ca.crt' }",
    );
  });
  test('a Gateway API exposure without hostnames', () => {
    expectError(
      () =>
        renderStack({
          ...base,
          queryGateway: {
            auth: GatewayAuth.basic({ secretName: 'gw' }),
            users: { u: 'a' },
            exposure: GatewayExposure.gatewayApi({ gateway: { name: 'g', namespace: 'gw' }, hostnames: [] }),
          },
        }),
      "qa.queryGateway.exposure.hostnames: is empty; list the host names clients use, e.g. ['tempo.example.com']",
    );
  });
});
