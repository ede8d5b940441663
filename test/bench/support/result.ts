/** The shape every scenario returns: its figures and its comparisons with a reference. */

/** One Sluice figure next to the reference's figure for the same thing. */
export interface Comparison {
  figure: string;
  sluice: number;
  reference: number;
  /** sluice / reference */
  ratio: number;
}

export interface ScenarioResult {
  scenario: string;
  /** The headline ratios (docs/benchmarks.md's summary table). */
  comparisons: Comparison[];
  /** Every other figure, flat (one table row each). */
  [figure: string]: unknown;
}

export const round = (n: number, digits: number) => Number(n.toFixed(digits));

/** A comparison; the ratio has 3 significant digits. */
export function compare(figure: string, sluice: number, reference: number): Comparison {
  return { figure, sluice, reference, ratio: Number((sluice / reference).toPrecision(3)) };
}

/** `{a: 1}` → `{"large.a": 1}`: one side's figures in a flat result. */
export function prefixed(prefix: string, figures: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${prefix}.${k}`, v]));
}

/** A scenario that cannot measure on this machine says why instead of giving figures. */
export interface Skipped {
  scenario: string;
  skipped: string;
}
