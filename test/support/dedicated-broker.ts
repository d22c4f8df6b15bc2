import { execFile } from 'node:child_process';
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

  start(): Promise<void> {
    return this.run(['up', '--kafka-only']);
  }

  stop(): Promise<void> {
    return this.run(['down', '--kafka-only']);
  }

  /** Stops the broker and deletes its data. */
  destroy(): Promise<void> {
    return this.run(['down', '--wipe', '--kafka-only']);
  }

  /** Asynchronous: services running in the test's own process must go on answering meanwhile. */
  private run(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(repoRoot, 'scripts', 'infra.mjs'), ...args],
        { env: this.env, encoding: 'utf8', timeout: 120_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`infra ${args.join(' ')} failed (${error.message}):\n${stdout}\n${stderr}`));
          else resolve();
        },
      );
    });
  }
}
