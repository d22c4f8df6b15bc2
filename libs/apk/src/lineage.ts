import { ByteReader } from './byte-reader';
import { parseCertificate, type SignerCertificate } from './certificate';
import { refuse } from './refusal';
import { findSigningAlgorithm, verifyWithAlgorithm } from './signature-algorithms';

/** v3 signed-data additional attribute holding the proof-of-rotation lineage. */
export const PROOF_OF_ROTATION_ATTR_ID = 0x3ba06f8c;
const LINEAGE_VERSION = 1;

/**
 * Parses and verifies a v3 proof-of-rotation lineage, oldest certificate first.
 *
 * Format (little endian): uint32 version; then length-prefixed nodes, each:
 *   length-prefixed signed data { length-prefixed certificate, uint32 algorithm the parent signed it with },
 *   uint32 flags, uint32 algorithm this node signs its child with, length-prefixed signature over the signed
 *   data by the parent's key. The first node is the root and carries no parent signature to check.
 * Every link must verify, and the algorithm a parent declares must be the one its child records.
 */
export function readLineage(value: Buffer): SignerCertificate[] {
  const reader = new ByteReader(value, 'lineage-invalid');
  if (reader.uint32() !== LINEAGE_VERSION) refuse('lineage-invalid', 'Unknown signing certificate lineage version');
  const certificates: SignerCertificate[] = [];
  let parent: { certificate: SignerCertificate; algorithmId: number } | null = null;
  while (reader.hasRemaining()) {
    const index = certificates.length + 1;
    const node = new ByteReader(reader.lengthPrefixed(), 'lineage-invalid');
    const signedData = node.lengthPrefixed();
    node.uint32(); // flags: capabilities granted to this certificate; not part of the identity
    const algorithmId = node.uint32();
    const signature = node.lengthPrefixed();

    if (parent) {
      const algorithm = findSigningAlgorithm(parent.algorithmId);
      if (!algorithm) refuse('lineage-invalid', `Lineage certificate #${index}: unknown signature algorithm`);
      if (!verifyWithAlgorithm(algorithm, parent.certificate.publicKey, signedData, signature)) {
        refuse('lineage-invalid', `Lineage certificate #${index} is not signed by the certificate before it`);
      }
    }
    const signed = new ByteReader(signedData, 'lineage-invalid');
    const certificateBytes = signed.lengthPrefixed();
    const algorithmParentUsed = signed.uint32();
    if (parent && algorithmParentUsed !== parent.algorithmId) {
      refuse('lineage-invalid', `Lineage certificate #${index}: signature algorithm differs from the one declared`);
    }
    const certificate = parseCertificate(Buffer.from(certificateBytes), `Lineage certificate #${index}`);
    if (certificates.some((known) => known.sha256 === certificate.sha256)) {
      refuse('lineage-invalid', `Lineage certificate #${index} repeats an earlier certificate`);
    }
    certificates.push(certificate);
    parent = { certificate, algorithmId };
  }
  if (certificates.length === 0) refuse('lineage-invalid', 'Empty signing certificate lineage');
  return certificates;
}
