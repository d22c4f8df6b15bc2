import { randomUUID } from 'node:crypto';
import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@tessera/access';
import { PolicyUpsertedV1, Topics } from '@tessera/contracts';
import { mergeRules, PRESET_DESCRIPTIONS, PRESET_NAMES, PRESETS, type PresetName, ruleChanges } from '@tessera/policy';
import type { EntityManager } from 'typeorm';
import type { Page } from '../persistence/page';
import { RegistryStore } from '../persistence/registry-store';
import { isUniqueViolation, pageOf, returned } from '../persistence/sql';
import type { CreatePolicyInput, UpdatePolicyInput } from './policies.schemas';
import {
  POLICY_COLUMNS,
  policyChangeSummaries,
  policyEventData,
  policyFromRow,
  policySummary,
  type PolicyView,
} from './policy.view';

/** One built-in preset, as `GET /v1/policies/presets` lists it. */
export interface PresetView {
  name: PresetName;
  description: string;
  rules: (typeof PRESETS)[PresetName];
}

/**
 * Security policies of the caller's tenant: named rule sets apps are assigned to. Every change publishes the
 * policy's full rules and writes an audit entry naming the rules that changed, in one transaction.
 */
@Injectable()
export class PoliciesService {
  constructor(@Inject(RegistryStore) private readonly store: RegistryStore) {}

  presets(): { items: PresetView[] } {
    return {
      items: PRESET_NAMES.map((name) => ({ name, description: PRESET_DESCRIPTIONS[name], rules: PRESETS[name] })),
    };
  }

  async list(principal: Principal, query: { limit: number; cursor?: string | undefined }): Promise<Page<PolicyView>> {
    const rows = await this.store.dataSource.query<PolicyView[]>(
      `SELECT ${POLICY_COLUMNS} FROM ${this.store.table('policy')}
       WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
       ORDER BY id LIMIT $3`,
      [principal.tenantId, query.cursor ?? null, query.limit + 1],
    );
    return pageOf(rows.map(policyFromRow), query.limit);
  }

  get(principal: Principal, policyId: string): Promise<PolicyView> {
    return this.find(this.store.dataSource.manager, principal.tenantId, policyId);
  }

  /** A policy from a preset's rules with the request's rules laid over them. */
  async create(principal: Principal, input: CreatePolicyInput): Promise<PolicyView> {
    const rules = mergeRules(PRESETS[input.preset], input.rules ?? {});
    return this.store.transaction(async (tx) => {
      let policy: PolicyView;
      try {
        policy = returnedPolicy(
          await tx.query<PolicyView[]>(
            `INSERT INTO ${this.store.table('policy')} (id, tenant_id, name, rules) VALUES ($1, $2, $3, $4::jsonb)
             RETURNING ${POLICY_COLUMNS}`,
            [randomUUID(), principal.tenantId, input.name, JSON.stringify(rules)],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw this.nameTaken(input.name);
        throw error;
      }
      await this.store.outbox.append(tx, PolicyUpsertedV1, {
        tenant: principal.tenantId,
        data: policyEventData(policy),
      });
      await this.store.audit(tx, principal, {
        action: 'policy.create',
        target: { kind: 'policy', id: policy.id },
        before: null,
        after: { preset: input.preset, ...policySummary(policy) },
      });
      return policy;
    });
  }

  /** Renames and/or lays rules over the current ones; a change that changes nothing writes nothing. */
  async update(principal: Principal, policyId: string, change: UpdatePolicyInput): Promise<PolicyView> {
    return this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, policyId, true);
      const name = change.name ?? before.name;
      const rules = mergeRules(before.rules, change.rules ?? {});
      if (name === before.name && ruleChanges(before.rules, rules).length === 0) return before;
      let policy: PolicyView;
      try {
        policy = returnedPolicy(
          await tx.query(
            `UPDATE ${this.store.table('policy')} SET name = $3, rules = $4::jsonb, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING ${POLICY_COLUMNS}`,
            [principal.tenantId, policyId, name, JSON.stringify(rules)],
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw this.nameTaken(name);
        throw error;
      }
      await this.store.outbox.append(tx, PolicyUpsertedV1, {
        tenant: principal.tenantId,
        data: policyEventData(policy),
      });
      await this.store.audit(tx, principal, {
        action: 'policy.update',
        target: { kind: 'policy', id: policyId },
        ...policyChangeSummaries(before, policy),
      });
      return policy;
    });
  }

  /** Deletes a policy no app is assigned to (the foreign key of app.policy_id says so); a tombstone follows. */
  async delete(principal: Principal, policyId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const before = await this.find(tx, principal.tenantId, policyId, true);
      await this.store.deleteTenantRow(
        tx,
        'policy',
        principal.tenantId,
        policyId,
        'the policy is assigned to apps: assign them another first',
      );
      await this.store.publishRemoval(tx, principal, {
        topic: Topics.policies,
        key: PolicyUpsertedV1.key(principal.tenantId, policyEventData(before)),
        action: 'policy.delete',
        target: { kind: 'policy', id: policyId },
        before: policySummary(before),
      });
    });
  }

  private async find(tx: EntityManager, tenantId: string, policyId: string, lock = false): Promise<PolicyView> {
    const policies = { table: 'policy', columns: POLICY_COLUMNS, notFound: 'no such policy' };
    return policyFromRow(await this.store.findTenantRow(tx, policies, tenantId, policyId, lock));
  }

  private nameTaken(name: string): ConflictException {
    return new ConflictException(`a policy named "${name}" exists`);
  }
}

/** The policy an INSERT/UPDATE ... RETURNING gave back. */
function returnedPolicy(result: PolicyView[] | [PolicyView[], number]): PolicyView {
  return policyFromRow(returned(result));
}
