import { ALL_EVENTS } from './events';
import { ALL_TOPICS, Topics, topicConfigEntries, topicName } from './topics';

describe('topic registry', () => {
  it('names every topic tessera.<stream>.v<major>, uniquely', () => {
    const names = ALL_TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^tessera\.[a-z-]+\.v\d+$/);
  });

  it('compacts the state streams and keeps the append-only ones for a time', () => {
    for (const topic of [Topics.registry, Topics.policies, Topics.revocations, Topics.keys, Topics.pins]) {
      expect(topic.cleanupPolicy).toBe('compact');
    }
    for (const topic of [Topics.attestations, Topics.pinViolations, Topics.deadLetter]) {
      expect(topic.cleanupPolicy).toBe('delete');
      expect(topic.retentionMs).toBeGreaterThan(0);
    }
  });

  it('keeps pin-violation reports two weeks, keyed by app', () => {
    expect(Topics.pinViolations).toMatchObject({ name: 'tessera.pin-violations.v1', key: '<tenant>/<app id>' });
    expect(topicConfigEntries(Topics.pinViolations)).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(14 * 86_400_000) },
    ]);
  });

  it('derives broker configs from the registry', () => {
    expect(topicConfigEntries(Topics.revocations)).toEqual([
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'delete.retention.ms', value: '86400000' },
    ]);
    expect(topicConfigEntries(Topics.attestations)).toEqual([
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(7 * 86_400_000) },
    ]);
  });

  it('prefixes names per deployment', () => {
    expect(topicName(Topics.keys, 'staging.')).toBe('staging.tessera.keys.v1');
    expect(topicName(Topics.keys, '')).toBe('tessera.keys.v1');
  });

  it('publishes every event on a registered topic', () => {
    for (const event of ALL_EVENTS) expect(ALL_TOPICS).toContain(event.topic);
  });
});
