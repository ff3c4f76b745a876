/**
 * Small pieces of the end-to-end tests that run servers on this machine: a free loopback port, a
 * self-signed certificate (its own CA) from openssl, and the adaptation of a synthesized config
 * to the test's addresses (every replaced string must occur, so a change to the model fails the
 * test instead of silently testing something else).
 */
import { spawnSync } from 'node:child_process';
import { AddressInfo, createServer } from 'node:net';

/** Whether openssl runs here (the tests' certificates, keys and htpasswd hashes). */
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Replaces `from` (which must occur) by `to`, everywhere. */
export function adapt(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the synthesized configuration no longer contains ${from}`);
  return text.split(from).join(to);
}

/**
 * Writes a self-signed RSA certificate (valid one day) and its key; the certificate is also the CA
 * that verifies it. `subjectAltName` e.g. `IP:127.0.0.1` or `DNS:tempo.ns.svc`.
 */
export function selfSignedCertificate(
  cn: string,
  files: { readonly key: string; readonly cert: string },
  subjectAltName?: string,
): void {
  const r = spawnSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`],
      ...(subjectAltName ? ['-addext', `subjectAltName=${subjectAltName}`] : []),
      ...['-keyout', files.key, '-out', files.cert],
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr}`);
}
