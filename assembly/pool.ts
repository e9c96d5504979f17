// Pooling over channels-last rows: each row (sample) of x is [IN_H, IN_W, IN_C], of y [OUT_H, OUT_W, IN_C], as the
// geometry record g (GEOM_ in layout.ts) says. Output (oh, ow) pools the window taps (oh·SH − PAD_TOP + kh·DH,
// ow·SW − PAD_LEFT + kw·DW), kh < KH, kw < KW, that fall inside the input; taps in the padding are left out (TF's
// max and average pooling). The caller guarantees that every window has a tap inside the input.
// Channels run four at a time (f32x4), the last C % 4 one at a time with the same operations.
import { reduce } from './reduce';
import {
  GEOM_IN_H, GEOM_IN_W, GEOM_IN_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_KH, GEOM_KW, GEOM_SH, GEOM_SW, GEOM_DH, GEOM_DW,
  GEOM_PAD_TOP, GEOM_PAD_LEFT, REDUCE_MEAN,
} from './layout';
import { endTap, firstTap, geom } from './window';

const LANES: v128 = i32x4(0, 1, 2, 3);

// Whether a tap v replaces the best so far: larger, or the first NaN (NaN propagates, as max does). With best not
// NaN, !(v <= best) is v > best or v NaN; with best NaN, nothing replaces it.
// @ts-ignore: decorator
@inline function replaces(v: f32, best: f32): bool {
  return best == best && !(v <= best);
}
// @ts-ignore: decorator
@inline function replacesV(v: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(v, best));
}

// y = the largest tap of each window per channel (the first in window order, row by row, on ties; the first NaN if
// any); when arg ≠ 0, arg (i32, y's shape) = the index of that tap in its input row, (h·IN_W + w)·IN_C + c.
export function maxPool(x: usize, y: usize, arg: usize, g: usize, rows: i32): void {
  // NOTE: two copies of the loop, so that a forward without indexes (prediction) does not track them.
  if (arg != 0) maxPoolRows(x, y, arg, g, rows, true);
  else maxPoolRows(x, y, 0, g, rows, false);
}

// maxPool, writing the indexes when `keep` (a constant at each call).
// @ts-ignore: decorator
@inline function maxPoolRows(x: usize, y: usize, arg: usize, g: usize, rows: i32, keep: bool): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const outH = geom(g, GEOM_OUT_H), outW = geom(g, GEOM_OUT_W);
  const kH = geom(g, GEOM_KH), kW = geom(g, GEOM_KW), sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW);
  const dH = geom(g, GEOM_DH), dW = geom(g, GEOM_DW), padT = geom(g, GEOM_PAD_TOP), padL = geom(g, GEOM_PAD_LEFT);
  const inSize = <usize>(inH * inW * C), outSize = <usize>(outH * outW * C);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * inSize * 4;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padT, hLo = firstTap(h0, dH), hHi = endTap(h0, kH, dH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * sW - padL, wLo = firstTap(w0, dW), wHi = endTap(w0, kW, dW, inW);
        const first = ((h0 + hLo * dH) * inW + w0 + wLo * dW) * C;
        const o = <usize>r * outSize + <usize>((oh * outW + ow) * C);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let best = v128.load(xr + (<usize>(first + c) << 2));
          let at = i32x4.add(i32x4.splat(first + c), LANES);
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) {
              const i = (line + kw * dW) * C + c;
              const v = v128.load(xr + (<usize>i << 2));
              const m = replacesV(v, best);
              best = v128.bitselect(v, best, m);
              if (keep) at = v128.bitselect(i32x4.add(i32x4.splat(i), LANES), at, m);
            }
          }
          v128.store(y + ((o + <usize>c) << 2), best);
          if (keep) v128.store(arg + ((o + <usize>c) << 2), at);
        }
        for (; c < C; c++) {
          let best = load<f32>(xr + (<usize>(first + c) << 2));
          let at = first + c;
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) {
              const i = (line + kw * dW) * C + c;
              const v = load<f32>(xr + (<usize>i << 2));
              if (replaces(v, best)) { best = v; at = i; }
            }
          }
          store<f32>(y + ((o + <usize>c) << 2), best);
          if (keep) store<i32>(arg + ((o + <usize>c) << 2), at);
        }
      }
    }
  }
}

// dx (add ? += : =) the scatter of dy into its rows at the indices arg that maxPool saved (y's shape, i32; an input
// taken by several windows receives the sum of their gradients). Only the sizes of g are read, so this is also
// the backward of a global max pooling (a window of the whole input).
export function maxPoolBackward(dy: usize, arg: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  const inSize = <usize>(geom(g, GEOM_IN_H) * geom(g, GEOM_IN_W) * geom(g, GEOM_IN_C));
  const outSize = <usize>(geom(g, GEOM_OUT_H) * geom(g, GEOM_OUT_W) * geom(g, GEOM_IN_C));
  if (!add) memory.fill(dx, 0, <usize>rows * inSize << 2);
  for (let r = 0; r < rows; r++) {
    const dxr = dx + <usize>r * inSize * 4, o = <usize>r * outSize;
    for (let i: usize = 0; i < outSize; i++) {
      const p = dxr + (<usize>load<i32>(arg + ((o + i) << 2)) << 2);
      store<f32>(p, load<f32>(p) + load<f32>(dy + ((o + i) << 2)));
    }
  }
}

