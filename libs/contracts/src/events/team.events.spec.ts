import { EventCatalog } from '../event-catalog';
import { Topics } from '../topics';
import { ALL_EVENTS } from './index';
import { TeamUpsertedV1 } from './team.events';

const catalog = new EventCatalog();
const team = { teamId: '3b8e1f0a-4c5d-4e6f-8a9b-0c1d2e3f4a5b', name: 'Payments', description: '' };

describe('team.upserted v1', () => {
  it('is listed, goes to the compacted registry topic and is keyed <tenant>/team/<id>', () => {
    expect(ALL_EVENTS).toContain(TeamUpsertedV1);
    expect(TeamUpsertedV1.topic).toBe(Topics.registry);
    const envelope = catalog.build(TeamUpsertedV1, { tenant: 'acme', producer: 'registration', data: team });
    expect(envelope).toMatchObject({ type: 'team.upserted', version: 1, key: `acme/team/${team.teamId}`, data: team });
  });

  it('round-trips through the catalog, dropping fields it does not know', () => {
    const envelope = catalog.build(TeamUpsertedV1, { tenant: 'acme', producer: 'registration', data: team });
    const parsed = catalog.parse(JSON.stringify({ ...envelope, data: { ...team, later: true } }));
    expect(parsed.ok && parsed.envelope.data).toEqual(team);
  });

  it.each([
    ['a team id that is not a UUID', { ...team, teamId: 'payments' }],
    ['an empty name', { ...team, name: '' }],
    ['a name over 100 characters', { ...team, name: 'x'.repeat(101) }],
    ['a missing description', { teamId: team.teamId, name: team.name }],
  ])('refuses %s', (_what, data) => {
    expect(TeamUpsertedV1.schema.safeParse(data).success).toBe(false);
  });
});
