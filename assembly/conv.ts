// Convolution kernels over channels-last samples, shaped by a geometry record (layout.ts GEOM_): im2col and its adjoint
// col2imAdd, which put a convolution on the GEMM (conv2d = im2col(x)·W), and the depthwise convolution with both of its
// backwards. `rows` counts samples; x is [rows, IN_H, IN_W, IN_C], an output [rows, OUT_H, OUT_W, OUT_C]. Window
// position (i, j) of output pixel (oh, ow) reads input pixel (oh·SH − PAD_TOP + i·DH, ow·SW − PAD_LEFT + j·DW); outside
// the input it reads zeros (the padding). Kernels trust the record (src/ops/conv.ts checks it) and allocate nothing.
import { GEOM_IN_H, GEOM_IN_W, GEOM_IN_C, GEOM_OUT_H, GEOM_OUT_W, GEOM_KH, GEOM_KW, GEOM_SH, GEOM_SW, GEOM_DH, GEOM_DW,
  GEOM_PAD_TOP, GEOM_PAD_LEFT, GEOM_MULT } from './layout';
import { endTap, firstTap } from './window';

// @ts-ignore: decorator
@inline function at(base: usize, index: i32): usize { return base + (<usize>index << 2); }

// Runs shorter than this many floats are moved by the loops below, not memory.copy/fill (a call each in V8).
const SHORT_RUN: i32 = 32;

// dst[0..n) = src[0..n); no overlap.
// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  if (n >= SHORT_RUN) { memory.copy(dst, src, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v128.load(at(src, i)));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(src, i)));
}

// dst[0..n) = 0.
// @ts-ignore: decorator
@inline function zeroRun(dst: usize, n: i32): void {
  if (n >= SHORT_RUN) { memory.fill(dst, 0, <usize>n << 2); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(at(dst, i), 0);
}

// dst[0..n) += src[0..n).
// @ts-ignore: decorator
@inline function addRun(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

// The geometry of the kernel call under way, read from its record by readGeometry (an instance runs one call at a
// time); OUT_C is IN_C·MULT for the depthwise kernels, and not needed by the others.
let inH = 0, inW = 0, inC = 0, outH = 0, outW = 0, kh = 0, kw = 0, sh = 0, sw = 0, dh = 0, dw = 0, top = 0, left = 0, mult = 0;

function readGeometry(geom: usize): void {
  inH = load<i32>(geom + (<usize>GEOM_IN_H << 2)); inW = load<i32>(geom + (<usize>GEOM_IN_W << 2));
  inC = load<i32>(geom + (<usize>GEOM_IN_C << 2)); outH = load<i32>(geom + (<usize>GEOM_OUT_H << 2));
  outW = load<i32>(geom + (<usize>GEOM_OUT_W << 2)); kh = load<i32>(geom + (<usize>GEOM_KH << 2));
  kw = load<i32>(geom + (<usize>GEOM_KW << 2)); sh = load<i32>(geom + (<usize>GEOM_SH << 2));
  sw = load<i32>(geom + (<usize>GEOM_SW << 2)); dh = load<i32>(geom + (<usize>GEOM_DH << 2));
  dw = load<i32>(geom + (<usize>GEOM_DW << 2)); top = load<i32>(geom + (<usize>GEOM_PAD_TOP << 2));
  left = load<i32>(geom + (<usize>GEOM_PAD_LEFT << 2)); mult = load<i32>(geom + (<usize>GEOM_MULT << 2));
}

// Calls Op.pixel for every output pixel of `rows` samples in order (sample n, row, column) with the input position
// (ih0, iw0) of its window's first tap, the taps inside the input [i0, i1) × [j0, j1), the pixel's index p
// (n·OUT_H·OUT_W + oh·OUT_W + ow) and the kernel's pointers a, b; the geometry is read first.
// @ts-ignore: decorator
@inline function eachPixel<Op>(geom: usize, rows: i32, a: usize, b: usize): void {
  const op = changetype<Op>(0);
  readGeometry(geom);
  let p = 0;
  for (let n = 0; n < rows; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * sh - top, i0 = firstTap(ih0, dh), i1 = endTap(ih0, kh, dh, inH);
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * sw - left;
        op.pixel(n, ih0, iw0, i0, i1, firstTap(iw0, dw), endTap(iw0, kw, dw, inW), p++, a, b);
      }
    }
  }
}

