import { buildEnvironment } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import { selectEnvironments } from '../lib/cli';
import { renderEnvironment } from '../lib/synth';
import { expectError } from './helpers/errors';
import { urlPeer } from '../constructs/common/flows';

describe('CLI, GitOps and NetworkPolicies synth-time errors name the property, the value and the fix', () => {
  test('unknown environment on the command line', () => {
    expectError(
      () => selectEnvironments(['qa'], ENVIRONMENTS),
      "environment: unknown environment 'qa'; known environments: dev, staging, prod",
    );
  });

  test('errors inside an environment are prefixed with its name', () => {
    expectError(
      () => renderEnvironment({ name: 'qa', tempo: { retention: 'forever' } }, buildEnvironment),
      "qa.tempo.retention: 'forever' is not a duration; expected a Go duration such as '30s', '15m', '1h30m' or '168h' (units ns, us, ms, s, m, h; there is no 'd')",
    );
  });

  test('gitops and network policies', () => {
    const env = (e: object) => () => renderEnvironment({ name: 'x', ...e }, buildEnvironment);
    expectError(
      env({ gitops: { repoURL: 'https://bot:token@github.com/acme/platform.git' } }),
      "x.gitops.repoURL: 'https://bot:token@github.com/acme/platform.git' is not a credential-free https://, ssh:// or git@ repository URL",
    );
    expectError(
      env({ gitops: { repoURL: 'github.com/acme/platform' } }),
      "x.gitops.repoURL: 'github.com/acme/platform' is not a credential-free https://, ssh:// or git@ repository URL",
    );
    expectError(
      env({ gitops: { revision: 'main branch' } }),
      "x.gitops.revision: 'main branch' is not a branch or tag name",
    );
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.1.1.1/8', 'fd00::/129', '10.0.0.0/8/1', 'any']) {
      expectError(
        env({ networkPolicies: { objectStorageCidrs: [bad] } }),
        `x.networkPolicies.objectStorageCidrs: '${bad}' is not a CIDR; expected e.g. '10.0.0.0/8' or 'fd00::/8'`,
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
