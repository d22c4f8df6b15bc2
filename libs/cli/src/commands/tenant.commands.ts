import type { Command } from 'commander';
import type { Tenant } from '../api/views';
import type { CliContext } from '../cli-context';
import { formatTime } from '../output/format';
import { renderRecord } from '../output/table';

export function renderTenant(tenant: Tenant): string {
  return renderRecord([
    ['id', tenant.id],
    ['name', tenant.name],
    ['status', tenant.status],
    ['created', formatTime(tenant.createdAt)],
    ['updated', formatTime(tenant.updatedAt)],
  ]);
}

export function tenantCommands(program: Command, cli: CliContext): void {
  const tenant = program.command('tenant').description("the key's tenant");

  tenant
    .command('show')
    .description('show the tenant')
    .action(async () => {
      const client = await cli.client();
      cli.printer.answer(await client.currentTenant(), renderTenant);
    });

  tenant
    .command('rename')
    .description('rename the tenant (admin)')
    .argument('<name>', 'the new name (1-200 characters)')
    .action(async (name: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.renameTenant(name), renderTenant);
    });
}