// Address of input pixel (ih, iw) of sample n of the image at `image` ([rows, IN_H, IN_W, IN_C]).
// @ts-ignore: decorator
@inline function pixelAt(image: usize, n: i32, ih: i32, iw: i32): usize { return at(image, ((n * inH + ih) * inW + iw) * inC); }

// @ts-ignore: decorator
@final @unmanaged class Im2col {
  // Row p of the columns b from the image a.
  // @ts-ignore: decorator
  @inline pixel(n: i32, ih0: i32, iw0: i32, i0: i32, i1: i32, j0: i32, j1: i32, p: i32, a: usize, b: usize): void {
    const run = kw * inC, whole = dw == 1 && j0 == 0 && j1 == kw;
    let dst = at(b, p * kh * run);
    for (let i = 0; i < kh; i++) {
      if (i < i0 || i >= i1) {
        zeroRun(dst, run);
      } else if (whole) {
        copyRun(dst, pixelAt(a, n, ih0 + i * dh, iw0), run);
      } else {
        for (let j = 0; j < kw; j++) {
          if (j < j0 || j >= j1) zeroRun(at(dst, j * inC), inC);
          else copyRun(at(dst, j * inC), pixelAt(a, n, ih0 + i * dh, iw0 + j * dw), inC);
        }
      }
      dst = at(dst, run);
    }
  }
}

// cols[rows·OUT_H·OUT_W, KH·KW·IN_C] = the windows of x: row (n, oh, ow) holds input pixels (i, j) in order, IN_C each,
// zeros where the window reads padding. Runs of KW·IN_C floats are copied whole where dilation is 1 and the window row
// lies inside. x and cols must not overlap.
export function im2col(x: usize, geom: usize, rows: i32, cols: usize): void {
  readGeometry(geom);
  if (dw != 1) {
    eachPixel<Im2col>(geom, rows, x, cols);
    return;
  }
  // Window rows lie inside horizontally for output columns [owA, owB): there, each window row i of the output row is
  // one strided walk along input row ih0 + i·DH (the other columns, at the edges, go pixel by pixel).
  const op = changetype<Im2col>(0), run = kw * inC, rowLen = kh * run;
  const owA = min(outW, (left + sw - 1) / sw), owB = max(owA, min(outW, inW - kw + left >= 0 ? (inW - kw + left) / sw + 1 : 0));
  for (let n = 0; n < rows; n++) {
    for (let oh = 0; oh < outH; oh++) {
      const ih0 = oh * sh - top, i0 = firstTap(ih0, dh), i1 = endTap(ih0, kh, dh, inH), p0 = (n * outH + oh) * outW;
      for (let ow = 0; ow < owA; ow++) {
        const iw0 = ow * sw - left;
        op.pixel(n, ih0, iw0, i0, i1, firstTap(iw0, 1), endTap(iw0, kw, 1, inW), p0 + ow, x, cols);
      }
      for (let i = 0; i < kh; i++) {
        let dst = at(cols, (p0 + owA) * rowLen + i * run);
        if (i < i0 || i >= i1) {
          for (let ow = owA; ow < owB; ow++, dst = at(dst, rowLen)) zeroRun(dst, run);
          continue;
        }
        let src = pixelAt(x, n, ih0 + i * dh, owA * sw - left);
        for (let ow = owA; ow < owB; ow++, dst = at(dst, rowLen), src = at(src, sw * inC)) copyRun(dst, src, run);
      }
      for (let ow = owB; ow < outW; ow++) {
        const iw0 = ow * sw - left;
        op.pixel(n, ih0, iw0, i0, i1, firstTap(iw0, 1), endTap(iw0, kw, 1, inW), p0 + ow, x, cols);
      }
    }
  }
}

