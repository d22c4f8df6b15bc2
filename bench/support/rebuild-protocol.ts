import type { RevokedSubject } from './revocation-stream';

/** What bench/verifier-rebuild.ts and the processes it forks (publishers, the view's, the bare reader's) say over IPC. */
export type RebuildRequest =
  | { type: 'rebuild'; brokers: string[]; prefix: string; nodeId: string; heapSnapshotDir: string | undefined }
  | { type: 'check'; revoked: RevokedSubject[]; notRevoked: RevokedSubject[] }
  | { type: 'read'; brokers: string[]; prefix: string; groupId: string }
  | {
      type: 'publish';
      brokers: string[];
      prefix: string;
      tenants: string[];
      count: number;
      sampleSize: number;
    };

export interface MemoryFigures {
  heapUsedBytes: number;
  /** What V8 holds for its heap, used or not. */
  heapTotalBytes: number;
  /** Memory of buffers and other objects outside the V8 heap. */
  externalBytes: number;
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
  /** The bare kafkajs read of both topics: from consumer.run() to the last message, and its CPU time. */
  | { type: 'read'; readMs: number; cpuMs: number; messages: number }
  /** A uniform sample of the subjects a publishing process revoked. */
  | { type: 'published'; sample: RevokedSubject[] }
  | { type: 'failed'; error: string };
