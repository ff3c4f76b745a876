/**
 * A small OpenID Connect issuer for the end-to-end tests, on loopback only: HTTPS with a
 * self-signed certificate for 127.0.0.1 (the caller makes the client trust `caFile`), discovery
 * (`/.well-known/openid-configuration`), the signing key as a JWKS, JWTs signed with node:crypto
 * (RS256), and the authorization-code flow with PKCE (S256) for browser sign-in: `/authorize`
 * redirects at once with a code for the identity queued by `nextSignIn`, `/token` checks the
 * client's secret, the redirect URI and the code verifier before it answers with tokens.
 */
import { createHash, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { selfSignedCertificate } from './loopback';

export type Claims = Record<string, unknown>;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class OidcIssuer {
  /** The issuer URL (the `iss` of its tokens), set by `start`. */
  issuer = '';
  /** The CA file that verifies the issuer's certificate. */
  readonly caFile: string;
  private readonly keyFile: string;
  private server?: Server;
  private readonly key: KeyObject;
  private readonly kid = 'test-key-1';
  private pending?: Claims;
  private readonly codes = new Map<
    string,
    { claims: Claims; challenge: string; redirectUri: string; nonce?: string }
  >();
  /** Every token request's outcome, for the tests' diagnostics. */
  readonly tokenRequests: string[] = [];

  constructor(
    dir: string,
    private readonly path: string,
    private readonly client: { id: string; secret: string },
  ) {
    this.keyFile = join(dir, 'issuer.key');
    this.caFile = join(dir, 'issuer.crt');
    selfSignedCertificate('127.0.0.1', { key: this.keyFile, cert: this.caFile }, 'IP:127.0.0.1');
    this.key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  async start(): Promise<void> {
    this.server = createServer(
      { key: readFileSync(this.keyFile), cert: readFileSync(this.caFile) },
      (req, res) => this.handle(req, res),
    );
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.issuer = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.path}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }

  /** A JWT signed by this issuer (or by `key`, to forge one); `iss`, `iat`, `exp` filled in. */
  token(claims: Claims, o: { key?: KeyObject; expiresIn?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.kid };
    const body = { iss: this.issuer, iat: now, exp: now + (o.expiresIn ?? 300), ...claims };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(body))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), o.key ?? this.key))}`;
  }

  /** The identity the next browser sign-in (`/authorize`) is for. */
  nextSignIn(claims: Claims): void {
    this.pending = claims;
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', this.issuer);
    const base = this.issuer;
    const json = (status: number, body: unknown): void =>
      void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const at = url.pathname.slice(this.path.length);
    if (req.method === 'GET' && at === '/.well-known/openid-configuration')
      return json(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    if (req.method === 'GET' && at === '/jwks') {
      const jwk = { ...this.key.export({ format: 'jwk' }) } as Record<string, unknown>;
      const { kty, n, e } = jwk;
      return json(200, { keys: [{ kty, n, e, kid: this.kid, alg: 'RS256', use: 'sig' }] });
    }
    if (req.method === 'GET' && at === '/authorize') {
      const q = url.searchParams;
      if (!this.pending || q.get('client_id') !== this.client.id || q.get('code_challenge_method') !== 'S256')
        return json(400, { error: 'invalid_request' });
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, {
        claims: this.pending,
        challenge: q.get('code_challenge') ?? '',
        redirectUri: q.get('redirect_uri') ?? '',
        ...(q.get('nonce') ? { nonce: q.get('nonce')! } : {}),
      });
      this.pending = undefined;
      const to = new URL(q.get('redirect_uri')!);
      to.searchParams.set('code', code);
      to.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: to.toString() }).end();
      return;
    }
    if (req.method === 'POST' && at === '/token') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
        const [id, secret] = basic
          ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
          : [form.get('client_id'), form.get('client_secret')];
        const grant = this.codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const outcome =
          id !== this.client.id || secret !== this.client.secret
            ? 'invalid_client'
            : !grant || grant.redirectUri !== form.get('redirect_uri')
              ? 'invalid_grant'
              : b64url(createHash('sha256').update(verifier).digest()) !== grant.challenge
                ? 'invalid_grant (PKCE)'
                : 'ok';
        this.tokenRequests.push(outcome);
        if (outcome !== 'ok' || !grant)
          return json(outcome === 'invalid_client' ? 401 : 400, { error: outcome });
        this.codes.delete(form.get('code')!);
        const claims = {
          aud: this.client.id,
          ...grant.claims,
          ...(grant.nonce ? { nonce: grant.nonce } : {}),
        };
        return json(200, {
          access_token: this.token(claims),
          id_token: this.token(claims),
          token_type: 'Bearer',
          expires_in: 300,
        });
      });
      return;
    }
    json(404, { error: 'not_found' });
  }
}
