/**
 * A memcached pool this app deploys for Tempo's caches (`Memcached.deploy`): a StatefulSet (stable
 * pod names, so the SRV targets and the clients' jump hash survive restarts; Tempo's jsonnet
 * `memcached.libsonnet` does the same) of memcached with the prom/memcached-exporter sidecar, a
 * headless Service whose port name is the SRV service Tempo looks up, and a PDB. Restricted pods,
 * no token, no volume: the cache lives in memory only.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { containerPort, servicePort, spreadOverNodesAndZones } from '../../lib/k8s';
import { selectorLabels, standardLabels } from '../../lib/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../lib/pod-security';
import { resourceRequirements } from '../../lib/resources';
import { IMAGES, imageRef } from '../../lib/versions';
import type { PodGroup } from '../common/flows';
import { DeployedMemcachedSettings, MEMCACHED_EXPORTER_PORT, MEMCACHED_PORT } from './memcached';

/** The `memcache` user of the memcached image's alpine variant (docker-library/memcached). */
const MEMCACHED_UID = 11211;

export class MemcachedPool extends Construct {
  /** The pool's pods, for the flow model. */
  public readonly podGroup: PodGroup;

  constructor(scope: Construct, id: string, s: DeployedMemcachedSettings) {
    super(scope, id);
    const labels = standardLabels(s.identity);
    const podSelector = selectorLabels(s.identity);
    const metadata = { name: s.name, namespace: s.namespace, labels };
    const selector = { matchLabels: podSelector };
    const ports = [MEMCACHED_PORT, MEMCACHED_EXPORTER_PORT];
    this.podGroup = { name: s.name, namespace: s.namespace, selectorLabels: podSelector, ports };
    const named = (name: string) => k8s.IntOrString.fromString(name);

    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata,
      automountServiceAccountToken: false,
    });
    // Headless: one SRV record per ready pod, `_client._tcp.<name>.<namespace>.svc.cluster.local`.
    const service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: { clusterIp: 'None', selector: podSelector, ports: [servicePort(MEMCACHED_PORT)] },
    });
    new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata,
      spec: {
        serviceName: service.name,
        replicas: s.replicas,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate' },
        selector,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: sa.name,
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(MEMCACHED_UID),
            terminationGracePeriodSeconds: 30,
            topologySpreadConstraints: spreadOverNodesAndZones(selector),
            containers: [
              {
                name: 'memcached',
                image: imageRef(IMAGES.memcached),
                imagePullPolicy: 'IfNotPresent',
                // memcached 1.6 `-m` item memory (MiB), `-I` largest item, `-c` connections; the
                // image's entrypoint runs `memcached` with flags given as arguments.
                args: [
                  '-m',
                  String(s.memoryMiB),
                  '-I',
                  `${s.maxItemSizeMiB}m`,
                  '-c',
                  String(s.connectionLimit),
                ],
                ports: [containerPort(MEMCACHED_PORT)],
                readinessProbe: {
                  tcpSocket: { port: named(MEMCACHED_PORT.name) },
                  initialDelaySeconds: 5,
                  periodSeconds: 10,
                  timeoutSeconds: 3,
                },
                livenessProbe: {
                  tcpSocket: { port: named(MEMCACHED_PORT.name) },
                  initialDelaySeconds: 10,
                  periodSeconds: 20,
                  timeoutSeconds: 5,
                  failureThreshold: 3,
                },
                resources: resourceRequirements(s.resources),
                securityContext: restrictedContainerSecurityContext(),
              },
              {
                name: 'exporter',
                image: imageRef(IMAGES.memcachedExporter),
                imagePullPolicy: 'IfNotPresent',
                // prom/memcached-exporter v0.16.0 flags (cmd/memcached_exporter/main.go).
                args: [
                  `--memcached.address=localhost:${MEMCACHED_PORT.port}`,
                  `--web.listen-address=:${MEMCACHED_EXPORTER_PORT.port}`,
                ],
                ports: [containerPort(MEMCACHED_EXPORTER_PORT)],
                readinessProbe: {
                  httpGet: { path: '/metrics', port: named(MEMCACHED_EXPORTER_PORT.name) },
                  periodSeconds: 30,
                  timeoutSeconds: 5,
                },
                livenessProbe: {
                  tcpSocket: { port: named(MEMCACHED_EXPORTER_PORT.name) },
                  periodSeconds: 30,
                  timeoutSeconds: 5,
                },
                resources: resourceRequirements({
                  requests: { cpu: '50m', memory: '32Mi' },
                  limits: { cpu: '200m', memory: '64Mi' },
                }),
                securityContext: restrictedContainerSecurityContext(),
              },
            ],
          },
        },
      },
    });
    // One pod down at a time: each holds 1/replicas of the keys, refilled from object storage.
    new k8s.KubePodDisruptionBudget(this, 'Pdb', {
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector },
    });
  }
}
