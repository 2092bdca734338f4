import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { renderTearsheet } from './render-tearsheet.js';
import type { RenderTearsheetOptions, TearsheetInput } from './tearsheet-input.js';

/**
 * Renders the tearsheet and writes it to `path` atomically: the HTML goes to a temporary file in the same
 * directory (so the rename stays on one filesystem) and is then renamed over `path`, so a reader never sees
 * a half-written page. The directory must exist. Returns the number of bytes written.
 */
export async function writeTearsheet(
  path: string,
  input: TearsheetInput,
  options: RenderTearsheetOptions = {},
): Promise<number> {
  const html = renderTearsheet(input, options);
  const temporaryPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporaryPath, html, 'utf8');
    await rename(temporaryPath, path);
  } catch (error) {
    await rm(temporaryPath, { force: true });
    throw error;
  }
  return Buffer.byteLength(html, 'utf8');
}
