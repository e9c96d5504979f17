// Spatial rearrangements of channels-last rows: each row (sample) of x is [IN_H, IN_W, IN_C], of y [OUT_H, OUT_W,
// IN_C], as the geometry record g (GEOM_ in layout.ts) says. Zero padding and cropping are one shift (a negative
// padding crops); up-sampling repeats (nearest) or interpolates (bilinear) by the integer factors SH × SW.
import { putOrAdd } from './plan';
import { geom } from './window';
import {
  GEOM_IN_H, GEOM_IN_W, GEOM_IN_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_SH, GEOM_SW, GEOM_PAD_TOP, GEOM_PAD_LEFT,
} from './layout';

// dst[h, w, c] (add ? += : =) src[h − top, w − left, c] for rows [srcH, srcW, C] → [dstH, dstW, C]; 0 (nothing
// added) where that lies outside src.
// @ts-ignore: decorator
@inline function shift(src: usize, dst: usize, srcH: i32, srcW: i32, dstH: i32, dstW: i32, C: i32, top: i32, left: i32,
  rows: i32, add: i32): void {
  const srcSize = <usize>(srcH * srcW * C), dstSize = <usize>(dstH * dstW * C);
  const wLo = max(0, left), wHi = min(dstW, srcW + left);
  const line = <usize>(dstW * C) << 2;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * srcSize * 4, d = dst + <usize>r * dstSize * 4;
    for (let h = 0; h < dstH; h++) {
      const sh = h - top, dl = d + <usize>h * line;
      if (sh < 0 || sh >= srcH || wLo >= wHi) {
        if (!add) memory.fill(dl, 0, line);
        continue;
      }
      if (!add) {
        memory.fill(dl, 0, <usize>(wLo * C) << 2);
        memory.fill(dl + (<usize>(wHi * C) << 2), 0, <usize>((dstW - wHi) * C) << 2);
      }
      putOrAdd(dl + (<usize>(wLo * C) << 2), s + (<usize>((sh * srcW + wLo - left) * C) << 2), (wHi - wLo) * C, add != 0);
    }
  }
}

// y[h, w, c] = x[h − PAD_TOP, w − PAD_LEFT, c], 0 outside x: zero padding (PAD_TOP, PAD_LEFT ≥ 0, the padding after
// them follows from the sizes) or cropping (negative PAD_TOP and PAD_LEFT: minus the rows and columns cropped).
export function pad2d(x: usize, y: usize, g: usize, rows: i32): void {
  shift(x, y, geom(g, GEOM_IN_H), geom(g, GEOM_IN_W), geom(g, GEOM_OUT_H), geom(g, GEOM_OUT_W), geom(g, GEOM_IN_C),
    geom(g, GEOM_PAD_TOP), geom(g, GEOM_PAD_LEFT), rows, 0);
}

// dx[h, w, c] (add ? += : =) dy[h + PAD_TOP, w + PAD_LEFT, c]: the adjoint of pad2d (which saved nothing).
export function pad2dBackward(dy: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  shift(dy, dx, geom(g, GEOM_OUT_H), geom(g, GEOM_OUT_W), geom(g, GEOM_IN_H), geom(g, GEOM_IN_W), geom(g, GEOM_IN_C),
    -geom(g, GEOM_PAD_TOP), -geom(g, GEOM_PAD_LEFT), rows, add);
}

// y[h, w, c] = x[h / SH, w / SW, c] (integer division): nearest-neighbour up-sampling, OUT_H = IN_H·SH, OUT_W = IN_W·SW.
export function upSample2d(x: usize, y: usize, g: usize, rows: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW);
  const pixel = <usize>C << 2, line = <usize>(inW * sW) * pixel;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>(inH * inW) * pixel, yr = y + <usize>r * <usize>(inH * sH) * line;
    for (let h = 0; h < inH; h++) {
      const first = yr + <usize>(h * sH) * line;
      for (let w = 0; w < inW; w++) {
        const src = xr + <usize>(h * inW + w) * pixel;
        for (let b = 0; b < sW; b++) memory.copy(first + <usize>(w * sW + b) * pixel, src, pixel);
      }
      for (let a = 1; a < sH; a++) memory.copy(first + <usize>a * line, first, line);
    }
  }
}

// dx[h, w, c] (add ? += : =) Σ over a < SH, b < SW of dy[h·SH + a, w·SW + b, c] (in that order): the adjoint of
// upSample2d (which saved nothing).
export function upSample2dBackward(dy: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW);
  const pixel = <usize>C << 2, line = <usize>(inW * sW) * pixel;
  for (let r = 0; r < rows; r++) {
    const dxr = dx + <usize>r * <usize>(inH * inW) * pixel, dyr = dy + <usize>r * <usize>(inH * sH) * line;
    for (let h = 0; h < inH; h++) {
      for (let w = 0; w < inW; w++) {
        const d = dxr + <usize>(h * inW + w) * pixel;
        const block = dyr + <usize>(h * sH) * line + <usize>(w * sW) * pixel;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const at = <usize>c << 2;
          let s = add ? v128.load(d + at) : f32x4.splat(0);
          for (let a = 0; a < sH; a++) {
            for (let b = 0; b < sW; b++) s = f32x4.add(s, v128.load(block + <usize>a * line + <usize>b * pixel + at));
          }
          v128.store(d + at, s);
        }
        for (; c < C; c++) {
          const at = <usize>c << 2;
          let s: f32 = add ? load<f32>(d + at) : 0;
          for (let a = 0; a < sH; a++) {
            for (let b = 0; b < sW; b++) s += load<f32>(block + <usize>a * line + <usize>b * pixel + at);
          }
          store<f32>(d + at, s);
        }
      }
    }
  }
}

