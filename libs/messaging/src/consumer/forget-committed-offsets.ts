import { sleep } from '@tessera/timing';
import { type Admin, KafkaJSDeleteGroupsError } from 'kafkajs';
import type { MessagingLogger } from '../logger';

/** Kafka's error codes for a group that does not exist and one that still has members. */
export const GROUP_ID_NOT_FOUND = 69;
const NON_EMPTY_GROUP = 68;
/** The group's coordinator is loading, unavailable or elsewhere: worth asking again. */
const COORDINATOR_NOT_READY = new Set([14, 15, 16]);

/** Raised when a view's group has other live members: another process runs with the same node id. */
export class ViewGroupInUseError extends Error {
  constructor(groupId: string, detail: string) {
    super(
      `consumer group ${groupId} ${detail}: another process runs with this node id (each node of a view needs its ` +
        'own), or the previous process has not left the group yet',
    );
    this.name = 'ViewGroupInUseError';
  }
}

/**
 * Deletes a view's consumer group, and with it the offsets a previous process committed, so the view (empty at
 * start) is rebuilt from the log start even when its node id is configured and so the same from one start to the
 * next. A group that does not exist is fine. A group with members is waited for until `waitMs` (a crashed process's
 * member expires after its session timeout), then refused: two processes sharing a view group would each hold only
 * some partitions, a view that silently misses events.
 */
export async function forgetCommittedOffsets(
  admin: Admin,
  groupId: string,
  options: {
    waitMs: number;
    logger: MessagingLogger;
    /** Asked before each attempt and during each wait: true gives up quietly (the consumer is stopping). */
    abandon?: () => boolean;
    retryEveryMs?: number;
  },
): Promise<void> {
  const abandoned = () => options.abandon?.() === true;
  const started = Date.now();
  while (!abandoned()) {
    const code = await deleteGroup(admin, groupId);
    if (code === undefined || code === GROUP_ID_NOT_FOUND) return;
    const waited = Date.now() - started;
    if (code !== NON_EMPTY_GROUP && !COORDINATOR_NOT_READY.has(code)) {
      throw new Error(
        `could not delete consumer group ${groupId} to rebuild its view from the log start (code ${code})`,
      );
    }
    if (waited >= options.waitMs) {
      if (code === NON_EMPTY_GROUP)
        throw new ViewGroupInUseError(groupId, `still has members after ${Math.round(waited / 1000)} s`);
      throw new Error(`consumer group ${groupId}: its coordinator did not become available (code ${code})`);
    }
    options.logger.warn(
      { group: groupId, waitedMs: waited, code },
      code === NON_EMPTY_GROUP
        ? 'the view group still has a member (a previous process whose session has not expired?); waiting for it to leave'
        : "the view group's coordinator is not ready; asking again",
    );
    // In short steps, so a consumer that stops meanwhile is not held up (nor reconnected after it closed the admin).
    const until = Date.now() + (options.retryEveryMs ?? 1000);
    while (!abandoned() && Date.now() < until) await sleep(Math.min(100, until - Date.now()));
  }
}

/** The group's error code, or undefined once deleted. */
export async function deleteGroup(admin: Admin, groupId: string): Promise<number | undefined> {
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
