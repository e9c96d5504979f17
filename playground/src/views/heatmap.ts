// The decision-boundary heatmap on a canvas: the model's output over a grid of the 2-D input square, with the
// training points (filled) and the test points (outlined) on top.
import type { DataView, Snapshot } from '../protocol';

// Class colours (orange for class 0, blue for class 1, then more for more classes).
const COLORS = [[221, 107, 32], [43, 108, 176], [56, 161, 105], [128, 90, 213], [214, 158, 46], [229, 62, 62]];

function mix(c: number[], t: number): number[] {
  return c.map((v) => Math.round(255 + (v - 255) * t));
}

export function drawHeatmap(canvas: HTMLCanvasElement, data: DataView | null, heatmap: Snapshot['heatmap']): void {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  ctx.clearRect(0, 0, size, size);
  if (!data || !heatmap || data.features.length !== 2) {
    ctx.fillStyle = '#555';
    ctx.font = '14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('The heatmap needs 2 input features', size / 2, size / 2);
    return;
  }
  const { grid, outputs, values } = heatmap;
  const image = ctx.createImageData(grid, grid);
  for (let p = 0; p < grid * grid; p++) {
    let rgb: number[];
    if (outputs === 1) {
      // One output: the probability of class 1 (or a target in [0, 1]); white at 0.5.
      const v = values[p];
      rgb = v >= 0.5 ? mix(COLORS[1], (v - 0.5) * 1.6) : mix(COLORS[0], (0.5 - v) * 1.6);
    } else {
      let best = 0;
      for (let c = 1; c < outputs; c++) if (values[p * outputs + c] > values[p * outputs + best]) best = c;
      rgb = mix(COLORS[best % COLORS.length], Math.max(0, values[p * outputs + best] - 1 / outputs) * 1.4);
    }
    image.data.set([...rgb, 255], p * 4);
  }
  const off = new OffscreenCanvas(grid, grid);
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, size, size);
  const toPx = (v: number, flip: boolean) => ((flip ? -v : v) + data.extent) / (2 * data.extent) * size;
  const points = (x: number[][], y: number[], test: boolean) => x.forEach(([a, b], i) => {
    const color = data.classes.length === 1 ? mix(COLORS[1], y[i]) : COLORS[y[i] % COLORS.length];
    ctx.beginPath();
    ctx.arc(toPx(a, false), toPx(b, true), 3.5, 0, 2 * Math.PI);
    ctx.lineWidth = test ? 2 : 1;
    ctx.strokeStyle = test ? `rgb(${color})` : '#fff';
    ctx.fillStyle = test ? '#fff' : `rgb(${color})`;
    ctx.fill();
    ctx.stroke();
  });
  points(data.xTrain, data.yTrain, false);
  points(data.xTest, data.yTest, true);
}
