import { requestJson } from './keep-alive-json';

/** A verifier node's answer to `POST /v1/verify`. */
export interface VerifierDecision {
  decision: 'accept' | 'refuse';
  reason?: string;
}

/** Asks a verifier node about a token. */
export function verifyToken(nodeUrl: string, token: string): Promise<VerifierDecision> {
  return requestJson<VerifierDecision>(`${nodeUrl}/v1/verify`, { method: 'POST', body: JSON.stringify({ token }) });
}

export async function acceptsToken(nodeUrl: string, token: string): Promise<boolean> {
  return (await verifyToken(nodeUrl, token)).decision === 'accept';
}
