import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLocalInfraEnv } from '../support/local-infra-env';

describe('readLocalInfraEnv', () => {
  const saved = process.env.TESSERA_CACHE_DIR;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-infra-env-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.TESSERA_CACHE_DIR;
    else process.env.TESSERA_CACHE_DIR = saved;
  });

  it('reads the quoted lines the infra script writes, undoing its quote escaping', () => {
    writeFileSync(
      path.join(dir, 'infra.env'),
      "KAFKA_BROKERS='127.0.0.1:9092'\nDATABASE_URL='postgres://u:it'\\''s@h/db'\n# comment\n\n",
    );
    process.env.TESSERA_CACHE_DIR = dir;
    expect(readLocalInfraEnv('/nowhere')).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: "postgres://u:it's@h/db",
    });
  });

  it('looks in <root>/.cache without TESSERA_CACHE_DIR, and is empty when nothing was written', () => {
    delete process.env.TESSERA_CACHE_DIR;
    expect(readLocalInfraEnv(dir)).toEqual({});
  });
});
