import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { refuse } from './refusal';

/** An X.509 certificate as the signing schemes use it: its exact bytes, their SHA-256, and its public key. */
export interface SignerCertificate {
  der: Buffer;
  /** Lowercase hex SHA-256 of `der`: the identity apksigner prints and registrations are keyed on. */
  sha256: string;
  /** DER SubjectPublicKeyInfo, compared byte for byte with the v2/v3 signer's public key field. */
  spki: Buffer;
  publicKey: KeyObject;
  parsed: pkijs.Certificate;
}

/** Parses a DER certificate with pkijs/asn1js; any fault is `signer-certificate-invalid`. */
export function parseCertificate(der: Buffer, what: string): SignerCertificate {
  let parsed: pkijs.Certificate;
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.length) throw new Error('not a single DER element');
    parsed = new pkijs.Certificate({ schema: asn1.result });
  } catch (error) {
    return refuse('signer-certificate-invalid', `${what}: not an X.509 certificate (${message(error)})`);
  }
  return fromParsed(Buffer.from(der), parsed, what);
}

/** For certificates pkijs already parsed inside a PKCS#7 SignedData. */
export function certificateFromPkijs(parsed: pkijs.Certificate, what: string): SignerCertificate {
  let der: Buffer;
  try {
    der = Buffer.from(parsed.toSchema().toBER(false));
  } catch (error) {
    return refuse('signer-certificate-invalid', `${what}: cannot encode certificate (${message(error)})`);
  }
  return fromParsed(der, parsed, what);
}

function fromParsed(der: Buffer, parsed: pkijs.Certificate, what: string): SignerCertificate {
  try {
    const spki = Buffer.from(parsed.subjectPublicKeyInfo.toSchema().toBER(false));
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    return { der, sha256: createHash('sha256').update(der).digest('hex'), spki, publicKey, parsed };
  } catch (error) {
    return refuse('signer-certificate-invalid', `${what}: unusable public key (${message(error)})`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