// y[h, w, c] = bilinear interpolation of x at source (h / SH, w / SW) (real division; TF.js resizeBilinear with
// alignCorners and halfPixelCenters false): rows y0 = ⌊h / SH⌋, y1 = min(y0 + 1, IN_H − 1), fy = (h mod SH) / SH,
// the same across; top = x[y0, x0] + (x[y0, x1] − x[y0, x0])·fx, bottom likewise on y1, y = top + (bottom − top)·fy.
export function upSampleBilinear2d(x: usize, y: usize, g: usize, rows: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW), outH = inH * sH, outW = inW * sW;
  const pixel = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * <usize>(inH * inW) * pixel, yr = y + <usize>r * <usize>(outH * outW) * pixel;
    for (let h = 0; h < outH; h++) {
      const y0 = h / sH, y1 = min(y0 + 1, inH - 1), fy = <f32>(h % sH) / <f32>sH;
      for (let w = 0; w < outW; w++) {
        const x0 = w / sW, x1 = min(x0 + 1, inW - 1), fx = <f32>(w % sW) / <f32>sW;
        const tl = xr + <usize>(y0 * inW + x0) * pixel, tr = xr + <usize>(y0 * inW + x1) * pixel;
        const bl = xr + <usize>(y1 * inW + x0) * pixel, br = xr + <usize>(y1 * inW + x1) * pixel;
        const out = yr + <usize>(h * outW + w) * pixel;
        const vy = f32x4.splat(fy), vx = f32x4.splat(fx);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const at = <usize>c << 2;
          const a = v128.load(tl + at), b = v128.load(bl + at);
          const top = f32x4.add(a, f32x4.mul(f32x4.sub(v128.load(tr + at), a), vx));
          const bottom = f32x4.add(b, f32x4.mul(f32x4.sub(v128.load(br + at), b), vx));
          v128.store(out + at, f32x4.add(top, f32x4.mul(f32x4.sub(bottom, top), vy)));
        }
        for (; c < C; c++) {
          const at = <usize>c << 2;
          const a = load<f32>(tl + at), b = load<f32>(bl + at);
          const top = a + (load<f32>(tr + at) - a) * fx, bottom = b + (load<f32>(br + at) - b) * fx;
          store<f32>(out + at, top + (bottom - top) * fy);
        }
      }
    }
  }
}

// dx (add ? += : =) the adjoint of upSampleBilinear2d (which saved nothing): each dy[h, w] times (1 − fy)(1 − fx),
// (1 − fy)·fx, fy·(1 − fx) and fy·fx added to its four source pixels, in output order.
export function upSampleBilinear2dBackward(dy: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW), outH = inH * sH, outW = inW * sW;
  const pixel = <usize>C << 2;
  if (!add) memory.fill(dx, 0, <usize>rows * <usize>(inH * inW) * pixel);
  for (let r = 0; r < rows; r++) {
    const dxr = dx + <usize>r * <usize>(inH * inW) * pixel, dyr = dy + <usize>r * <usize>(outH * outW) * pixel;
    for (let h = 0; h < outH; h++) {
      const y0 = h / sH, y1 = min(y0 + 1, inH - 1), fy = <f32>(h % sH) / <f32>sH;
      for (let w = 0; w < outW; w++) {
        const x0 = w / sW, x1 = min(x0 + 1, inW - 1), fx = <f32>(w % sW) / <f32>sW;
        const d = dyr + <usize>(h * outW + w) * pixel;
        spread(d, dxr + <usize>(y0 * inW + x0) * pixel, (1 - fy) * (1 - fx), C);
        spread(d, dxr + <usize>(y0 * inW + x1) * pixel, (1 - fy) * fx, C);
        spread(d, dxr + <usize>(y1 * inW + x0) * pixel, fy * (1 - fx), C);
        spread(d, dxr + <usize>(y1 * inW + x1) * pixel, fy * fx, C);
      }
    }
  }
}

// d[c] += s[c]·k for c < C.
// @ts-ignore: decorator
@inline function spread(s: usize, d: usize, k: f32, C: i32): void {
  const vk = f32x4.splat(k);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const at = <usize>c << 2;
    v128.store(d + at, f32x4.add(v128.load(d + at), f32x4.mul(v128.load(s + at), vk)));
  }
  for (; c < C; c++) {
    const at = <usize>c << 2;
    store<f32>(d + at, load<f32>(d + at) + load<f32>(s + at) * k);
  }
}
