import { MAX_REPORTED_CERTIFICATES, type PinViolationReport, PinViolationReportSchema } from '@tessera/contracts';
import { SDK_VERSION } from '../version';
import type { PinViolation } from './pin-check';

export interface PinViolationReporterOptions {
  /** Where the pins service answers `POST /v1/pins/report` (a path prefix is kept). */
  pinsBaseUrl: string;
  tenant: string;
  appId: string;
  /** The installation id: `client.installationId()`. */
  installationId: () => Promise<string>;
  sdkVersion?: string;
  fetch?: typeof fetch;
  /** Reports waiting to be sent at most (default 20); more are dropped, and counted. */
  maxQueued?: number;
  requestTimeoutMs?: number;
  /** The clock (epoch ms), for tests. */
  now?: () => number;
}

/** A violation as a connection saw it: the pins checked, and where and what was served. */
export interface ObservedPinViolation extends PinViolation {
  port: number;
  /** The served chain, leaf first: each certificate's DER as standard base64 (or PEM). */
  servedChain: readonly string[];
}

/**
 * Sends pin violations to the pins service, `POST /v1/pins/report`, in the background: `report()` queues and
 * returns at once, never blocks nor fails the refused request (which is refused whatever happens here). The queue
 * is bounded (a MitM on every connection must not grow it without end), the same violation already waiting is not
 * queued twice, and reports are sent one at a time; a report that cannot be sent is dropped. A report holds no
 * token nor secret: it may well travel through the very MitM it reports.
 */
export class PinViolationReporter {
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxQueued: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  private readonly queue: { key: string; violation: ObservedPinViolation; occurredAt: string }[] = [];
  private draining: Promise<void> | undefined;
  private counts = { sent: 0, dropped: 0, failed: 0 };

  constructor(private readonly options: PinViolationReporterOptions) {
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(options.pinsBaseUrl)) {
      throw new TypeError('PinViolationReporter pinsBaseUrl: expected an http(s) URL without query or fragment');
    }
    this.url = `${options.pinsBaseUrl.replace(/\/+$/, '')}/v1/pins/report`;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.maxQueued = options.maxQueued ?? 20;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Queues a report of `violation`; false when it is not queued (the queue is full, or it waits already). */
  report(violation: ObservedPinViolation): boolean {
    const key = JSON.stringify([violation.host, violation.port, violation.servedPins, violation.configVersion]);
    if (this.queue.some((queued) => queued.key === key)) return false;
    if (this.queue.length >= this.maxQueued) {
      this.counts.dropped += 1;
      return false;
    }
    this.queue.push({ key, violation, occurredAt: new Date(this.now()).toISOString() });
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return true;
  }

  /** Resolves once every queued report has been sent or given up (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  /** Reports sent, dropped (queue full) and failed (refused by the contract or the service, or not delivered). */
  get stats(): { sent: number; dropped: number; failed: number } {
    return { ...this.counts };
  }

  private async drain(): Promise<void> {
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      const delivered = await this.send(next.violation, next.occurredAt).catch(() => false);
      this.queue.shift();
      if (delivered) this.counts.sent += 1;
      else this.counts.failed += 1;
    }
  }

  private async send(violation: ObservedPinViolation, occurredAt: string): Promise<boolean> {
    const report: PinViolationReport = {
      tenant: this.options.tenant,
      appId: this.options.appId,
      installationId: await this.options.installationId(),
      sdkVersion: this.options.sdkVersion ?? SDK_VERSION,
      hostname: violation.host,
      port: violation.port,
      pattern: violation.pattern,
      expectedPins: [...violation.expectedPins],
      servedPins: violation.servedPins.slice(0, MAX_REPORTED_CERTIFICATES),
      servedChain: violation.servedChain.slice(0, MAX_REPORTED_CERTIFICATES),
      configVersion: violation.configVersion,
      occurredAt,
    };
    // A chain the service would refuse (an oversized certificate) is not sent at all.
    if (!PinViolationReportSchema.safeParse(report).success) return false;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort();
    }, this.requestTimeoutMs);
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(report),
        signal: controller.signal,
      });
      await response.body?.cancel();
      return response.status >= 200 && response.status <= 299;
    } finally {
      clearTimeout(timer);
    }
  }
}
