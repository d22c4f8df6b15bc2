import { setTimeout as sleep } from 'node:timers/promises';
import { elapsedMs } from './stats';
import { verifyToken } from './verifier-client';

/**
 * When one node came to refuse a token, in ms after `since`, bracketed by its polls: it still accepted the token
 * when the last accepting poll was sent, so it changed its mind after `after` (0 if no poll after `since`
 * accepted) and at the latest by `by`, when the first refusing answer came back.
 */
export interface RefusalWindow {
  after: number;
  by: number;
  /** Each poll's round trip, ms. */
  roundTrips: number[];
}

/**
 * Asks `nodeUrl` about `token` (POST /v1/verify) every `intervalMs` after each answer, until it refuses with
 * `reason`. Any other refusal, or none within `timeoutMs`, is an error.
 */
export async function pollUntilRefused(
  nodeUrl: string,
  token: string,
  reason: string,
  options: { since: bigint; intervalMs: number; timeoutMs: number },
): Promise<RefusalWindow> {
  let after = 0;
  const roundTrips: number[] = [];
  while (elapsedMs(options.since) < options.timeoutMs) {
    const sent = process.hrtime.bigint();
    const answer = await verifyToken(nodeUrl, token);
    roundTrips.push(elapsedMs(sent));
    if (answer.decision === 'refuse') {
      if (answer.reason !== reason) throw new Error(`${nodeUrl} refused with ${answer.reason ?? '?'}, not ${reason}`);
      return { after, by: elapsedMs(options.since), roundTrips };
    }
    after = Math.max(0, elapsedMs(options.since, sent));
    await sleep(options.intervalMs);
  }
  throw new Error(`${nodeUrl} still accepted the token ${options.timeoutMs} ms later`);
}
