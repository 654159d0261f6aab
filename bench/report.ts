/** One printed figure of `npm run bench`. */
export interface BenchRow {
  name: string;
  value: number | string;
  unit: string;
  goal?: string;
  ok?: boolean;
}

export function printRows(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    const value = typeof r.value === 'number' ? r.value.toLocaleString('en-US') : r.value;
    const verdict = r.ok === undefined ? '' : r.ok ? '  ✓' : '  ✗ (misses the goal)';
    console.log(`  ${r.name.padEnd(width)}  ${value} ${r.unit}${r.goal ? `   goal ${r.goal}` : ''}${verdict}`);
  }
}
