import { CommanderError } from 'commander';
import type { CliIo } from './cli-io';
import { ExitStatus } from './errors';
import { ExitCode } from './exit-codes';
import { redactKeys, reportError } from './output/error-report';
import { buildProgram } from './program';

/**
 * Runs one command line (without `node` and the script) and answers the exit code; never exits the process
 * itself, so pending output is flushed and tests can run it in process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    // Commander has printed its own message (or the help it was asked for).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // The command has printed its answer; the code says the rest.
    if (error instanceof ExitStatus) return error.exitCode;
    const report = reportError(error);
    io.stderr(`${redactKeys(report.lines.join('\n'))}\n`);
    return report.exitCode;
  }
}
