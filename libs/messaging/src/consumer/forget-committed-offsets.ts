import { sleep } from '@tessera/timing';
import { type Admin, KafkaJSDeleteGroupsError } from 'kafkajs';
import type { MessagingLogger } from '../logger';

/** Kafka's error codes for a group that does not exist and one that still has members. */
const GROUP_ID_NOT_FOUND = 69;
const NON_EMPTY_GROUP = 68;

/** Raised when a view's group keeps live members: another process runs with the same node id. */
export class ViewGroupInUseError extends Error {
  constructor(groupId: string, waitedMs: number) {
    super(
      `consumer group ${groupId} still has members after ${Math.round(waitedMs / 1000)} s: another process runs with ` +
        'this node id (each node of a view needs its own), or the previous process has not left the group yet',
    );
    this.name = 'ViewGroupInUseError';
  }
}

/**
 * Deletes a view's consumer group, and with it the offsets a previous process committed, so the view (empty at
 * start) is rebuilt from the log start even when its node id is configured and so the same from one start to the
 * next. A group that does not exist is fine (the default node id is new on every start). A group with members is
 * waited for until `waitMs` (a crashed process's member expires after its session timeout), then refused: two
 * processes sharing a view group would each hold only some partitions, a view that silently misses events.
 */
export async function forgetCommittedOffsets(
  admin: Admin,
  groupId: string,
  options: {
    waitMs: number;
    logger: MessagingLogger;
    /** Asked before each wait: true gives up quietly (the consumer is stopping). */
    abandon?: () => boolean;
    retryEveryMs?: number;
  },
): Promise<void> {
  const started = Date.now();
  for (;;) {
    const code = await deleteGroup(admin, groupId);
    if (code === undefined || code === GROUP_ID_NOT_FOUND) return;
    const waited = Date.now() - started;
    if (code !== NON_EMPTY_GROUP) {
      throw new Error(
        `could not delete consumer group ${groupId} to rebuild its view from the log start (code ${code})`,
      );
    }
    if (options.abandon?.() === true) return;
    if (waited >= options.waitMs) throw new ViewGroupInUseError(groupId, waited);
    options.logger.warn(
      { group: groupId, waitedMs: waited },
      'the view group still has a member (a previous process whose session has not expired?); waiting for it to leave',
    );
    await sleep(options.retryEveryMs ?? 1000);
  }
}

/** The group's error code, or undefined once deleted. */
async function deleteGroup(admin: Admin, groupId: string): Promise<number | undefined> {
  try {
    await admin.deleteGroups([groupId]);
    return undefined;
  } catch (error) {
    if (error instanceof KafkaJSDeleteGroupsError) {
      const failed = error.groups.find((group) => group.groupId === groupId);
      if (failed) return failed.errorCode ?? -1;
    }
    throw error;
  }
}
