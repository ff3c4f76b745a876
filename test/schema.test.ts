import { DEV, renderStack } from './fixtures/stacks';
import { KUBERNETES_VERSIONS, validateManifest } from './helpers/k8s-schema';

// Every object of every environment is validated by the environment-level checks
// (test/helpers/environment-checks.ts); these guard the validator itself.
describe('strict schema validation', () => {
  const statefulSet = () => renderStack(DEV).manifests.find((m) => m.kind === 'StatefulSet');

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
