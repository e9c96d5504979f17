// The relaxed-SIMD module: the GEMM built with f32x4.relaxed_madd and a 6×8 tile. It shares the memory of the
// main module and allocates nothing; it is loaded only where WebAssembly.validate accepts it.
export { gemm, gemmPeak, gemmTile, gemmWorkBytes } from './gemm';
