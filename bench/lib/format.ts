/** Numbers, ratios and tables as the benches print them. */

/** en-US grouping; `minDigits` below `digits` drops trailing zeros. */
export function fmt(value: number, digits = 0, minDigits = digits): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: minDigits, maximumFractionDigits: digits });
}

export function fmtRatio(value: number): string {
  return `${value.toFixed(value >= 10 ? 1 : 2)}x`;
}

/** fmtRatio, or "n/a" when a side was zero or missing. */
export function fmtRatioOrNa(value: number): string {
  return Number.isFinite(value) ? fmtRatio(value) : 'n/a';
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Aligned columns: the first left-aligned, the others right-aligned; every line indented. */
export function table(header: string[], rows: string[][], indent = '  '): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [render(header), ...rows.map(render)].map((line) => `${indent}${line}`).join('\n');
}