// @ts-ignore: decorator
@final @unmanaged class Col2imAdd {
  // Row p of the columns a added into the image b.
  // @ts-ignore: decorator
  @inline pixel(n: i32, ih0: i32, iw0: i32, i0: i32, i1: i32, j0: i32, j1: i32, p: i32, a: usize, b: usize): void {
    const run = kw * inC, whole = dw == 1 && j0 == 0 && j1 == kw;
    const src = at(a, p * kh * run);
    for (let i = i0; i < i1; i++) {
      if (whole) addRun(pixelAt(b, n, ih0 + i * dh, iw0), at(src, i * run), run);
      else for (let j = j0; j < j1; j++) addRun(pixelAt(b, n, ih0 + i * dh, iw0 + j * dw), at(src, i * run + j * inC), inC);
    }
  }
}

// Adjoint of im2col: dx[rows, IN_H, IN_W, IN_C] = (add ? dx : 0) + each entry of cols added to the input pixel
// im2col read it from (entries that read padding are dropped), in order. The input gradient of a convolution from
// dCols = dY·Wᵀ (the forward saved nothing for it). cols and dx must not overlap.
export function col2imAdd(cols: usize, geom: usize, rows: i32, dx: usize, add: bool): void {
  readGeometry(geom);
  if (!add) memory.fill(dx, 0, <usize>rows * <usize>(inH * inW * inC) << 2);
  eachPixel<Col2imAdd>(geom, rows, cols, dx);
}

// Four lanes of x's channels for output channels q..q+3 of a depthwise convolution (output channel q reads input
// channel q / MULT), from the input pixel at `pixel`.
// @ts-ignore: decorator
@inline function spread(pixel: usize, q: i32): v128 {
  if (mult == 1) return v128.load(at(pixel, q));
  let v = f32x4.splat(load<f32>(at(pixel, q / mult)));
  v = f32x4.replace_lane(v, 1, load<f32>(at(pixel, (q + 1) / mult)));
  v = f32x4.replace_lane(v, 2, load<f32>(at(pixel, (q + 2) / mult)));
  return f32x4.replace_lane(v, 3, load<f32>(at(pixel, (q + 3) / mult)));
}

// Where a depthwise kernel's filter and output pointers are while it runs (one call at a time per instance).
let filterAt: usize = 0;

// @ts-ignore: decorator
@final @unmanaged class DepthwiseForward {
  // Output pixel p (into b) from the image a and the filter at filterAt: a channel's sum over the taps in order, in
  // registers, the same whichever lane computes it.
  // @ts-ignore: decorator
  @inline pixel(n: i32, ih0: i32, iw0: i32, i0: i32, i1: i32, j0: i32, j1: i32, p: i32, a: usize, b: usize): void {
    const oc = inC * mult, dst = at(b, p * oc);
    let q = 0;
    for (; q + 4 <= oc; q += 4) {
      let acc = f32x4.splat(0);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          const w = v128.load(at(filterAt, (i * kw + j) * oc + q));
          acc = f32x4.add(acc, f32x4.mul(spread(pixelAt(a, n, ih0 + i * dh, iw0 + j * dw), q), w));
        }
      }
      v128.store(at(dst, q), acc);
    }
    for (; q < oc; q++) {
      let acc: f32 = 0;
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          acc += load<f32>(at(pixelAt(a, n, ih0 + i * dh, iw0 + j * dw), q / mult)) * load<f32>(at(filterAt, (i * kw + j) * oc + q));
        }
      }
      store<f32>(at(dst, q), acc);
    }
  }
}

// out[rows, OUT_H, OUT_W, IN_C·MULT]: output channel c·MULT + m = Σ over the window taps (i, j) inside the input, in
// order, of x[pixel (i, j), c]·filter[i, j, c, m]; filter [KH, KW, IN_C, MULT]. SIMD over output channels. out must
// not overlap x or filter.
export function depthwiseConvForward(x: usize, filter: usize, geom: usize, rows: i32, out: usize): void {
  filterAt = filter;
  eachPixel<DepthwiseForward>(geom, rows, x, out);
}

