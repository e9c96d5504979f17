import { unary, NEG } from '../../assembly/elementwise';
describe('smoke', () => {
  it('neg', () => {
    const p = heap.alloc(16);
    store<f32>(p, 2);
    unary(NEG, p, p, 1);
    expect<f32>(load<f32>(p)).toBe(-2, 'x');
    heap.free(p);
  });
});
