// The page: settings in, a training worker running simdeep, and the views (graph, heatmap, loss curves, forward
// pass) redrawn from the worker's snapshots. `window.playground` is a debugging hook: the latest snapshot, data and
// settings, as the tests read them.
import { loadCsv, readSettings, renderHiddenLayers, syncLoss } from './controls';
import type { DataView, FromWorker, Settings, Snapshot, ToWorker } from './protocol';
import { GraphView, type GraphSelection } from './views/graph';
import { drawHeatmap } from './views/heatmap';
import { drawLossChart } from './views/lossChart';
import { renderForward } from './views/forward';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (message: ToWorker): void => worker.postMessage(message);

const state = {
  settings: null as Settings | null,
  data: null as DataView | null,
  layers: [] as { units: number; activation: string }[],
  snapshot: null as Snapshot | null,
  selected: null as GraphSelection | null,
  current: 1,
  threads: '',
  error: '',
};

const graph = new GraphView($('graph'), (s) => selectNode(s));

function setStatus(text: string): void {
  if ($('status').textContent !== text) $('status').textContent = text;
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–';
}

function render(): void {
  const s = state.snapshot;
  if (!s) return;
  const status = $('status'), metrics = $('metrics');
  status.dataset.step = String(s.step);
  status.dataset.running = String(s.running);
  if (!state.error) setStatus(s.running ? 'Training…' : s.step === 0 ? 'Ready. Press Start or Step.' : `Paused at step ${s.step} (epoch ${s.epoch}).`);
  const loss = s.history.loss.at(-1) ?? NaN, val = s.history.valLoss.at(-1) ?? NaN;
  Object.assign(metrics.dataset, { step: String(s.step), loss: String(loss), valLoss: String(val),
    trainAccuracy: String(s.trainAccuracy), testAccuracy: String(s.testAccuracy) });
  metrics.textContent = `Step ${s.step}, epoch ${s.epoch}. Loss: training ${loss.toFixed(4)}, validation ${val.toFixed(4)}. `
    + `Accuracy: training ${pct(s.trainAccuracy)}, test ${pct(s.testAccuracy)}.`;
  ($('start') as HTMLButtonElement).disabled = s.running;
  ($('pause') as HTMLButtonElement).disabled = !s.running;
  graph.update(s, state.selected);
  drawHeatmap($('heatmap') as HTMLCanvasElement, state.data, s.heatmap);
  drawLossChart($('loss-chart'), s.history);
  renderForward($('forward'), s.forward, state.data?.features ?? [], state.selected, state.current);
}

function reset(): void {
  state.settings = readSettings();
  state.error = '';
  if (state.settings.dataset === 'csv' && !state.settings.csv) {
    setStatus('Drop a CSV file (or choose one) to train on it.');
    return;
  }
  send({ type: 'reset', settings: state.settings });
}

function requestForward(): void {
  const split = $<HTMLSelectElement>('sample-split').value as 'train' | 'test';
  const rows = state.data ? (split === 'train' ? state.data.xTrain : state.data.xTest).length : 1;
  const input = $<HTMLInputElement>('sample-index');
  input.max = String(Math.max(0, rows - 1));
  const index = Math.min(Math.max(0, Math.round(Number(input.value)) || 0), Math.max(0, rows - 1));
  input.value = String(index);
  send({ type: 'forward', split, index });
}

function showLayer(layer: number, scroll = true): void {
  const count = state.layers.length;
  state.current = Math.min(Math.max(1, layer), Math.max(1, count));
  if (!state.snapshot?.forward) requestForward();
  render();
  const section = document.getElementById(`fw-layer-${state.current}`);
  if (scroll) section?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

function selectNode(s: GraphSelection): void {
  state.selected = s;
  if (!state.snapshot?.forward) requestForward();
  showLayer(s.layer, false);
  document.querySelector(`.fw-node[data-layer="${s.layer}"][data-node="${s.node}"]`)?.scrollIntoView({ block: 'nearest' });
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.type === 'ready') {
    state.threads = m.threads;
    $('threads').textContent = `simdeep in a worker: ${m.threads}`;
    $('threads').dataset.isolated = String(m.isolated);
  } else if (m.type === 'data') {
    state.data = m.data;
    state.layers = m.layers;
    state.selected = null;
    state.current = 1;
    $('data-note').textContent = m.data.note;
    graph.build([m.data.features.length, ...m.layers.map((l) => l.units)], m.data.features, m.layers.map((l) => l.activation));
    requestForward();
  } else if (m.type === 'snapshot') {
    state.snapshot = m.snapshot;
    render();
  } else {
    state.error = m.message;
    setStatus(`Error: ${m.message}`);
  }
};
worker.onerror = (event) => setStatus(`Error: the training worker failed (${event.message})`);

