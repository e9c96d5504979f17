// The network graph as SVG: a column of nodes per layer, an edge per weight, coloured by sign (blue positive, orange
// negative) and sized by magnitude, updated in place while training runs. Nodes are focusable buttons: Enter or
// Space (or a click) selects one for the forward-pass panel.
import type { Snapshot } from '../protocol';

const SVG = 'http://www.w3.org/2000/svg';
const COLUMN = 150, ROW = 46, RADIUS = 15, PAD = 28;

export interface GraphSelection { layer: number; node: number }

const el = (name: string, attrs: Record<string, string | number>): SVGElement => {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

export class GraphView {
  private svg: SVGSVGElement | null = null;
  private edges: SVGElement[][][] = [];
  private nodes: SVGElement[][] = [];

  constructor(private readonly box: HTMLElement, private readonly onSelect: (s: GraphSelection) => void) {}

  /** Draws the structure: `sizes` = [inputs, units of each layer]; `names` label the inputs. */
  build(sizes: number[], names: string[], activations: string[]): void {
    const tallest = Math.max(...sizes);
    const width = PAD * 2 + COLUMN * (sizes.length - 1), height = PAD * 2 + ROW * (tallest - 1) + 16;
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': 'Network graph' }) as SVGSVGElement;
    const at = (l: number, j: number) => ({ x: PAD + l * COLUMN, y: PAD + (tallest - sizes[l]) * ROW / 2 + j * ROW });
    this.edges = sizes.slice(1).map((out, l) => Array.from({ length: sizes[l] }, (_, i) => Array.from({ length: out }, (_, j) => {
      const a = at(l, i), b = at(l + 1, j);
      const line = el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, class: 'edge' });
      svg.append(line);
      return line;
    })));
    this.nodes = sizes.map((n, l) => Array.from({ length: n }, (_, j) => {
      const p = at(l, j);
      const last = l === sizes.length - 1;
      const label = l === 0 ? `Input ${names[j] ?? j + 1}` : `${last ? 'Output' : `Hidden layer ${l}`} node ${j + 1} (${activations[l - 1]})`;
      const g = el('g', { class: l === 0 ? 'node input' : 'node', tabindex: l === 0 ? -1 : 0, role: l === 0 ? 'img' : 'button',
        'aria-label': label, 'data-layer': l, 'data-node': j, transform: `translate(${p.x} ${p.y})` });
      g.append(el('circle', { r: RADIUS }));
      const text = el('text', { 'text-anchor': 'middle', dy: 4 });
      text.textContent = l === 0 ? (names[j] ?? `x${j + 1}`).slice(0, 4) : `${j + 1}`;
      const value = el('text', { class: 'value', 'text-anchor': 'middle', dy: RADIUS + 12 });
      g.append(text, value);
      if (l > 0) {
        const select = () => this.onSelect({ layer: l, node: j });
        g.addEventListener('click', select);
        g.addEventListener('keydown', (e) => {
          const key = (e as KeyboardEvent).key;
          if (key === 'Enter' || key === ' ') { e.preventDefault(); select(); }
        });
      }
      svg.append(g);
      return g;
    }));
    this.box.replaceChildren(svg);
    this.svg = svg;
  }

  /** Edge colours and widths from the weights; node values from the chosen sample's forward pass. */
  update(snapshot: Snapshot, selected: GraphSelection | null): void {
    if (!this.svg) return;
    snapshot.weights.forEach(({ kernel }, l) => kernel.forEach((row, i) => row.forEach((w, j) => {
      const line = this.edges[l]?.[i]?.[j];
      if (!line) return;
      line.style.stroke = w >= 0 ? '#2b6cb0' : '#dd6b20';
      line.style.strokeWidth = Math.min(0.5 + Math.abs(w) * 2, 7).toFixed(2);
      line.style.strokeOpacity = Math.min(0.25 + Math.abs(w) / 2, 0.95).toFixed(2);
    })));
    this.svg.dataset.weights = JSON.stringify(snapshot.weights);
    const layers = snapshot.forward?.layers;
    this.nodes.forEach((column, l) => column.forEach((g, j) => {
      const v = l === 0 ? layers?.[0]?.input[j] : layers?.[l - 1]?.outputs[j];
      (g.lastChild as SVGElement).textContent = v === undefined ? '' : v.toFixed(2);
      g.classList.toggle('selected', selected?.layer === l && selected.node === j);
      g.classList.toggle('active-layer', selected?.layer === l);
    }));
  }

  focus(s: GraphSelection): void {
    (this.nodes[s.layer]?.[s.node] as unknown as HTMLElement | undefined)?.focus();
  }
}
