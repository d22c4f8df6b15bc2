import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@tessera/database';
import { auditEventTable } from '@tessera/service-runtime';

/**
 * Tenants' signing settings and keys (private parts sealed under the KEK, erased once a key can sign no more), the
 * public parts of failure-token keys (their private parts live only in memory), and the audit log of admin actions.
 */
export class SigningKeyTables1795600000000 implements MigrationInterface {
  name = 'SigningKeyTables1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    const statements = [
      `CREATE TABLE ${s}.signing_settings (
        tenant_id text PRIMARY KEY CHECK (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        algorithm text NOT NULL CHECK (algorithm IN ('ES256', 'EdDSA', 'HS256')),
        rotation_period_seconds integer NOT NULL CHECK (rotation_period_seconds > 0),
        audience text NOT NULL CHECK (length(audience) BETWEEN 1 AND 256),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE ${s}.signing_key (
        kid text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
        tenant_id text NOT NULL REFERENCES ${s}.signing_settings (tenant_id),
        alg text NOT NULL CHECK (alg IN ('ES256', 'EdDSA', 'HS256')),
        state text NOT NULL CHECK (state IN ('next', 'active', 'retiring', 'retired', 'revoked')),
        public_jwk jsonb,
        sealed_private jsonb,
        created_at timestamptz NOT NULL,
        activated_at timestamptz,
        deactivated_at timestamptz,
        retires_at timestamptz,
        revoked_at timestamptz,
        revocation_reason text CHECK (length(revocation_reason) <= 500),
        forgotten boolean NOT NULL DEFAULT false,
        CHECK ((alg = 'HS256') = (public_jwk IS NULL)),
        CHECK (state NOT IN ('retired', 'revoked') OR sealed_private IS NULL),
        CHECK (state IN ('retired', 'revoked') OR sealed_private IS NOT NULL)
      )`,
      `CREATE INDEX signing_key_tenant_idx ON ${s}.signing_key (tenant_id, created_at)`,
      // At most one key of a tenant signs, and at most one waits to.
      `CREATE UNIQUE INDEX signing_key_one_active_idx ON ${s}.signing_key (tenant_id) WHERE state = 'active'`,
      `CREATE UNIQUE INDEX signing_key_one_next_idx ON ${s}.signing_key (tenant_id) WHERE state = 'next'`,
      `CREATE TABLE ${s}.failure_key (
        kid text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
        alg text NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
        public_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        forget_after timestamptz NOT NULL,
        forgotten boolean NOT NULL DEFAULT false
      )`,
      `CREATE INDEX failure_key_forget_idx ON ${s}.failure_key (forget_after) WHERE NOT forgotten`,
      ...auditEventTable(s),
    ];
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = schemaOf(queryRunner);
    for (const table of ['audit_event', 'failure_key', 'signing_key', 'signing_settings']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
