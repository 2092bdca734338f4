import { existsSync } from 'node:fs';
import type { DecodedRecord } from '@lb/dbn';
import type { Command } from 'commander';
import { loadDbn } from './optional-package.js';
import type { CliIo } from './program.js';
import { UsageError } from './program.js';

interface DecodeFlags {
  json?: boolean;
  upgrade?: boolean;
  metadata?: boolean;
  fragment?: boolean;
}

/**
 * Registers `lb dbn decode <file>`: prints a `.dbn` / `.dbn.zst` file as a table, or with `--json` exactly
 * as the official `dbn FILE --json` does (same flags: --upgrade, --metadata, --fragment).
 */
export function registerDbnCommand(program: Command, io: CliIo): void {
  const dbn = program.command('dbn').description('Databento Binary Encoding (DBN) files');
  dbn
    .command('decode')
    .description('Decode a .dbn or .dbn.zst file')
    .argument('<file>', 'path to a .dbn, .dbn.zst, .dbn.frag or .dbn.frag.zst file')
    .option('--json', 'print JSON Lines identical to `dbn FILE --json`')
    .option('--upgrade', 'upgrade v1/v2 records and metadata to v3')
    .option('--metadata', 'print only the metadata')
    .option('--fragment', 'the file has no metadata header')
    .action(async (file: string, flags: DecodeFlags) => {
      if (!existsSync(file)) throw new UsageError(`file not found: ${file}`);
      if (flags.metadata && flags.fragment) {
        throw new UsageError('--metadata and --fragment conflict: a fragment has no metadata');
      }
      if (flags.json) {
        const { renderDbnJson } = await loadDbn();
        for await (const text of renderDbnJson(file, flags)) io.stdout(text);
        return;
      }
      await printTable(file, flags, io);
    });
}

const MAX_COLUMN_WIDTH = 24;

/** A readable table: one row per record, a header row per layout change, columns padded per block. */
async function printTable(file: string, flags: DecodeFlags, io: CliIo): Promise<void> {
  const { openDbnStream } = await loadDbn();
  const stream = await openDbnStream(file, { upgrade: flags.upgrade, fragment: flags.fragment });
  if (stream.metadata !== undefined) {
    const metadata = stream.metadata;
    io.stdout(
      `DBN v${metadata.version} ${metadata.dataset} ${metadata.schema ?? 'mixed'} ` +
        `symbols=${metadata.symbols.join(',') || '-'} start=${metadata.startNanos} end=${metadata.endNanos ?? '-'}\n`,
    );
  }
  if (flags.metadata) {
    await stream.close();
    return;
  }
  let count = 0;
  for await (const batch of stream.decodedBatches()) {
    let index = 0;
    while (index < batch.length) {
      // Group consecutive records of one layout so each group shares a header row.
      const layout = batch[index]!.layout;
      let end = index;
      while (end < batch.length && batch[end]!.layout === layout) end++;
      io.stdout(formatBlock(batch.slice(index, end)));
      count += end - index;
      index = end;
    }
  }
  io.stdout(`${count} records\n`);
}

function formatBlock(block: DecodedRecord[]): string {
  const layout = block[0]!.layout;
  const columns = ['ts_event', 'rtype', 'publisher_id', 'instrument_id'];
  for (const field of layout.fields) if (field.kind !== 'header') columns.push(field.name);
  const rows = block.map((decoded) => {
    const record = decoded.record as unknown as Record<string, unknown>;
    return columns.map((name) => {
      const property = name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
      return cellText(record[property]);
    });
  });
  const widths = columns.map((name, column) =>
    Math.min(MAX_COLUMN_WIDTH, Math.max(name.length, ...rows.map((row) => row[column]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.slice(0, MAX_COLUMN_WIDTH).padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return `${[line(columns), ...rows.map(line)].join('\n')}\n`;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) {
    const first = value[0] as { bidPx?: bigint; askPx?: bigint } | undefined;
    return first ? `${first.bidPx}/${first.askPx}${value.length > 1 ? ` (+${value.length - 1})` : ''}` : '[]';
  }
  return String(value);
}
