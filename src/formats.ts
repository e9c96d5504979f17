// simdeep/formats: each format's own functions, for what model.save and loadModel do not cover (PyTorch state_dicts
// into a model of your own, ONNX and TF.js options, the Keras topology). A second entry so that apps that never call
// them leave them out: the main entry reaches the formats only through model.save's and loadModel's dynamic imports
// (bundlers keep every module an entry re-exports in that entry's chunk, used or not).
export { modelToOnnx, type OnnxExportOptions } from './io/onnx/export';
export { modelFromOnnx } from './io/onnx/import';
export { modelToTopology, modelFromTopology, parseTopology, kerasWeightNames, type KerasTopology, type KerasLayerJSON, type ParsedTopology } from './io/keras-topology';
export { loadKeras } from './io/keras';
export { keras3ToTopology, type Keras2Topology, type Keras2Layer } from './io/keras3';
export { saveKeras } from './io/keras-save';
export { toTfjsArtifacts, modelFromTfjsArtifacts, saveTfjs, loadTfjs, type TfjsSaveOptions, type Quantization } from './io/tfjs';
export { readSafetensors, writeSafetensors, type SafetensorsValue } from './io/safetensors';
export { inspectSafetensors, type SafetensorsEntry, type SafetensorsHeader } from './io/safetensors-header';
export { modelToSafetensors, loadSafetensors, modelFromSafetensors, type SafetensorsSaveOptions, type SafetensorsLoadOptions } from './io/safetensors-model';
export type { WeightNames, FlattenOrder } from './io/pytorch-names';
