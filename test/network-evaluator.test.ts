import { evaluate, inCidr, mayReach, NetworkPolicyObject, selects } from './helpers/network-evaluator';

const np = (namespace: string, spec: NetworkPolicyObject['spec'], name = 'p'): NetworkPolicyObject => ({
  kind: 'NetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const web = { namespace: 'shop', labels: { app: 'web' } };
const api = {
  namespace: 'shop',
  labels: { app: 'api', tier: 'backend' },
  ports: [{ name: 'http', containerPort: 8080 }],
};
const other = { namespace: 'ops', labels: { app: 'web' } };

describe('network evaluator: Kubernetes NetworkPolicy semantics on hand-written policies', () => {
  test('no policy: everything is allowed; a policy that selects nothing isolates nothing', () => {
    expect(mayReach([], web, api, 8080)).toBe(true);
    expect(
      mayReach(
        [np('shop', { podSelector: { matchLabels: { app: 'none' } }, policyTypes: ['Ingress'] })],
        web,
        api,
        8080,
      ),
    ).toBe(true);
  });

  test('isolation is per direction and per namespace', () => {
    const denyIngress = np('shop', { podSelector: {}, policyTypes: ['Ingress'] });
    expect(evaluate([denyIngress], web, api, 8080)).toEqual({ allowed: false, egress: true, ingress: false });
    // A policy in another namespace does not select shop's pods.
    expect(mayReach([np('ops', { podSelector: {}, policyTypes: ['Ingress'] })], web, api, 8080)).toBe(true);
    const denyEgress = np('shop', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] });
    expect(evaluate([denyEgress], web, api, 8080)).toEqual({ allowed: false, egress: false, ingress: true });
    expect(mayReach([denyEgress], api, web, 80)).toBe(true);
  });

  test('policyTypes default: Ingress, plus Egress when egress rules are present', () => {
    expect(mayReach([np('shop', { podSelector: {} })], web, api, 8080)).toBe(false);
    expect(mayReach([np('shop', { podSelector: {} })], web, { ip: '1.2.3.4' }, 443)).toBe(true);
    expect(mayReach([np('shop', { podSelector: {}, egress: [] })], web, { ip: '1.2.3.4' }, 443)).toBe(false);
  });

  test('peers: podSelector alone is the policy namespace; namespaceSelector by name or {}; both combined', () => {
    const from = (peer: object) =>
      np('shop', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [peer] }],
      });
    const sameNs = from({ podSelector: { matchLabels: { app: 'web' } } });
    expect(mayReach([sameNs], web, api, 8080)).toBe(true);
    expect(mayReach([sameNs], other, api, 8080)).toBe(false);
    const byName = from({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } } });
    expect(mayReach([byName], other, api, 8080)).toBe(true);
    expect(mayReach([byName], web, api, 8080)).toBe(false);
    const anyNs = from({ namespaceSelector: {} });
    expect(mayReach([anyNs], other, api, 8080)).toBe(true);
    expect(mayReach([anyNs], { ip: '8.8.8.8' }, api, 8080)).toBe(false);
    const both = from({
      namespaceSelector: { matchLabels: { team: 'ops' } },
      podSelector: { matchLabels: { app: 'web' } },
    });
    expect(mayReach([both], other, api, 8080, 'TCP', { ops: { team: 'ops' } })).toBe(true);
    expect(mayReach([both], other, api, 8080)).toBe(false);
    expect(
      mayReach([both], { namespace: 'ops', labels: { app: 'db' } }, api, 8080, 'TCP', {
        ops: { team: 'ops' },
      }),
    ).toBe(false);
  });

  test('matchExpressions: In, NotIn, Exists, DoesNotExist', () => {
    const l = { app: 'api', tier: 'backend' };
    expect(
      selects({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'db'] }] }, l),
    ).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['backend'] }] }, l)).toBe(
      false,
    );
    expect(selects({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, l)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, l)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, l)).toBe(false);
    expect(
      selects({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] }, l),
    ).toBe(false);
    expect(selects({}, l)).toBe(true);
  });

  test('ipBlock with except, IPv4 and IPv6', () => {
    expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inCidr('fd00::1', 'fd00::/8')).toBe(true);
    expect(inCidr('10.1.2.3', 'fd00::/8')).toBe(false);
    expect(inCidr('1.2.3.4', '0.0.0.0/0')).toBe(true);
    const p = np('shop', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.9.0.0/16'] } }] }],
    });
    expect(mayReach([p], web, { ip: '10.1.0.1' }, 443)).toBe(true);
    expect(mayReach([p], web, { ip: '10.9.0.1' }, 443)).toBe(false);
    expect(mayReach([p], web, { ip: '192.168.0.1' }, 443)).toBe(false);
    // A pod without an address is not matched by an ipBlock.
    expect(mayReach([p], web, api, 8080)).toBe(false);
  });

  test('ports: number, protocol (default TCP), endPort ranges, named ports of the destination', () => {
    const ingress = (ports: object[]) =>
      np('shop', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ ports }],
      });
    expect(mayReach([ingress([{ port: 8080 }])], web, api, 8080)).toBe(true);
    expect(mayReach([ingress([{ port: 8080 }])], web, api, 8080, 'UDP')).toBe(false);
    expect(mayReach([ingress([{ port: 8080 }])], web, api, 9090)).toBe(false);
    expect(mayReach([ingress([{ port: 8000, endPort: 8100 }])], web, api, 8080)).toBe(true);
    expect(mayReach([ingress([{ port: 8000, endPort: 8100 }])], web, api, 8101)).toBe(false);
    expect(mayReach([ingress([{ port: 'http' }])], web, api, 8080)).toBe(true);
    expect(mayReach([ingress([{ port: 'http' }])], web, api, 9090)).toBe(false);
    expect(mayReach([ingress([{ port: 'grpc' }])], web, api, 8080)).toBe(false);
    expect(mayReach([ingress([{ protocol: 'UDP' }])], web, api, 53, 'UDP')).toBe(true);
    expect(mayReach([ingress([])], web, api, 1)).toBe(true);
    // Named egress ports resolve against the destination; an address has no named ports.
    const egress = np('shop', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    });
    expect(mayReach([egress], web, api, 8080)).toBe(true);
    expect(mayReach([egress], web, { ip: '1.1.1.1' }, 8080)).toBe(false);
  });

  test('the union of policies: any policy that selects the pod may allow', () => {
    const deny = np('shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'deny');
    const allowIn = np(
      'shop',
      {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }],
      },
      'in',
    );
    const allowOut = np(
      'shop',
      {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8080 }] }],
      },
      'out',
    );
    expect(mayReach([deny, allowIn], web, api, 8080)).toBe(false); // web's egress is still denied
    expect(mayReach([deny, allowOut], web, api, 8080)).toBe(false); // api's ingress is still denied
    expect(mayReach([deny, allowIn, allowOut], web, api, 8080)).toBe(true);
    expect(mayReach([deny, allowIn, allowOut], api, web, 8080)).toBe(false);
  });
});
