// The forward-pass panel: for the chosen sample, one section per layer with its matrix form
// X[1×in]·W[in×out] + b[out] = Z[1×out] → activation → A, the numbers of each matrix, and per node
// inputs × weights + bias = weighted sum → activation = output. Each node carries its full-precision numbers in
// data-* attributes (inputs, weights, bias, sum, output) for checking.
import type { ForwardLayer, Snapshot } from '../protocol';

const f = (v: number): string => (Object.is(v, -0) ? '0.000' : v.toFixed(3));
const p = (v: number): string => (v < 0 ? `(${f(v)})` : f(v));

function matrix(name: string, rows: number[][]): string {
  return `<table class="matrix" aria-label="${name}"><caption>${name}</caption>${rows.map((r) =>
    `<tr>${r.map((v) => `<td>${f(v)}</td>`).join('')}</tr>`).join('')}</table>`;
}

function nodeText(layer: ForwardLayer, j: number): string {
  const terms = layer.input.map((x, i) => `${p(x)}×${p(layer.kernel[i][j])}`).join(' + ');
  const act = layer.activation === 'softmax' ? `softmax(Z)<sub>${j + 1}</sub>` : `${layer.activation}(${f(layer.sums[j])})`;
  return `${terms} + ${p(layer.bias[j])} = <b>${f(layer.sums[j])}</b> → ${act} = <b>${f(layer.outputs[j])}</b>`;
}

export function renderForward(box: HTMLElement, forward: Snapshot['forward'], names: string[],
  selected: { layer: number; node: number } | null, current: number): void {
  if (!forward) {
    box.innerHTML = '<p class="muted">Choose a sample row above, then select a node in the graph or step through the layers.</p>';
    return;
  }
  const count = forward.layers.length;
  box.innerHTML = `<p class="sample">Sample: ${forward.split} row ${forward.index}, inputs ${forward.layers[0].input.map((v, i) =>
    `${names[i] ?? `x${i + 1}`} = ${f(v)}`).join(', ')}</p>` + forward.layers.map((layer, l) => {
    const n = layer.input.length, m = layer.sums.length, index = l + 1;
    const kind = index === count ? 'output layer' : `hidden layer ${index}`;
    const nodes = layer.sums.map((sum, j) => {
      const isSelected = selected?.layer === index && selected.node === j;
      return `<li class="fw-node${isSelected ? ' selected' : ''}" data-layer="${index}" data-node="${j}"
        data-inputs="${JSON.stringify(layer.input)}" data-weights="${JSON.stringify(layer.kernel.map((r) => r[j]))}"
        data-bias="${layer.bias[j]}" data-sum="${sum}" data-output="${layer.outputs[j]}" data-activation="${layer.activation}">
        <span class="node-name">node ${j + 1}</span> ${nodeText(layer, j)}</li>`;
    }).join('');
    return `<section class="fw-layer${index === current ? ' current' : ''}" data-layer="${index}" id="fw-layer-${index}"
      aria-label="Layer ${index} of ${count}: ${kind}">
      <h3>Layer ${index} of ${count}: ${kind} (${layer.activation})</h3>
      <p class="matrix-form">X[1×${n}] · W[${n}×${m}] + b[${m}] = Z[1×${m}] → ${layer.activation} → A[1×${m}]</p>
      <div class="matrices">${matrix(`X [1×${n}]`, [layer.input])}${matrix(`W [${n}×${m}]`, layer.kernel)}${matrix(`b [${m}]`, [layer.bias])}
        ${matrix(`Z [1×${m}]`, [layer.sums])}${matrix(`A [1×${m}]`, [layer.outputs])}</div>
      <ol class="fw-nodes">${nodes}</ol>
    </section>`;
  }).join('');
}
