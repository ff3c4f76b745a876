import { buildEnvironment } from '../charts/environment';
import { ENVIRONMENTS } from '../environments';
import { renderEnvironment } from '../lib/synth';
import { KUBERNETES_VERSIONS, validateAll, validateManifest } from './helpers/k8s-schema';

describe('strict schema validation', () => {
  test.each(ENVIRONMENTS.map((e) => [e.name, e]))(
    'every object of %s is valid for Kubernetes 1.28 and 1.33',
    (_name, env) => {
      const { manifests } = renderEnvironment(env, buildEnvironment);
      expect(manifests.length).toBeGreaterThan(0);
      expect(validateAll(manifests)).toEqual([]);
    },
  );

  const statefulSet = () =>
    (renderEnvironment(ENVIRONMENTS[0], buildEnvironment).manifests as readonly any[]).find(
      (m) => m.kind === 'StatefulSet',
    );

  test.each(KUBERNETES_VERSIONS)('a misspelled field is rejected, not dropped (%s)', (version) => {
    const sts = structuredClone(statefulSet());
    const container = sts.spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe;
    delete container.readinessProbe;
    expect(validateManifest(sts, version)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("must NOT have additional properties: 'readinesProbe'"),
      ]),
    );
  });

  test('a wrongly typed field is rejected', () => {
    const sts = structuredClone(statefulSet());
    sts.spec.replicas = 'one';
    expect(validateManifest(sts, '1.33')).toEqual(
      expect.arrayContaining([expect.stringContaining('/spec/replicas must be integer')]),
    );
  });

  test('custom resources are validated against the vendored CRDs, strictly', () => {
    const rule = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'x', namespace: 'y' },
      spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '5m', labelz: {} }] }] },
    };
    expect(validateManifest(rule, '1.28')).toEqual(
      expect.arrayContaining([expect.stringContaining("'labelz'")]),
    );
    delete (rule.spec.groups[0].rules[0] as any).labelz;
    expect(validateManifest(rule, '1.28')).toEqual([]);
  });

  test('an unknown kind is an error, not a pass', () => {
    expect(
      validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }, '1.33'),
    ).toEqual(['no schema for example.com/v1/Widget']);
  });
});
