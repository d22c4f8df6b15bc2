import { MAX_SDK_EVIDENCE_LENGTH, SdkEvidencePayloadSchema, type SdkEvidencePayload } from '@tessera/contracts';
import { base64url, compactVerify, EmbeddedJWK, errors } from 'jose';
import { z } from 'zod';
import { EvidenceHeaderSchema, installationPublicJwk, type InstallationPublicJwk } from './evidence-header';
import { installationIdOf } from './installation-id';
import { describeIssues } from './issues';

export type EvidenceVerification =
  | { ok: true; installationId: string; payload: SdkEvidencePayload; publicJwk: InstallationPublicJwk }
  | {
      ok: false;
      reason: 'malformed-evidence' | 'bad-signature';
      /** Why, for the service's logs: no secrets, bounded. */
      detail: string;
      /**
       * On `bad-signature` only: the payload as it reads, schema-valid but UNVERIFIED. Good enough to burn the nonce it
       * names and answer the app it names with a failure token; never evidence of anything.
       */
      claimed?: SdkEvidencePayload;
    };

const MAX_DETAIL_LENGTH = 300;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * The payload schema compiled on first use (zod's generated code for a valid payload, the plain parser otherwise),
 * not at import: the SDK imports this library too, and React Native engines may refuse `new Function`.
 */
let compiledPayloadSchema: typeof SdkEvidencePayloadSchema | undefined;
function payloadSchema(): typeof SdkEvidencePayloadSchema {
  compiledPayloadSchema ??= z.compile(SdkEvidencePayloadSchema);
  return compiledPayloadSchema;
}

/**
 * Verifies SDK evidence as the integrity service receives it. The form first: size, three base64url segments, a
 * header that is exactly `{ alg: 'ES256', typ, jwk }` with a public P-256 key, a payload the contract accepts; any of
 * that wrong is `malformed-evidence`. Then the signature, with jose (`compactVerify`, the embedded JWK, ES256 only):
 * one that does not verify is `bad-signature`, with the claimed payload. Never throws.
 */
export async function verifySdkEvidence(jws: string): Promise<EvidenceVerification> {
  try {
    return await verify(jws);
  } catch (error) {
    // Nothing below is expected to throw; if something does, the evidence is refused, not the request crashed.
    return malformed(`verification failed unexpectedly: ${errorName(error)}`);
  }
}

async function verify(jws: unknown): Promise<EvidenceVerification> {
  if (typeof jws !== 'string' || jws.length === 0) return malformed('no evidence was given');
  if (jws.length > MAX_SDK_EVIDENCE_LENGTH) {
    return malformed(`evidence is ${jws.length} characters, at most ${MAX_SDK_EVIDENCE_LENGTH} are accepted`);
  }
  const segments = jws.split('.');
  if (segments.length !== 3) return malformed(`a compact JWS has 3 segments, this has ${segments.length}`);
  const [encodedHeader = '', encodedPayload = '', signature = ''] = segments;
  if (signature.length === 0) return malformed('the signature is empty (unsigned, alg none?)');
  if (!segments.every((segment) => SEGMENT.test(segment))) return malformed('a segment is not unpadded base64url');

  const header = decodeJson(encodedHeader);
  if (!header.ok) return malformed(`header: ${header.detail}`);
  const parsedHeader = EvidenceHeaderSchema.safeParse(header.value);
  if (!parsedHeader.success) return malformed(`header: ${describeIssues(parsedHeader.error)}`);

  const payload = decodeJson(encodedPayload);
  if (!payload.ok) return malformed(`payload: ${payload.detail}`);
  const parsedPayload = payloadSchema().safeParse(payload.value);
  if (!parsedPayload.success) return malformed(`payload: ${describeIssues(parsedPayload.error)}`);

  try {
    await compactVerify(jws, EmbeddedJWK, { algorithms: ['ES256'] });
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return {
        ok: false,
        reason: 'bad-signature',
        detail: 'the signature does not verify with the key in the header',
        claimed: parsedPayload.data,
      };
    }
    // The header passed the schema, so what is left is a key WebCrypto will not import: a point not on P-256.
    return malformed(`the header key is not a usable P-256 public key: ${errorName(error)}`);
  }
  const publicJwk = installationPublicJwk(parsedHeader.data.jwk);
  return { ok: true, installationId: await installationIdOf(publicJwk), payload: parsedPayload.data, publicJwk };
}

type Decoded = { ok: true; value: unknown } | { ok: false; detail: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(segment: string): Decoded {
  let text: string;
  try {
    text = utf8.decode(base64url.decode(segment));
  } catch {
    return { ok: false, detail: 'not base64url of UTF-8 text' };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
}

function errorName(error: unknown): string {
  // WebCrypto's DOMException may come from another realm than Error: read its members, not its prototype.
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return `${typeof name === 'string' ? name : 'Error'}: ${typeof message === 'string' ? message : ''}`;
}

function malformed(detail: string): EvidenceVerification {
  const bounded = detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH)}…` : detail;
  return { ok: false, reason: 'malformed-evidence', detail: bounded };
}
