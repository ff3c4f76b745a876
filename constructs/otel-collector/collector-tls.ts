/**
 * TLS for the collector tiers, from Secret references: the OTLP receivers of the gateway and
 * the agent (optionally requiring client certificates), and the agent -> gateway hop, which
 * verifies the gateway's Service name. Certificates are files mounted from Secrets (e.g. written
 * by cert-manager); the collector re-reads them on rotation:
 *  - server and client certificate/key: `reload_interval` (configtls `certReloader`, read again
 *    on the first handshake after the interval);
 *  - a server's client CA: `client_ca_file_reload` (configtls `clientcasfilereloader.go`, watches
 *    the file);
 *  - a client's `ca_file` is read once at start: rotating the CA needs a rollout (a CA outlives
 *    its leaf certificates, so that is rare).
 * Source: go.opentelemetry.io/collector/config/configtls v1.67.0 (collector 0.161.0).
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import {
  Certificate,
  CertificateSpecPrivateKeyAlgorithm,
  CertificateSpecPrivateKeyRotationPolicy,
  CertificateSpecUsages,
} from '../../imports/cert-manager.io';
import { toDuration } from '../../lib/duration';
import { ConfigError } from '../../lib/errors';
import { checkSecretRef, SecretKeyRef, secretFilesVolume } from '../../lib/secrets';
import { checkDnsSubdomain, checkSecretKey } from '../../lib/validate';
import type { DnsSubdomain, GoDurationText, SecretKey } from '../../lib/input-types';

/** How often the collector re-reads a mounted certificate and key. */
export const CERT_RELOAD_INTERVAL = '5m';

export interface CertificateProps {
  /** The cert-manager Issuer or ClusterIssuer that signs it. */
  readonly issuerRef: {
    readonly name: DnsSubdomain;
    /** @default 'ClusterIssuer' */
    readonly kind?: 'Issuer' | 'ClusterIssuer';
    /** @default 'cert-manager.io' */
    readonly group?: DnsSubdomain;
  };
  /** @default '2160h' (90 days) */
  readonly duration?: GoDurationText;
  /** @default '720h' (30 days) */
  readonly renewBefore?: GoDurationText;
}

export interface ReceiverTlsProps {
  /**
   * Secret holding the server certificate and key (type kubernetes.io/tls).
   * @default - `<workload>-tls` when `certificate` is set (cert-manager writes it); required otherwise
   */
  readonly secretName?: DnsSubdomain;
  /**
   * Also emit a cert-manager `Certificate` that writes `secretName`, for the Service's DNS names.
   * @default - none: the Secret exists already
   */
  readonly certificate?: CertificateProps;
  /** @default 'tls.crt' */
  readonly certKey?: SecretKey;
  /** @default 'tls.key' */
  readonly keyKey?: SecretKey;
  /**
   * mTLS: the CA client certificates must chain to; clients without one are refused.
   * @default - no client certificates asked for
   */
  readonly clientCaSecret?: SecretKeyRef;
  /** Require client certificates (needs `clientCaSecret`). @default - true when clientCaSecret is set */
  readonly clientAuth?: boolean;
}

export interface CollectorTlsProps {
  /** TLS on the gateway's OTLP receivers; agents then verify the gateway Service's name. */
  readonly gateway?: ReceiverTlsProps;
  /**
   * TLS on the agent's OTLP receivers (what applications send to). With an mTLS gateway the
   * same certificate is the agent's client certificate.
   */
  readonly agent?: ReceiverTlsProps;
  /** CA that signed the gateway's certificate, mounted in the agents. Required with `gateway`. */
  readonly caSecret?: SecretKeyRef;
}

/** A Secret mounted as files into the collector pod. */
export interface SecretMount {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
}

/** The one way a Secret's keys become files in a collector pod: `/var/run/secrets/<name>/<key>`. */
export function secretMount(
  volumeName: string,
  secretName: string,
  keys: readonly string[],
): SecretMount & { path: (key: string) => string } {
  const dir = `/var/run/secrets/${volumeName}`;
  return {
    volume: secretFilesVolume(volumeName, secretName, keys),
    mount: { name: volumeName, mountPath: dir, readOnly: true },
    path: (key) => `${dir}/${key}`,
  };
}

export interface ResolvedReceiverTls {
  readonly secretName: string;
  readonly certificate?: CertificateProps;
  /** configtls.ServerConfig for the OTLP receivers. */
  readonly serverConfig: Record<string, string | boolean>;
  readonly mounts: SecretMount[];
  /** Client certificate files (the same pair), for a hop to an mTLS server. */
  readonly clientCert: { readonly cert_file: string; readonly key_file: string };
  readonly clientAuth: boolean;
}

