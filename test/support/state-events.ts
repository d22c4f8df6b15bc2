import { TopicProbe } from './kafka-probe';

export interface StateEvent {
  topic: string;
  key: string | null;
  /** null for a tombstone. */
  envelope: { type: string; version: number; tenant: string; key: string; data: Record<string, unknown> } | null;
}

/** Reads state topics from the beginning and waits for the event (or tombstone) a test expects on a key. */
export class StateEvents {
  private constructor(private readonly probe: TopicProbe) {}

  static async start(brokers: string[], topics: string[]): Promise<StateEvents> {
    return new StateEvents(await new TopicProbe(brokers, topics).start());
  }

  all(): StateEvent[] {
    return this.probe.received.map((m) => ({
      topic: m.topic,
      key: m.key,
      envelope: m.value === null ? null : (JSON.parse(m.value) as StateEvent['envelope']),
    }));
  }

  /** The last event on `key` that satisfies `predicate` (default: any event, tombstones included). */
  async waitFor(
    key: string,
    predicate: (event: StateEvent) => boolean = () => true,
    what = `an event on ${key}`,
  ): Promise<StateEvent> {
    const match = () => this.all().filter((e) => e.key === key && predicate(e));
    await this.probe.waitFor(() => match().length > 0, 15_000, what);
    return match()[match().length - 1]!;
  }

  waitForTombstone(key: string): Promise<StateEvent> {
    return this.waitFor(key, (e) => e.envelope === null, `a tombstone on ${key}`);
  }

  stop(): Promise<void> {
    return this.probe.stop();
  }
}
