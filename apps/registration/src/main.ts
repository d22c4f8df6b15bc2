import 'reflect-metadata';
import { runService } from '@tessera/service-runtime';
import { runBootstrapCommand } from './bootstrap-command';
import { registrationService } from './registration.service-definition';

if (process.argv[2] === 'bootstrap') {
  runBootstrapCommand(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bootstrap failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
} else {
  void runService(registrationService);
}