// Controls: any change of the settings resets the run with them, at once, so that a Start clicked right after an
// edit (whose change event fires as the field loses focus) reaches the worker after the reset.
$('settings').addEventListener('change', (event) => {
  const target = event.target as HTMLElement;
  if (target.id === 'layers') renderHiddenLayers(readSettings().hidden.length);
  if (target.id === 'output') syncLoss();
  if (target.id === 'dataset') {
    const dataset = ($('dataset') as HTMLSelectElement).value;
    $('csv-box').hidden = dataset !== 'csv';
    ($('samples') as HTMLInputElement).disabled = dataset === 'csv' || dataset === 'classic';
  }
  if (target.id === 'csv-file') return; // handled when the file is read
  reset();
});
$('settings').addEventListener('submit', (event) => event.preventDefault());
for (const [id, out, format] of [['noise', 'noise-value', (v: number) => String(v)], ['ratio', 'ratio-value', (v: number) => `${Math.round(v * 100)}%`]] as const) {
  $(id).addEventListener('input', () => { $(out).textContent = format(Number(($(id) as HTMLInputElement).value)); });
}

async function useCsv(file: File | undefined): Promise<void> {
  if (!file) return;
  try {
    await loadCsv(file);
    ($('dataset') as HTMLSelectElement).value = 'csv';
    $('csv-box').hidden = false;
    reset();
  } catch (error) {
    setStatus(`Error: ${(error as Error).message}`);
  }
}
$('csv-file').addEventListener('change', () => useCsv(($('csv-file') as HTMLInputElement).files?.[0]));
for (const target of [$('drop'), document.body]) {
  target.addEventListener('dragover', (e) => { e.preventDefault(); $('drop').classList.add('over'); });
  target.addEventListener('dragleave', () => $('drop').classList.remove('over'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    $('drop').classList.remove('over');
    useCsv((e as DragEvent).dataTransfer?.files[0]);
  });
}

$('start').addEventListener('click', () => send({ type: 'start' }));
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('step').addEventListener('click', () => send({ type: 'step' }));
$('reset').addEventListener('click', reset);
$('sample-split').addEventListener('change', requestForward);
$('sample-index').addEventListener('change', requestForward);
$('prev-layer').addEventListener('click', () => showLayer(state.current - 1));
$('next-layer').addEventListener('click', () => showLayer(state.current + 1));

// Scrolling the forward panel moves through the layers too: the layer section most in view is the current one.
const observer = new IntersectionObserver((entries) => {
  const seen = entries.filter((e) => e.isIntersecting).sort((a, b) => b.intersectionRatio - a.intersectionRatio)[0];
  const layer = Number((seen?.target as HTMLElement | undefined)?.dataset.layer);
  if (layer && layer !== state.current) {
    state.current = layer;
    document.querySelectorAll('.fw-layer').forEach((s) => s.classList.toggle('current', Number((s as HTMLElement).dataset.layer) === layer));
    document.querySelectorAll('#graph .node').forEach((n) => n.classList.toggle('active-layer', Number((n as SVGElement).dataset.layer) === layer));
  }
}, { root: $('forward'), threshold: [0.5, 0.9] });
new MutationObserver(() => document.querySelectorAll('.fw-layer').forEach((s) => observer.observe(s)))
  .observe($('forward'), { childList: true });

renderHiddenLayers(2);
syncLoss();
reset();

/** Debugging hook: the latest numbers the page shows. */
(window as unknown as { playground: unknown }).playground = {
  settings: () => state.settings,
  data: () => state.data,
  snapshot: () => state.snapshot,
  weights: () => state.snapshot?.weights ?? null,
  threads: () => state.threads,
};
