/**
 * A self-signed X.509 certificate per asymmetric signing key (@peculiar/x509 over Node's
 * WebCrypto), so the public JWK can carry `x5c`, `x5t` and `x5t#S256` (RFC 7517 §4.7–4.9) and
 * FusionAuth's `certificate` is filled. The certificate is signed by the key it certifies; it
 * asserts nothing but that the key belongs to this issuer's keystore.
 */
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it, before the import below
import crypto from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyAlgorithm } from './algorithms.js';

// Node's WebCrypto is the standard one; its typings (node:crypto) and the DOM's differ only in name.
x509.cryptoProvider.set(crypto.webcrypto as never);

/** Self-signed key certificates do not expire with the key (keys have no expiry): ten years. */
const VALIDITY_MS = 10 * 365 * 24 * 3600_000;
/** notBefore is backdated this much, so a verifier whose clock is a little behind accepts it. */
const BACKDATE_MS = 5 * 60_000;

type WebAlgorithm = { name: string; namedCurve?: string; hash?: string };

/** The WebCrypto import and signature parameters per JOSE family. */
function webAlgorithms(algorithm: KeyAlgorithm): { key: WebAlgorithm; sign: WebAlgorithm } | undefined {
  switch (algorithm) {
    case 'RS256': case 'RS384': case 'RS512': {
      const hash = `SHA-${algorithm.slice(2)}`;
      return { key: { name: 'RSASSA-PKCS1-v1_5', hash }, sign: { name: 'RSASSA-PKCS1-v1_5', hash } };
    }
    case 'ES256': return { key: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } };
    case 'ES384': return { key: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } };
    case 'ES512': return { key: { name: 'ECDSA', namedCurve: 'P-521' }, sign: { name: 'ECDSA', hash: 'SHA-512' } };
    case 'Ed25519': return { key: { name: 'Ed25519' }, sign: { name: 'Ed25519' } };
    default: return undefined;
  }
}

export interface KeyCertificate {
  /** PEM, as FusionAuth's `certificate` carries it. */
  pem: string;
  /** The JWK members: `x5c` (base64 DER, not base64url), `x5t` (SHA-1) and `x5t#S256` (SHA-256) of the DER, base64url. */
  jwk: { x5c: string[]; x5t: string; 'x5t#S256': string };
}

/** The certificate for an asymmetric key; undefined for HMAC. `subject` becomes the CN. */
export async function selfSignedCertificate(algorithm: KeyAlgorithm, privateKeyPem: string, publicKeyPem: string, subject: string, now: number): Promise<KeyCertificate | undefined> {
  const web = webAlgorithms(algorithm);
  if (!web) return undefined;
  const subtle = crypto.webcrypto.subtle;
  const pkcs8 = crypto.createPrivateKey(privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  const spki = crypto.createPublicKey(publicKeyPem).export({ format: 'der', type: 'spki' });
  const privateKey = await subtle.importKey('pkcs8', pkcs8, web.key, false, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, web.key, true, ['verify']);
  // A positive serial (RFC 5280 §4.1.2.2): 16 random bytes with the top bit cleared.
  const serial = crypto.randomBytes(16);
  serial[0]! &= 0x7f;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: [{ CN: [subject] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + VALIDITY_MS),
    signingAlgorithm: web.sign,
    keys: { privateKey, publicKey },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const der = Buffer.from(certificate.rawData);
  return {
    pem: certificate.toString('pem'),
    jwk: {
      x5c: [der.toString('base64')],
      x5t: crypto.createHash('sha1').update(der).digest('base64url'),
      'x5t#S256': crypto.createHash('sha256').update(der).digest('base64url'),
    },
  };
}
