import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's browser build and stylesheet, read from the installed `uplot` package. */
export interface UplotAssets {
  script: string;
  css: string;
  version: string;
}

let cachedAssets: UplotAssets | undefined;

/**
 * Reads uPlot from node_modules once per process. Resolved relative to this module (not the working
 * directory) so it works from the workspace, from `dist/`, and when @lb/tearsheet is installed from npm,
 * where `uplot` is a regular dependency. The IIFE build defines a global `uPlot`, which suits an inline
 * `<script>` with no module loader.
 */
export function loadUplotAssets(): UplotAssets {
  if (cachedAssets) return cachedAssets;
  const require = createRequire(import.meta.url);
  const read = (specifier: string) => readFileSync(require.resolve(specifier), 'utf8');
  const packageJson = JSON.parse(read('uplot/package.json')) as { version: string };
  cachedAssets = {
    script: read('uplot/dist/uPlot.iife.min.js'),
    css: read('uplot/dist/uPlot.min.css'),
    version: packageJson.version,
  };
  return cachedAssets;
}
