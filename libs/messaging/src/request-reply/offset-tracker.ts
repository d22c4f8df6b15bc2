export interface PartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as Kafka commits it. */
  offset: string;
}

interface PartitionProgress {
  topic: string;
  partition: number;
  /** Taken and not finished, in offset order (they are taken in order). */
  unfinished: bigint[];
  finished: Set<bigint>;
  /** One past the last offset taken. */
  next: bigint;
  committed: bigint | undefined;
}

/**
 * What a consumer that answers messages concurrently may commit: per partition, everything before the first
 * message still being handled. A slow message holds back the commit of its partition (so that it is redelivered if
 * the consumer dies), never the handling of the messages after it.
 */
export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionProgress>();

  take(topic: string, partition: number, offset: string): void {
    const progress = this.progress(topic, partition);
    const value = BigInt(offset);
    progress.unfinished.push(value);
    progress.next = value + 1n;
  }

  finish(topic: string, partition: number, offset: string): void {
    const progress = this.partitions.get(`${topic}:${partition}`);
    if (!progress) return;
    progress.finished.add(BigInt(offset));
    // Everything up to the first message still being handled is done.
    for (;;) {
      const first = progress.unfinished[0];
      if (first === undefined || !progress.finished.delete(first)) return;
      progress.unfinished.shift();
    }
  }

  /** Offsets that moved since they were last marked committed. */
  committable(): PartitionOffset[] {
    const offsets: PartitionOffset[] = [];
    for (const progress of this.partitions.values()) {
      const offset = progress.unfinished[0] ?? progress.next;
      if (progress.committed === undefined || offset > progress.committed) {
        offsets.push({ topic: progress.topic, partition: progress.partition, offset: offset.toString() });
      }
    }
    return offsets;
  }

  markCommitted(offsets: readonly PartitionOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      const progress = this.partitions.get(`${topic}:${partition}`);
      if (progress) progress.committed = BigInt(offset);
    }
  }

  private progress(topic: string, partition: number): PartitionProgress {
    const id = `${topic}:${partition}`;
    let progress = this.partitions.get(id);
    if (!progress) {
      progress = { topic, partition, unfinished: [], finished: new Set(), next: 0n, committed: undefined };
      this.partitions.set(id, progress);
    }
    return progress;
  }
}
