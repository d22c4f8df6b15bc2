import { calculateJwkThumbprint, type JWK } from 'jose';

/**
 * The installation id: the RFC 7638 JWK SHA-256 thumbprint (base64url) of the installation key. The SDK and the
 * integrity service compute it with this one function, so they cannot disagree.
 */
export function installationIdOf(publicJwk: JWK): Promise<string> {
  return calculateJwkThumbprint(publicJwk, 'sha256');
}
