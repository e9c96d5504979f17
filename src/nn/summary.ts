// The text table of a model's layers, as Keras prints it (Model.summary).
import { showDims, type Graph } from './graph';
import { InputLayer } from './layers/input';
import type { Layer } from './layers/layer';

/**
 * The layers (with their activation or rate), their output shapes and parameter counts, and the total (and, where
 * some weights are not trainable, the trainable and non-trainable counts); a graph
 * that is not a chain also lists its input layers and what each layer is connected to. A shared layer's parameters
 * count once.
 */
export function summaryOf(graph: Graph | null): string {
  const chain = !graph || graph.nodes.every((n, i) => n.args.length === (i === 0 ? 0 : 1) && (i === 0 || n.args[0] === i - 1));
  const nodes = graph ? graph.nodes.filter((n) => chain ? !(n.layer instanceof InputLayer) : true) : [];
  const counted = new Set<Layer>();
  const rows = nodes.map((n) => {
    const { layer } = n, detail = layer.detail;
    const params = counted.has(layer) ? 0 : layer.parameterCount;
    counted.add(layer);
    const row = [`${n.call.output.label} (${layer.className}${detail ? `, ${detail}` : ''})`, showDims(n.dims), String(params)];
    return chain ? row : [...row, n.args.map((a) => graph!.nodes[a].call.output.label).join(', ')];
  });
  const total = (graph?.layers ?? []).reduce((sum, layer) => sum + layer.parameterCount, 0);
  const table = [['Layer (type)', 'Output shape', 'Param #', ...(chain ? [] : ['Connected to'])], ...rows];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('   ').trimEnd();
  const rule = '_'.repeat(widths.reduce((a, b) => a + b + 3, -3));
  // As Keras, the weights no optimizer updates (moving statistics) counted apart, when there are any.
  const fixed = (graph?.layers ?? []).reduce((sum, layer) => sum + layer.nonTrainableWeights.reduce((s, w) => s + w.size, 0), 0);
  const totals = [`Total params: ${total}`, ...(fixed > 0 ? [`Trainable params: ${total - fixed}`, `Non-trainable params: ${fixed}`] : [])];
  return [rule, line(table[0]), '='.repeat(rule.length), ...rows.map(line), '='.repeat(rule.length), ...totals].join('\n');
}
