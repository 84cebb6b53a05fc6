import { FONT_STACK } from '../font.js';
import { measureText } from './metrics.js';

/*
 * Pie labels that fit: the labels sit outside the pie, at the end of a leader line, so the
 * pie's radius is what the plot leaves after the widest label on each slice's side. When
 * labels on one line leave too small a pie, they go on two lines, then (when the legend names
 * the slices) to the amount alone, rather than being cut short.
 */

/** How slice labels are written: `name 12.5%`, on two lines, the amount alone, or the name. */
export type LabelForm = 'line' | 'lines' | 'amount' | 'name' | 'none';

/** A label's text in a form; `amount` is the formatted value or percentage. */
export function labelText(form: LabelForm, name: string, amount: string): string {
  if (form === 'line') return `${name} ${amount}`;
  if (form === 'lines') return `${name}\n${amount}`;
  if (form === 'amount') return amount;
  return form === 'name' ? name : '';
}

/** Smallest pie radius labels may leave, as a share of the largest the plot allows. */
const MIN_RADIUS_SHARE = 0.6;
/**
 * Width a label needs besides its text, px: the gap between leader line and text (5) and the
 * margin ECharts keeps from the plot edge (`bleedMargin`, 10), both ECharts' defaults, and 2
 * for rounding.
 */
const TEXT_GAP = 5 + 10 + 2;

export interface PieSlice {
  readonly name: string;
  readonly value: number;
  /** The formatted value or percentage the label writes. */
  readonly amount: string;
}

export interface PieFit {
  /** The plot the pie and its labels share, px. */
  readonly width: number;
  readonly height: number;
  readonly fontSize: number;
  /** The two parts of the leader line (radial, then horizontal), px. */
  readonly leader: readonly [number, number];
  /** Whether a legend names the slices (the labels may then drop the names). */
  readonly legend: boolean;
  /** Degrees of the first slice's start, counted anticlockwise from 3 o'clock. */
  readonly startAngle: number;
}

/**
 * The form of the labels and the pie's outer radius: the first form (one line, two lines,
 * the amount alone) that leaves the pie at least 60% of the radius it could have; else the
 * form leaving the largest pie. `labels: name` has one form; `none` leaves the whole plot.
 */
export function fitPieLabels(
  labels: 'percent' | 'value' | 'name' | 'none',
  slices: readonly PieSlice[],
  fit: PieFit,
): { form: LabelForm; radius: number } {
  const vertical = (lines: number) => fit.height / 2 - lines * fit.fontSize;
  if (labels === 'none')
    return { form: 'none', radius: Math.max(16, Math.min(fit.width / 2, fit.height / 2)) };
  const forms: LabelForm[] =
    labels === 'name' ? ['name'] : ['line', 'lines', ...(fit.legend ? ['amount' as const] : [])];
  const largest = Math.max(16, Math.min(fit.width, fit.height) / 2 - fit.fontSize);
  const enough = Math.max(16, largest * MIN_RADIUS_SHARE);
  const font = `${fit.fontSize}px ${FONT_STACK}`;
  const total = slices.reduce((s, d) => s + d.value, 0) || 1;
  let best = { form: forms[0] ?? ('name' as LabelForm), radius: Number.NEGATIVE_INFINITY };
  for (const form of forms) {
    let radius = vertical(form === 'lines' ? 2 : 1);
    let before = 0;
    for (const s of slices) {
      // Slices run clockwise from the start angle; the label sits at the slice's middle.
      const middle = ((fit.startAngle - (360 * (before + s.value / 2)) / total) * Math.PI) / 180;
      before += s.value;
      const across = Math.abs(Math.cos(middle));
      if (across < 0.05) continue;
      const text = labelText(form, s.name, s.amount);
      const width = Math.max(...text.split('\n').map((l) => measureText(l, font).width));
      const [radial, flat] = fit.leader;
      radius = Math.min(radius, (fit.width / 2 - flat - TEXT_GAP - width) / across - radial);
    }
    if (radius >= enough) return { form, radius };
    if (radius > best.radius) best = { form, radius };
  }
  return { form: best.form, radius: Math.max(16, best.radius) };
}
