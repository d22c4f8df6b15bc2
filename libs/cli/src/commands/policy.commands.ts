import { PRESET_NAMES, type PresetName } from '@tessera/policy';
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

/** One row per rule, one column per preset: the presets side by side, then what each is for. */
export function renderPresets(presets: PolicyPresets): string {
  const values = new Map<string, Map<string, unknown>>();
  for (const preset of presets.items) {
    for (const [path, value] of flatten(preset.rules)) {
      const row = values.get(path) ?? new Map<string, unknown>();
      row.set(preset.name, value);
      values.set(path, row);
    }
  }
  const columns: Column<[string, Map<string, unknown>]>[] = [
    { header: 'rule', value: ([path]) => path },
    ...presets.items.map(({ name }) => ({
      header: name,
      value: ([, row]: [string, Map<string, unknown>]) => formatValue(row.get(name)),
    })),
  ];
  const descriptions = renderRecord(presets.items.map((preset): [string, string] => [preset.name, preset.description]));
  return `${renderTable([...values.entries()], columns)}\n\n${descriptions}`;
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
    .description('show the built-in rule sets a policy starts from (default and strict), side by side')
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
      .addOption(new Option('--preset <preset>', 'the rules to start from (default: default)').choices(PRESET_NAMES)),
    'the preset',
  )
    .addHelpText('after', '\nExample:\n  tessera policy add payments --preset strict --set signals.proxy=monitor')
    .action(async (name: string, options: RulesOptions & { preset?: PresetName }) => {
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