/** Validates receiver TLS props (`property` is e.g. `collector.tls.gateway`). */
export function resolveReceiverTls(
  props: ReceiverTlsProps | undefined,
  volumePrefix: string,
  property: string,
  defaultSecretName: string,
): ResolvedReceiverTls | undefined {
  if (props === undefined) return undefined;
  const secretName = props.secretName ?? (props.certificate ? defaultSecretName : undefined);
  if (!secretName) {
    throw new ConfigError(
      `${property}.secretName`,
      'is required: TLS needs the Secret with the certificate and key (type kubernetes.io/tls, e.g. written by a cert-manager Certificate); name it or remove the TLS block',
    );
  }
  checkDnsSubdomain(secretName, `${property}.secretName`);
  if (props.certificate) {
    checkDnsSubdomain(props.certificate.issuerRef?.name, `${property}.certificate.issuerRef.name`);
    for (const k of ['duration', 'renewBefore'] as const) {
      const v = props.certificate[k];
      if (v !== undefined) toDuration(v, `${property}.certificate.${k}`);
    }
  }
  const certKey = checkSecretKey(props.certKey ?? 'tls.crt', `${property}.certKey`);
  const keyKey = checkSecretKey(props.keyKey ?? 'tls.key', `${property}.keyKey`);
  const clientAuth = props.clientAuth ?? props.clientCaSecret !== undefined;
  if (clientAuth && !props.clientCaSecret) {
    throw new ConfigError(
      `${property}.clientCaSecret`,
      'is required when clientAuth is on: without the CA that signs client certificates every client would be refused; name the Secret key holding that CA, or set clientAuth: false',
    );
  }
  if (props.clientCaSecret && !clientAuth) {
    throw new ConfigError(
      `${property}.clientAuth`,
      'is false but clientCaSecret is set; remove clientCaSecret or turn clientAuth on',
    );
  }
  const cert = secretMount(`${volumePrefix}-tls`, secretName, [certKey, keyKey]);
  const mounts: SecretMount[] = [cert];
  const serverConfig: Record<string, string | boolean> = {
    cert_file: cert.path(certKey),
    key_file: cert.path(keyKey),
    min_version: '1.2',
    reload_interval: CERT_RELOAD_INTERVAL,
  };
  if (props.clientCaSecret) {
    checkSecretRef(props.clientCaSecret, `${property}.clientCaSecret`);
    const ca = secretMount(`${volumePrefix}-client-ca`, props.clientCaSecret.name, [
      props.clientCaSecret.key,
    ]);
    mounts.push(ca);
    serverConfig.client_ca_file = ca.path(props.clientCaSecret.key);
    serverConfig.client_ca_file_reload = true;
  }
  return {
    secretName,
    certificate: props.certificate,
    serverConfig,
    mounts,
    clientCert: { cert_file: cert.path(certKey), key_file: cert.path(keyKey) },
    clientAuth,
  };
}

/**
 * configtls.ClientConfig for a hop to a TLS server: verify against `ca` and the Service name the
 * certificate carries (the dialed addresses are pod IPs or a headless name).
 */
export function clientTls(o: {
  caFile?: string;
  serverName: string;
  clientCert?: { cert_file: string; key_file: string };
}): Record<string, unknown> {
  return {
    insecure: false,
    ...(o.caFile ? { ca_file: o.caFile } : {}),
    server_name_override: o.serverName,
    min_version: '1.2',
    ...(o.clientCert ? { ...o.clientCert, reload_interval: CERT_RELOAD_INTERVAL } : {}),
  };
}

/**
 * The cert-manager Certificate for a receiver whose TLS props ask for one: the Service's names
 * (what clients verify), server and client auth (an agent's certificate is also its client
 * certificate towards an mTLS gateway), a new key on every renewal.
 */
export function receiverCertificate(
  scope: Construct,
  tls: ResolvedReceiverTls | undefined,
  o: { name: string; namespace: string; labels: Record<string, string> },
): void {
  if (!tls?.certificate) return;
  const c = tls.certificate;
  new Certificate(scope, 'Certificate', {
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: {
      secretName: tls.secretName,
      dnsNames: [
        o.name,
        `${o.name}.${o.namespace}`,
        `${o.name}.${o.namespace}.svc`,
        `${o.name}.${o.namespace}.svc.cluster.local`,
      ],
      duration: c.duration ?? '2160h',
      renewBefore: c.renewBefore ?? '720h',
      issuerRef: {
        name: c.issuerRef.name,
        kind: c.issuerRef.kind ?? 'ClusterIssuer',
        group: c.issuerRef.group ?? 'cert-manager.io',
      },
      privateKey: {
        algorithm: CertificateSpecPrivateKeyAlgorithm.ECDSA,
        size: 256,
        rotationPolicy: CertificateSpecPrivateKeyRotationPolicy.ALWAYS,
      },
      usages: [
        CertificateSpecUsages.DIGITAL_SIGNATURE,
        CertificateSpecUsages.SERVER_AUTH,
        CertificateSpecUsages.CLIENT_AUTH,
      ],
    },
  });
}
