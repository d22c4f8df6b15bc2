import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './test-environment';

/**
 * A second real Kafka broker, started with the same script and jars as the main one, on its own ports and data
 * directory, for tests that stop and restart a broker without disturbing the others.
 */
export class DedicatedBroker {
  readonly brokers: string[];
  private readonly env: NodeJS.ProcessEnv;

  constructor(port: number, name: string) {
    this.brokers = [`127.0.0.1:${port}`];
    this.env = {
      ...process.env,
      KAFKA_BROKERS: '',
      TESSERA_KAFKA_PORT: String(port),
      TESSERA_KAFKA_CONTROLLER_PORT: String(port + 1),
      TESSERA_KAFKA_DIR: path.join(repoRoot, '.cache', 'kafka', name),
    };
  }

  start(): void {
    this.run(['up', '--kafka-only']);
  }

  stop(): void {
    this.run(['down', '--kafka-only']);
  }

  /** Stops the broker and deletes its data. */
  destroy(): void {
    this.run(['down', '--wipe', '--kafka-only']);
  }

  private run(args: string[]): void {
    const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'infra.mjs'), ...args], {
      env: this.env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`infra ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
}
