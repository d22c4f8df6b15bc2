import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';

/** Tenants, teams, API keys (hashes only) and the audit log of admin actions. */
export class AccessTables1795400000000 implements MigrationInterface {
  name = 'AccessTables1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.tenant (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{1,63}$'),
        name text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${s}.team (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tenant_id, name)
      )`,
      `CREATE TABLE ${s}.api_key (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
        tenant_id text NOT NULL REFERENCES ${s}.tenant (id),
        team_id uuid REFERENCES ${s}.team (id),
        role text NOT NULL CHECK (role IN ('admin', 'developer')),
        name text NOT NULL,
        secret_hash bytea NOT NULL CHECK (length(secret_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        CHECK ((role = 'admin') = (team_id IS NULL))
      )`,
      `CREATE INDEX api_key_tenant_idx ON ${s}.api_key (tenant_id, id)`,
      `CREATE INDEX api_key_team_idx ON ${s}.api_key (team_id) WHERE team_id IS NOT NULL`,
      `CREATE TABLE ${s}.audit_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text NOT NULL,
        actor_key_id text,
        actor_team_id uuid,
        action text NOT NULL,
        target_kind text NOT NULL,
        target_id text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX audit_event_tenant_idx ON ${s}.audit_event (tenant_id, id DESC)`,
      `CREATE INDEX audit_event_tenant_at_idx ON ${s}.audit_event (tenant_id, at)`,
      `CREATE INDEX audit_event_actor_idx ON ${s}.audit_event (tenant_id, actor_key_id, id DESC)`,
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['audit_event', 'api_key', 'team', 'tenant']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
