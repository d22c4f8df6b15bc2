import { type Admin, KafkaJSDeleteGroupsError } from 'kafkajs';
import { silentLogger } from '../logger';
import { forgetCommittedOffsets, ViewGroupInUseError } from './forget-committed-offsets';

/** An admin whose deleteGroups answers each call with the next error code (0: deleted). */
function adminAnswering(codes: number[]) {
  const calls: string[][] = [];
  const admin = {
    deleteGroups: async (groupIds: string[]) => {
      calls.push(groupIds);
      const code = codes[Math.min(calls.length, codes.length) - 1] ?? 0;
      if (code === 0) return [{ groupId: groupIds[0]!, errorCode: 0 }];
      throw new KafkaJSDeleteGroupsError('Error in DeleteGroups', [
        { groupId: groupIds[0]!, errorCode: code, error: new Error(`code ${code}`) as never },
      ]);
    },
  } as unknown as Admin;
  return { admin, calls };
}

const options = { waitMs: 1000, logger: silentLogger, retryEveryMs: 10 };

describe('forgetCommittedOffsets: a view group deleted before its first start', () => {
  it('deletes the group once when it exists and is empty', async () => {
    const { admin, calls } = adminAnswering([0]);
    await forgetCommittedOffsets(admin, 'verifier-node-1', options);
    expect(calls).toEqual([['verifier-node-1']]);
  });

  it('takes a group that does not exist (a new node id) as nothing to forget', async () => {
    const { admin, calls } = adminAnswering([69]);
    await forgetCommittedOffsets(admin, 'verifier-node-1', options);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ["a previous process's member to leave", [68, 68, 0]],
    ['a coordinator that is loading or moving', [14, 16, 0]],
  ])('waits for %s, asking again, then deletes', async (_, codes) => {
    const { admin, calls } = adminAnswering(codes);
    await forgetCommittedOffsets(admin, 'verifier-node-1', options);
    expect(calls).toHaveLength(3);
  });

  it('refuses a group that keeps members past the wait: another process has this node id', async () => {
    const { admin, calls } = adminAnswering([68]);
    const started = Date.now();
    await expect(forgetCommittedOffsets(admin, 'verifier-node-1', { ...options, waitMs: 100 })).rejects.toThrow(
      ViewGroupInUseError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('gives up quietly, without asking Kafka again, once told to abandon (the consumer is stopping)', async () => {
    const { admin, calls } = adminAnswering([68]);
    let stopping = false;
    const giving = forgetCommittedOffsets(admin, 'verifier-node-1', {
      ...options,
      retryEveryMs: 60_000,
      abandon: () => stopping,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stopping = true;
    const stoppedAt = Date.now();
    await giving;
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(calls).toHaveLength(1);
  });

  it('fails on any other error (no permission to delete the group), rather than resume an empty view', async () => {
    const { admin } = adminAnswering([30]);
    await expect(forgetCommittedOffsets(admin, 'verifier-node-1', options)).rejects.toThrow(
      'could not delete consumer group verifier-node-1 to rebuild its view from the log start (code 30)',
    );
  });

  it('passes on errors that are not about the group (the broker is away)', async () => {
    const admin = {
      deleteGroups: async () => {
        throw new Error('Connection error: ECONNREFUSED');
      },
    } as unknown as Admin;
    await expect(forgetCommittedOffsets(admin, 'verifier-node-1', options)).rejects.toThrow('ECONNREFUSED');
  });
});
