import type { RevokedSubject } from './revocation-stream';

/** What bench/verifier-rebuild.ts and the process that rebuilds the view say to each other over IPC. */
export type RebuildRequest =
  | { type: 'rebuild'; brokers: string[]; prefix: string; nodeId: string; heapSnapshotDir: string | undefined }
  | { type: 'check'; revoked: RevokedSubject[]; notRevoked: RevokedSubject[] };

export interface MemoryFigures {
  heapUsedBytes: number;
  rssBytes: number;
}

export type RebuildReport =
  | {
      type: 'rebuilt';
      /** From consumer.start() to caughtUp. */
      caughtUpMs: number;
      /** From consumer.start() to the first revocation in the view (the group join, mostly); sampled every 20 ms. */
      firstRevocationMs: number;
      /** CPU time (user and system) the process spent from start to caughtUp. */
      cpuMs: number;
      /** After a forced GC, with the view built but the consumer not started. */
      baseline: MemoryFigures;
      /** After a forced GC once caught up, the consumer still running. */
      caughtUp: MemoryFigures;
      /** The process's highest resident set size so far. */
      peakRssBytes: number;
      revocations: number;
      signingKeys: number;
      heapSnapshot: string | undefined;
    }
  | { type: 'checked'; wronglyRefused: number; wronglyAccepted: number }
  | { type: 'failed'; error: string };
