import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt } from 'jose';
import { requestJson } from './keep-alive-json';
import { elapsedMs } from './stats';

/** A pins node's answer to `GET /v1/config`: the signed config (a JWS) and the tenant's pin config version. */
export interface PinConfigAnswer {
  config: string;
  version: number;
}

/** What the signed config says (its JWS payload, not verified: the benchmark only reads it). */
export interface PinConfigPayload {
  version: number;
  domains: { pattern: string; pins: string[] }[];
}

/** Asks a pins node for the app's signed pin config with a Tessera token (`GET /v1/config`). */
export function fetchPinConfig(nodeUrl: string, token: string): Promise<PinConfigAnswer> {
  return requestJson<PinConfigAnswer>(`${nodeUrl}/v1/config`, { method: 'GET', headers: { 'tessera-token': token } });
}

/** The pins a config gives `pattern`, from its payload. */
export function pinsOf(answer: PinConfigAnswer, pattern: string): string[] {
  const payload = decodeJwt(answer.config) as unknown as PinConfigPayload;
  return payload.domains.find((domain) => domain.pattern === pattern)?.pins ?? [];
}

/**
 * When one node came to serve a version, in ms after `since`, bracketed by its polls (as RefusalWindow is): it still
 * served an older version when its last such poll was sent (`after`, 0 if none after `since`), and served the new one
 * when the first such answer came back (`by`).
 */
export interface VersionWindow {
  after: number;
  by: number;
  /** Each poll's round trip, ms. */
  roundTrips: number[];
  /** Answers at the new version (or later) whose config did not hold the expected pins yet. */
  staleContent: number;
  /** The version the node came to serve. */
  version: number;
}

/**
 * Asks `nodeUrl` for the config (GET /v1/config) every `intervalMs` after each answer, until it serves `version` or
 * later with a config that `holds` accepts. None within `timeoutMs` is an error.
 */
export async function pollUntilVersion(
  nodeUrl: string,
  token: string,
  version: number,
  holds: (answer: PinConfigAnswer) => boolean,
  options: { since: bigint; intervalMs: number; timeoutMs: number },
): Promise<VersionWindow> {
  let after = 0;
  let staleContent = 0;
  let lastStale: PinConfigAnswer | undefined;
  const roundTrips: number[] = [];
  while (elapsedMs(options.since) < options.timeoutMs) {
    const sent = process.hrtime.bigint();
    const answer = await fetchPinConfig(nodeUrl, token);
    roundTrips.push(elapsedMs(sent));
    if (answer.version >= version) {
      if (holds(answer))
        return { after, by: elapsedMs(options.since), roundTrips, staleContent, version: answer.version };
      staleContent += 1;
      lastStale = answer;
    }
    // An older version, or the new one without the new pins: not served yet.
    after = Math.max(0, elapsedMs(options.since, sent));
    await sleep(options.intervalMs);
  }
  throw new Error(
    `${nodeUrl} served no config of version ${version} with the new pins within ${options.timeoutMs} ms ` +
      `(${staleContent} answers at that version without them` +
      (lastStale ? `, the last one: ${JSON.stringify(decodeJwt(lastStale.config))})` : ')'),
  );
}
