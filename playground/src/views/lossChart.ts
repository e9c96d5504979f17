// The training and validation (test rows) loss curves as SVG, against the step.
import type { Snapshot } from '../protocol';

const W = 420, H = 200, L = 44, R = 10, T = 12, B = 30;

export function drawLossChart(box: HTMLElement, history: Snapshot['history']): void {
  const { steps, loss, valLoss } = history;
  const finite = [...loss, ...valLoss].filter(Number.isFinite);
  const top = Math.max(1e-6, ...finite), last = Math.max(1, steps.at(-1) ?? 1);
  const x = (s: number) => L + (s / last) * (W - L - R);
  const y = (v: number) => T + (1 - Math.min(v, top) / top) * (H - T - B);
  const path = (values: number[]) => values.map((v, i) => (Number.isFinite(v) ? `${i ? 'L' : 'M'}${x(steps[i]).toFixed(1)},${y(v).toFixed(1)}` : '')).join('');
  const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));
  box.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Loss curves: training ${fmt(loss.at(-1))}, validation ${fmt(valLoss.at(-1))} at step ${steps.at(-1) ?? 0}">
    <line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" class="axis"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" class="axis"/>
    <text x="${L - 4}" y="${T + 4}" text-anchor="end" class="tick">${top.toPrecision(2)}</text>
    <text x="${L - 4}" y="${H - B}" text-anchor="end" class="tick">0</text>
    <text x="${W - R}" y="${H - 8}" text-anchor="end" class="tick">step ${last}</text>
    <path d="${path(loss)}" class="curve train"/><path d="${path(valLoss)}" class="curve val"/>
  </svg>
  <p class="legend"><span class="swatch train"></span> training ${fmt(loss.at(-1))} <span class="swatch val"></span> validation (test rows) ${fmt(valLoss.at(-1))}</p>`;
}
