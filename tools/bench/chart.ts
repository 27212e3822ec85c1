interface ChartInput {
  fixedRate: { achievedPerSecond: number; latencyMs: { p50: number; p99: number; max: number } };
  fullSpeed: { actionsPerSecond: number; latencyMs: { p50: number; p99: number; max: number } };
  backlogDrain: { actionsPerSecond: number };
  ceilings: { consumeOnlyPerSecond: number; rawInsertRowsPerSecond: number };
}

/** A self-contained SVG of the run: throughput against its ceilings, and latency percentiles. */
export function renderChart(report: ChartInput): string {
  const throughput: [string, number][] = [
    ['Tally end to end', report.fullSpeed.actionsPerSecond],
    ['Tally, restart + drain', report.backlogDrain.actionsPerSecond],
    ['kafkajs consume-only', report.ceilings.consumeOnlyPerSecond],
    ['raw multi-row INSERT', report.ceilings.rawInsertRowsPerSecond],
  ];
  const latency: [string, number][] = [
    ['p50 @ fixed rate', report.fixedRate.latencyMs.p50],
    ['p99 @ fixed rate', report.fixedRate.latencyMs.p99],
    ['max @ fixed rate', report.fixedRate.latencyMs.max],
    ['p99 @ full speed', report.fullSpeed.latencyMs.p99],
  ];
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="360" font-family="sans-serif" font-size="13">',
    '<rect width="760" height="360" fill="#fff"/>',
    '<text x="20" y="28" font-size="16" font-weight="bold">Tally end-to-end benchmark (2 cores, Kafka + PostgreSQL on the same machine)</text>',
    bars('Throughput (per second)', throughput, 20, 50, '#3b6fd8'),
    bars('Publish → balance visible (ms)', latency, 20, 218, '#d8833b'),
    '</svg>',
  ].join('\n');
}

function bars(
  title: string,
  rows: [string, number][],
  x: number,
  y: number,
  color: string,
): string {
  const max = Math.max(...rows.map(([, value]) => value), 1);
  const width = 420;
  const parts = [`<text x="${x}" y="${y}" font-weight="bold">${title}</text>`];
  rows.forEach(([label, value], index) => {
    const top = y + 12 + index * 28;
    const length = Math.max(2, Math.round((value / max) * width));
    parts.push(`<text x="${x}" y="${top + 15}">${label}</text>`);
    parts.push(`<rect x="${x + 170}" y="${top}" width="${length}" height="20" fill="${color}"/>`);
    parts.push(
      `<text x="${x + 176 + length}" y="${top + 15}">${Math.round(value).toLocaleString('en-US')}</text>`,
    );
  });
  return parts.join('\n');
}