// y = the mean of each window's taps inside the input per channel (padding is not counted, as TF's 'same'): their
// sum in window order, divided once by their count.
export function avgPool(x: usize, y: usize, g: usize, rows: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const outH = geom(g, GEOM_OUT_H), outW = geom(g, GEOM_OUT_W);
  const kH = geom(g, GEOM_KH), kW = geom(g, GEOM_KW), sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW);
  const dH = geom(g, GEOM_DH), dW = geom(g, GEOM_DW), padT = geom(g, GEOM_PAD_TOP), padL = geom(g, GEOM_PAD_LEFT);
  const inSize = <usize>(inH * inW * C), outSize = <usize>(outH * outW * C);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * inSize * 4;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padT, hLo = firstTap(h0, dH), hHi = endTap(h0, kH, dH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * sW - padL, wLo = firstTap(w0, dW), wHi = endTap(w0, kW, dW, inW);
        const n = <f32>((hHi - hLo) * (wHi - wLo));
        const o = <usize>r * outSize + <usize>((oh * outW + ow) * C);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let s = f32x4.splat(0);
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) s = f32x4.add(s, v128.load(xr + (<usize>((line + kw * dW) * C + c) << 2)));
          }
          v128.store(y + ((o + <usize>c) << 2), f32x4.div(s, f32x4.splat(n)));
        }
        for (; c < C; c++) {
          let s: f32 = 0;
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) s += load<f32>(xr + (<usize>((line + kw * dW) * C + c) << 2));
          }
          store<f32>(y + ((o + <usize>c) << 2), s / n);
        }
      }
    }
  }
}

// dx (add ? += : =) the adjoint of avgPool (which saved nothing): each window's dy divided by its count of taps
// inside the input, added to each of those taps (windows in output order).
export function avgPoolBackward(dy: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  const inH = geom(g, GEOM_IN_H), inW = geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const outH = geom(g, GEOM_OUT_H), outW = geom(g, GEOM_OUT_W);
  const kH = geom(g, GEOM_KH), kW = geom(g, GEOM_KW), sH = geom(g, GEOM_SH), sW = geom(g, GEOM_SW);
  const dH = geom(g, GEOM_DH), dW = geom(g, GEOM_DW), padT = geom(g, GEOM_PAD_TOP), padL = geom(g, GEOM_PAD_LEFT);
  const inSize = <usize>(inH * inW * C), outSize = <usize>(outH * outW * C);
  if (!add) memory.fill(dx, 0, <usize>rows * inSize << 2);
  for (let r = 0; r < rows; r++) {
    const dxr = dx + <usize>r * inSize * 4;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * sH - padT, hLo = firstTap(h0, dH), hHi = endTap(h0, kH, dH, inH);
      for (let ow = 0; ow < outW; ow++) {
        const w0 = ow * sW - padL, wLo = firstTap(w0, dW), wHi = endTap(w0, kW, dW, inW);
        const n = <f32>((hHi - hLo) * (wHi - wLo));
        const o = <usize>r * outSize + <usize>((oh * outW + ow) * C);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const share = f32x4.div(v128.load(dy + ((o + <usize>c) << 2)), f32x4.splat(n));
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) {
              const p = dxr + (<usize>((line + kw * dW) * C + c) << 2);
              v128.store(p, f32x4.add(v128.load(p), share));
            }
          }
        }
        for (; c < C; c++) {
          const share = load<f32>(dy + ((o + <usize>c) << 2)) / n;
          for (let kh = hLo; kh < hHi; kh++) {
            const line = (h0 + kh * dH) * inW + w0;
            for (let kw = wLo; kw < wHi; kw++) {
              const p = dxr + (<usize>((line + kw * dW) * C + c) << 2);
              store<f32>(p, load<f32>(p) + share);
            }
          }
        }
      }
    }
  }
}

// y[r, c] = the mean over h, w of x[r, h, w, c]: a pairwise sum times 1/(IN_H·IN_W), rounded once (reduce's MEAN).
// Global max pooling is maxPool over a window of the whole input (KH = IN_H, KW = IN_W), its backward maxPoolBackward.
export function globalAvgPool(x: usize, y: usize, g: usize, rows: i32): void {
  reduce(REDUCE_MEAN, x, y, rows, geom(g, GEOM_IN_H) * geom(g, GEOM_IN_W), geom(g, GEOM_IN_C));
}

// dx[r, h, w, c] (add ? += : =) dy[r, c] / (IN_H·IN_W): the adjoint of globalAvgPool (which saved nothing).
export function globalAvgPoolBackward(dy: usize, dx: usize, g: usize, rows: i32, add: i32): void {
  const hw = geom(g, GEOM_IN_H) * geom(g, GEOM_IN_W), C = geom(g, GEOM_IN_C);
  const n = <f32>hw, pixel = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const dyr = dy + <usize>r * pixel, dxr = dx + <usize>r * <usize>hw * pixel;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const share = f32x4.div(v128.load(dyr + (<usize>c << 2)), f32x4.splat(n));
      for (let p = 0; p < hw; p++) {
        const q = dxr + <usize>p * pixel + (<usize>c << 2);
        v128.store(q, add ? f32x4.add(v128.load(q), share) : share);
      }
    }
    for (; c < C; c++) {
      const share = load<f32>(dyr + (<usize>c << 2)) / n;
      for (let p = 0; p < hw; p++) {
        const q = dxr + <usize>p * pixel + (<usize>c << 2);
        store<f32>(q, add ? load<f32>(q) + share : share);
      }
    }
  }
}
