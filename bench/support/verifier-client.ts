/** A verifier node's answer to `POST /v1/verify`. */
export interface VerifierDecision {
  decision: 'accept' | 'refuse';
  reason?: string;
}

/** Asks a verifier node about a token (fetch keeps the connection alive between calls). */
export async function verifyToken(nodeUrl: string, token: string): Promise<VerifierDecision> {
  const response = await fetch(`${nodeUrl}/v1/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) throw new Error(`${nodeUrl}/v1/verify answered ${response.status}`);
  return (await response.json()) as VerifierDecision;
}

export async function acceptsToken(nodeUrl: string, token: string): Promise<boolean> {
  return (await verifyToken(nodeUrl, token)).decision === 'accept';
}
