import { createHash, verify } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateFromPkijs, type SignerCertificate } from './certificate';
import { refuse } from './refusal';

const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const DATA_OID = '1.2.840.113549.1.7.1';
const CONTENT_TYPE_ATTR_OID = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST_ATTR_OID = '1.2.840.113549.1.9.4';

const DIGEST_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithm OIDs seen in JAR signatures: the key type, and the hash when the OID fixes one. */
const SIGNATURE_OIDS: Record<string, { keyType: string; hash?: string }> = {
  '1.2.840.113549.1.1.1': { keyType: 'rsa' },
  '1.2.840.113549.1.1.5': { keyType: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { keyType: 'rsa', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { keyType: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { keyType: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { keyType: 'rsa', hash: 'sha512' },
  '1.2.840.10045.2.1': { keyType: 'ec' },
  '1.2.840.10045.4.1': { keyType: 'ec', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { keyType: 'ec', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { keyType: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { keyType: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { keyType: 'ec', hash: 'sha512' },
  '1.2.840.10040.4.1': { keyType: 'dsa' },
  '1.2.840.10040.4.3': { keyType: 'dsa', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { keyType: 'dsa', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { keyType: 'dsa', hash: 'sha256' },
};

/**
 * Verifies a JAR signature block (.RSA/.EC/.DSA: CMS SignedData, detached) over the .SF bytes and returns the
 * certificate that signed. pkijs/asn1js parse the structure; node:crypto checks the signature. Like Android,
 * only the first SignerInfo counts.
 */
export function verifyPkcs7Signature(block: Buffer, signedContent: Buffer, what: string): SignerCertificate {
  const fail = (detail: string): never => refuse('v1-signature-invalid', `${what}: ${detail}`);
  let signedData: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(block);
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    if (contentInfo.contentType !== SIGNED_DATA_OID) throw new Error('not a SignedData');
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    return fail(`malformed PKCS#7 (${error instanceof Error ? error.message : String(error)})`);
  }
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) return fail('no SignerInfo');
  const sid: unknown = signerInfo.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return fail('signer not identified by issuer and serial number');
  const certificates = (signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate);
  const signerCert = certificates.find((c) => c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber));
  if (!signerCert) return fail("the signer's certificate is not in the signature block");
  const certificate = certificateFromPkijs(signerCert, what);

  const digestHash = DIGEST_OIDS[signerInfo.digestAlgorithm.algorithmId];
  const signatureAlgorithm = SIGNATURE_OIDS[signerInfo.signatureAlgorithm.algorithmId];
  if (!digestHash || !signatureAlgorithm) {
    return refuse(
      'unsupported-algorithm',
      `${what}: unsupported algorithm ${signerInfo.digestAlgorithm.algorithmId} / ${signerInfo.signatureAlgorithm.algorithmId}`,
    );
  }
  const keyType =
    certificate.publicKey.asymmetricKeyType === 'rsa-pss' ? 'rsa' : certificate.publicKey.asymmetricKeyType;
  if (keyType !== signatureAlgorithm.keyType) return fail('signature algorithm does not fit the signer key');

  let dataToVerify = signedContent;
  if (signerInfo.signedAttrs) {
    // With signed attributes the signature covers them (re-tagged as a SET, which pkijs's encodedValue is),
    // and the content is bound through the messageDigest attribute.
    const attributes = signerInfo.signedAttrs.attributes;
    const digestAttr: unknown = attributes.find((a) => a.type === MESSAGE_DIGEST_ATTR_OID)?.values[0];
    if (!(digestAttr instanceof asn1js.OctetString)) return fail('no messageDigest attribute');
    const actual = createHash(digestHash).update(signedContent).digest();
    if (!actual.equals(Buffer.from(digestAttr.valueBlock.valueHexView))) return fail('.SF digest does not match');
    const contentType: unknown = attributes.find((a) => a.type === CONTENT_TYPE_ATTR_OID)?.values[0];
    if (
      contentType !== undefined &&
      !(contentType instanceof asn1js.ObjectIdentifier && contentType.valueBlock.toString() === DATA_OID)
    ) {
      return fail('contentType attribute is not data');
    }
    dataToVerify = Buffer.from(signerInfo.signedAttrs.encodedValue);
  }
  const signature = Buffer.from(signerInfo.signature.valueBlock.valueHexView);
  const valid = safeVerify(signatureAlgorithm.hash ?? digestHash, dataToVerify, certificate, signature);
  if (!valid) return fail('signature over the .SF file did not verify');
  return certificate;
}

function safeVerify(hash: string, data: Buffer, certificate: SignerCertificate, signature: Buffer): boolean {
  try {
    return verify(hash, data, certificate.publicKey, signature);
  } catch {
    return false; // a malformed signature is a signature that does not verify
  }
}
