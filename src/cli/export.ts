// `simdeep export`: a model file of any format the library reads, written in another (the preparation the command
// line keeps in the model's metadata goes along, so `simdeep predict` reads the exported file too).
import { loadCliModel } from './files';

const TARGETS = ['tfjs', 'keras', 'onnx', 'safetensors'] as const;

/** Runs `simdeep export`; resolves to the line it prints. */
export async function exportModel(modelPath: string, out: string, to: string): Promise<string> {
  if (!(TARGETS as readonly string[]).includes(to)) throw new RangeError(`--to must be one of ${TARGETS.join(', ')}, got ${to}`);
  const model = await loadCliModel(modelPath);
  try {
    await model.save(to === 'tfjs' && !/^file:\/\//.test(out) ? `file://${out}` : out, { format: to as (typeof TARGETS)[number] });
  } finally {
    model.dispose();
  }
  return `exported ${modelPath} as ${to} to ${out}`;
}
