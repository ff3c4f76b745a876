/** References to Secrets that exist in the cluster (dist/ never holds a secret value). */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ConfigError, show } from './errors';
import { checkDnsSubdomain, checkSecretKey } from './validate';
import type { DnsSubdomain, SecretKey } from './input-types';

/** A key of an existing Secret (in the namespace of the workload that reads it). */
export interface SecretKeyRef {
  readonly name: DnsSubdomain;
  readonly key: SecretKey;
}

/** Checks the Secret name (DNS-1123 subdomain) and the key (Kubernetes' Secret key grammar). */
export function checkSecretRef(ref: SecretKeyRef, property: string): SecretKeyRef {
  if (ref === null || typeof ref !== 'object')
    throw new ConfigError(property, `${show(ref)} is not a Secret reference; give { name, key }`);
  checkDnsSubdomain(ref.name, `${property}.name`);
  if (typeof ref.key !== 'string' || ref.key.trim() === '')
    throw new ConfigError(`${property}.key`, "is required; e.g. 'accessKey'");
  checkSecretKey(ref.key, `${property}.key`);
  return ref;
}

/** An environment variable read from a Secret key. */
export function secretEnv(name: string, ref: SecretKeyRef): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/**
 * A volume with some keys of an existing Secret as files, readable by the pod's group only
 * (the files belong to the pod's fsGroup / runAsGroup).
 */
export function secretFilesVolume(
  volumeName: string,
  secretName: string,
  keys: readonly string[],
): k8s.Volume {
  return {
    name: volumeName,
    secret: { secretName, items: keys.map((key) => ({ key, path: key })), defaultMode: 0o440 },
  };
}
