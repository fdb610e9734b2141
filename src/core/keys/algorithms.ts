/**
 * Signing-key algorithms the Key API generates, and how each is made. Generation is async
 * (node:crypto's thread pool), so an RSA key never blocks the event loop.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPair = promisify(crypto.generateKeyPair);

export type KeyAlgorithm =
  | 'RS256' | 'RS384' | 'RS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'Ed25519'
  | 'HS256' | 'HS384' | 'HS512';
export type KeyType = 'RSA' | 'EC' | 'OKP' | 'HMAC';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'Ed25519', 'HS256', 'HS384', 'HS512'];

/** `EdDSA` (the JOSE name) is accepted for `Ed25519` (FusionAuth's name). */
export function normaliseAlgorithm(value: string): KeyAlgorithm | undefined {
  if (value === 'EdDSA') return 'Ed25519';
  return (KEY_ALGORITHMS as readonly string[]).includes(value) ? (value as KeyAlgorithm) : undefined;
}

export function keyTypeOf(algorithm: KeyAlgorithm): KeyType {
  if (algorithm.startsWith('RS')) return 'RSA';
  if (algorithm.startsWith('ES')) return 'EC';
  if (algorithm === 'Ed25519') return 'OKP';
  return 'HMAC';
}

/** The JOSE `alg` a key signs with. */
export function joseAlgorithm(algorithm: KeyAlgorithm): string {
  return algorithm === 'Ed25519' ? 'EdDSA' : algorithm;
}

export const RSA_LENGTHS = [2048, 3072, 4096] as const;

/** Default and accepted `length` per type: RSA modulus bits; EC curve bits; HMAC secret bytes×8. */
export function defaultLength(algorithm: KeyAlgorithm): number {
  switch (algorithm) {
    case 'ES256': return 256;
    case 'ES384': return 384;
    case 'ES512': return 521;
    case 'Ed25519': return 256;
    case 'HS256': return 256;
    case 'HS384': return 384;
    case 'HS512': return 512;
    default: return 2048;
  }
}

export interface GeneratedMaterial {
  /** PKCS#8 PEM private key, or the HMAC secret (base64). */
  secret: string;
  /** SPKI PEM public key (asymmetric only). */
  publicKeyPem: string | null;
  publicJwk: crypto.JsonWebKey | null;
  length: number;
}

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

export async function generateMaterial(algorithm: KeyAlgorithm, length?: number): Promise<GeneratedMaterial> {
  const type = keyTypeOf(algorithm);
  if (type === 'HMAC') {
    const bits = defaultLength(algorithm);
    const secret = await promisify(crypto.randomBytes)(bits / 8);
    return { secret: secret.toString('base64'), publicKeyPem: null, publicJwk: null, length: bits };
  }
  let pair: { publicKey: crypto.KeyObject; privateKey: crypto.KeyObject };
  let bits: number;
  if (type === 'RSA') {
    bits = length ?? 2048;
    pair = await generateKeyPair('rsa', { modulusLength: bits });
  } else if (type === 'EC') {
    bits = defaultLength(algorithm);
    pair = await generateKeyPair('ec', { namedCurve: CURVES[algorithm]! });
  } else {
    bits = 256;
    pair = await generateKeyPair('ed25519');
  }
  return {
    secret: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk: pair.publicKey.export({ format: 'jwk' }),
    length: bits,
  };
}
