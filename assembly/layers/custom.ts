// A user's Layer subclass written in ops (KIND_CUSTOM): its forward and backward run in JavaScript, called
// synchronously through the host import layerHost (src/nn/custom-host.ts), which reads the node record itself: the
// arguments' NODE_OUT rows, the parameter records (NODE_PARAMS), NODE_DELTA, EDGE_ADD and NODE_ADD_GRADS.

// Runs node N on the host for `rows` rows: pass 0 the forward, 1 the training forward, 2 the backward.
@external("env", "layerHost")
declare function layerHost(N: usize, rows: i32, pass: i32): void;

const FORWARD = 0, TRAINING_FORWARD = 1, BACKWARD = 2;

// Node N's outputs for `rows` rows into NODE_OUT: the layer's `call` on its arguments' rows.
export function customForward(N: usize, rows: i32, training: bool): void {
  layerHost(N, rows, training ? TRAINING_FORWARD : FORWARD);
}

// Backward of customForward (saves nothing: the host runs `call` again under a tape): from NODE_DELTA, each
// argument's gradient written or added (EDGE_ADD) and each trainable weight's into its PARAM_GRAD (added with
// NODE_ADD_GRADS).
export function customBackward(N: usize, rows: i32): void {
  layerHost(N, rows, BACKWARD);
}