// @ts-ignore: decorator
@final @unmanaged class DepthwiseBackwardInput {
  // Output pixel p's gradient (in a) added into the image gradient b through the filter at filterAt.
  // @ts-ignore: decorator
  @inline pixel(n: i32, ih0: i32, iw0: i32, i0: i32, i1: i32, j0: i32, j1: i32, p: i32, a: usize, b: usize): void {
    const grad = at(a, p * inC * mult);
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        const pixel = pixelAt(b, n, ih0 + i * dh, iw0 + j * dw), w = at(filterAt, (i * kw + j) * inC * mult);
        let q = 0;
        if (mult == 1) {
          for (; q + 4 <= inC; q += 4) {
            const d = at(pixel, q);
            v128.store(d, f32x4.add(v128.load(d), f32x4.mul(v128.load(at(grad, q)), v128.load(at(w, q)))));
          }
        }
        for (; q < inC; q++) {
          let s: f32 = 0;
          for (let m = 0; m < mult; m++) s += load<f32>(at(grad, q * mult + m)) * load<f32>(at(w, q * mult + m));
          store<f32>(at(pixel, q), load<f32>(at(pixel, q)) + s);
        }
      }
    }
  }
}

// Backward of depthwiseConvForward to its input (the forward saved nothing for it; reads the filter): dx[rows, IN_H,
// IN_W, IN_C] = (add ? dx : 0) + Σ over output pixels in order and their taps reading each input pixel of
// Σ_m dy[…, c·MULT + m]·filter[i, j, c, m]. SIMD over channels for MULT 1. dx must not overlap dy or filter.
export function depthwiseConvBackwardInput(dy: usize, filter: usize, geom: usize, rows: i32, dx: usize, add: bool): void {
  readGeometry(geom);
  if (!add) memory.fill(dx, 0, <usize>rows * <usize>(inH * inW * inC) << 2);
  filterAt = filter;
  eachPixel<DepthwiseBackwardInput>(geom, rows, dy, dx);
}

// @ts-ignore: decorator
@final @unmanaged class DepthwiseBackwardFilter {
  // Output pixel p's gradient (in b) times the image a, added into the filter gradient at filterAt.
  // @ts-ignore: decorator
  @inline pixel(n: i32, ih0: i32, iw0: i32, i0: i32, i1: i32, j0: i32, j1: i32, p: i32, a: usize, b: usize): void {
    const oc = inC * mult, grad = at(b, p * oc);
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        const pixel = pixelAt(a, n, ih0 + i * dh, iw0 + j * dw), w = at(filterAt, (i * kw + j) * oc);
        let q = 0;
        for (; q + 4 <= oc; q += 4) {
          const d = at(w, q);
          v128.store(d, f32x4.add(v128.load(d), f32x4.mul(spread(pixel, q), v128.load(at(grad, q)))));
        }
        for (; q < oc; q++) store<f32>(at(w, q), load<f32>(at(w, q)) + load<f32>(at(pixel, q / mult)) * load<f32>(at(grad, q)));
      }
    }
  }
}

// Backward of depthwiseConvForward to its filter (saved by the forward: its input x): dFilter[KH, KW, IN_C, MULT] =
// (add ? dFilter : 0) + Σ over samples and output pixels, in order, of x[pixel (i, j), c]·dy[…, c·MULT + m] over the
// window taps inside the input. SIMD over output channels. dFilter must not overlap x or dy.
export function depthwiseConvBackwardFilter(x: usize, dy: usize, geom: usize, rows: i32, dFilter: usize, add: bool): void {
  readGeometry(geom);
  if (!add) memory.fill(dFilter, 0, <usize>(kh * kw * inC * mult) << 2);
  filterAt = dFilter;
  eachPixel<DepthwiseBackwardFilter>(geom, rows, x, dy);
}
