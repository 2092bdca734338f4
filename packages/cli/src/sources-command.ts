import type { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { discoverSources, type SourceDiscovery } from './source-discovery.js';

/** `lb sources`' listing: one block per installed source, then the known ones to add, then problems. */
export function formatSourceListing(discovery: SourceDiscovery): string {
  const lines: string[] = [];
  for (const { packageName, descriptor } of discovery.installed) {
    lines.push(`${descriptor.name} (${packageName}): ${descriptor.description}`);
    for (const variable of descriptor.environmentVariables) {
      const flags = [variable.required ? 'required' : '', variable.secret ? 'secret' : ''].filter(Boolean);
      lines.push(
        `  ${variable.name}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}: ${variable.description}`,
      );
    }
  }
  for (const known of discovery.missing) {
    lines.push(`${known.name}: not installed (add ${known.packageName})`);
  }
  for (const problem of discovery.problems) lines.push(`warning: ${problem}`);
  return `${lines.join('\n')}\n`;
}

/** Registers `lb sources`: the data sources `--data-source` accepts in this project. */
export function registerSourcesCommand(program: Command, io: CliIo): void {
  program
    .command('sources')
    .description(
      'List the data sources --data-source accepts: installed @lb sources and lb-source-* packages of this project',
    )
    .action(async () => {
      io.stdout(formatSourceListing(await discoverSources(process.cwd())));
    });
}
