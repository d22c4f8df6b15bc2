import { type Command, Option } from 'commander';
import type { JsonObject } from '../api/requests';
import type { Policy, PolicyPresets } from '../api/views';
import type { CliContext } from '../cli-context';
import { UsageError } from '../errors';
import { flatten, formatTime, formatValue } from '../output/format';
import { type Column, renderRecord, renderTable } from '../output/table';
import { readJsonObjectFile } from './input';
import { collect, definedOnly, listPages, type PagingOptions, withPaging } from './options';
import { combineRules } from './policy-rules';
import { resolvePolicyId } from './resolve';

export const PRESETS = ['default', 'strict'] as const;

export const policyColumns: Column<Policy>[] = [
  { header: 'id', value: (p) => p.id },
  { header: 'name', value: (p) => p.name },
  { header: 'created', value: (p) => formatTime(p.createdAt) },
  { header: 'updated', value: (p) => formatTime(p.updatedAt) },
];

export function renderPolicy(policy: Policy): string {
  const rules = flatten(policy.rules).map(([path, value]): [string, string] => [path, formatValue(value)]);
  return renderRecord([
    ['id', policy.id],
    ['name', policy.name],
    ['created', formatTime(policy.createdAt)],
    ['updated', formatTime(policy.updatedAt)],
    ...rules,
  ]);
}

/** One row per rule, one column per preset: the presets side by side. */
export function renderPresets(presets: PolicyPresets): string {
  const names = Object.keys(presets);
  const values = new Map<string, Map<string, unknown>>();
  for (const name of names) {
    for (const [path, value] of flatten(presets[name])) {
      const row = values.get(path) ?? new Map<string, unknown>();
      row.set(name, value);
      values.set(path, row);
    }
  }
  const columns: Column<[string, Map<string, unknown>]>[] = [
    { header: 'rule', value: ([path]) => path },
    ...names.map((name) => ({
      header: name,
      value: ([, row]: [string, Map<string, unknown>]) => formatValue(row.get(name)),
    })),
  ];
  return renderTable([...values.entries()], columns);
}

interface RulesOptions {
  rules?: string;
  set?: string[];
}

async function rulesOf(options: RulesOptions): Promise<JsonObject | undefined> {
  const fromFile = options.rules === undefined ? undefined : await readJsonObjectFile(options.rules, 'rules file');
  return combineRules(fromFile, options.set);
}

function withRules(command: Command, over: string): Command {
  return command
    .option('--rules <file.json>', `partial rules (JSON) laid over ${over}`)
    .option(
      '--set <path=value>',
      'one rule, e.g. signals.proxy=reject or tokenLifetimeSeconds=600 (repeatable)',
      collect,
    );
}

export function policyCommands(program: Command, cli: CliContext): void {
  const policy = program
    .command('policy')
    .description('security policies: which evidence is required and what device signals cost');

  policy
    .command('presets')
    .description('show the built-in default and strict rules')
    .action(async () => {
      const client = await cli.client();
      cli.printer.answer(await client.policyPresets(), renderPresets);
    });

  withPaging(policy.command('list').description('list policies')).action(async (options: PagingOptions) => {
    const client = await cli.client();
    cli.printer.page(await listPages(options, (q) => client.listPolicies(q)), policyColumns, 'policies');
  });

  policy
    .command('show')
    .description('show a policy and its rules')
    .argument('<policy>', 'policy id or name')
    .action(async (ref: string) => {
      const client = await cli.client();
      cli.printer.answer(await client.getPolicy(await resolvePolicyId(client, ref)), renderPolicy);
    });

  withRules(
    policy
      .command('add')
      .description('create a policy from a preset, with changes (admin)')
      .argument('<name>', 'unique name (1-100 characters)')
      .addOption(new Option('--preset <preset>', 'the rules to start from (default: default)').choices(PRESETS)),
    'the preset',
  )
    .addHelpText('after', '\nExample:\n  tessera policy add payments --preset strict --set signals.proxy=monitor')
    .action(async (name: string, options: RulesOptions & { preset?: string }) => {
      const rules = await rulesOf(options);
      const client = await cli.client();
      cli.printer.answer(await client.createPolicy(definedOnly({ name, preset: options.preset, rules })), renderPolicy);
    });

  withRules(
    policy
      .command('update')
      .description('rename a policy or change some of its rules (admin)')
      .argument('<policy>', 'policy id or name')
      .option('--name <name>', 'the new name'),
    'the current rules',
  ).action(async (ref: string, options: RulesOptions & { name?: string }) => {
    const rules = await rulesOf(options);
    if (options.name === undefined && rules === undefined) throw new UsageError('give --name, --rules or --set');
    const client = await cli.client();
    const id = await resolvePolicyId(client, ref);
    cli.printer.answer(await client.updatePolicy(id, definedOnly({ name: options.name, rules })), renderPolicy);
  });

  policy
    .command('remove')
    .description('delete a policy (admin; refused while an app uses it)')
    .argument('<policy>', 'policy id or name')
    .action(async (ref: string) => {
      const client = await cli.client();
      const id = await resolvePolicyId(client, ref);
      await client.deletePolicy(id);
      cli.printer.result({ id, removed: true }, `removed policy ${id}`);
    });
}
