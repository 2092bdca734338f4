const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const numberFormats = new Map<string, Intl.NumberFormat>();

/** `1,234`: fixed en-US grouping so the page is identical whatever the machine's locale. */
export function formatInteger(value: number): string {
  return integerFormat.format(value);
}

/** Fixed en-US formatting so the same input always renders the same bytes; non-finite values show `—`. */
export function formatNumber(
  value: number | null | undefined,
  minimumFractionDigits: number,
  maximumFractionDigits: number,
): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const key = `${minimumFractionDigits}:${maximumFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits, maximumFractionDigits });
    numberFormats.set(key, format);
  }
  return format.format(value);
}

/** A fraction as a percentage with two decimals: `0.0125` -> `1.25%`. */
export function formatPercent(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? `${formatNumber(value * 100, 2, 2)}%` : '—';
}
