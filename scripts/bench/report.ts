/** What a figure is held to: its ratio to the baseline (ours / baseline), or an absolute bound. */
export type Goal = { ratioAtLeast: number } | { ratioAtMost: number } | { below: number; unit: string }

/** One measured figure of a scenario, next to the same figure of its baseline. */
export interface Figure {
  scenario: string
  measure: string
  ours: number
  baseline?: number
  /** Decimals shown. */
  digits: number
  goal?: Goal
}

const ratioOf = (figure: Figure) =>
  figure.baseline === undefined || figure.baseline === 0 ? undefined : figure.ours / figure.baseline

export function verdict(figure: Figure): { goal: string; met: boolean } | undefined {
  const { goal } = figure
  if (!goal) return undefined
  const ratio = ratioOf(figure)
  if ('below' in goal) return { goal: `< ${goal.below} ${goal.unit}`, met: figure.ours < goal.below }
  if ('ratioAtLeast' in goal)
    return { goal: `ratio ≥ ${goal.ratioAtLeast}`, met: ratio !== undefined && ratio >= goal.ratioAtLeast }
  return { goal: `ratio ≤ ${goal.ratioAtMost}`, met: ratio !== undefined && ratio <= goal.ratioAtMost }
}

/** The results as an aligned text table, one figure a line. */
export function formatTable(figures: Figure[], failures: { scenario: string; error: string }[]): string {
  const rows = [['scenario', 'measure', 'ours', 'baseline', 'ratio', 'goal', '']]
  for (const figure of figures) {
    const ratio = ratioOf(figure)
    const checked = verdict(figure)
    rows.push([
      figure.scenario,
      figure.measure,
      figure.ours.toFixed(figure.digits),
      figure.baseline?.toFixed(figure.digits) ?? '—',
      ratio?.toFixed(2) ?? '—',
      checked?.goal ?? '',
      checked ? (checked.met ? 'met' : 'NOT met') : '',
    ])
  }
  for (const failure of failures) rows.push([failure.scenario, 'FAILED', failure.error, '', '', '', ''])
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
