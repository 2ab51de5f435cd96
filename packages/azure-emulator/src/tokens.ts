// Access tokens: RS256 JWTs signed by the emulator, shaped like Entra ID's v1 app tokens
// (oid, tid, aud, appid, exp, ...), and the verification ARM applies to them.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type KeyObject,
} from 'node:crypto';

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  oid: string;
  sub: string;
  tid: string;
  appid: string;
  azp?: string;
  idtyp: 'app';
  ver: '1.0';
  /** Managed identities: the ARM id of the identity's resource. */
  xms_mirid?: string;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

export class TokenSigner {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  sign(claims: TokenClaims): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.keyId };
    const signingInput = `${base64url(header)}.${base64url(claims)}`;
    const signature = createSign('RSA-SHA256')
      .update(signingInput)
      .sign(this.privateKey)
      .toString('base64url');
    return `${signingInput}.${signature}`;
  }

  /** Returns the claims of a token this emulator signed, or a reason it is not acceptable. */
  verify(
    token: string,
    nowSeconds: number,
  ): { claims: TokenClaims } | { problem: 'malformed' | 'signature' | 'expired' } {
    const parts = token.split('.');
    if (parts.length !== 3) return { problem: 'malformed' };
    const [header, payload, signature] = parts as [string, string, string];
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(this.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return { problem: 'signature' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { problem: 'malformed' };
    }
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { problem: 'expired' };
    return { claims };
  }

  jwk(): Jwk {
    const jwk = this.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return { kty: 'RSA', use: 'sig', alg: 'RS256', kid: this.keyId, n: jwk.n, e: jwk.e };
  }
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
