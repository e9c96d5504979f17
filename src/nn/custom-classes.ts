// The custom layer classes registered for model files (serialization.registerClass in registry.ts), apart from the
// registry so that a model can ask whether its custom layers can be saved without bundling every layer kind.
import type { Layer } from './layers/layer';

/**
 * A custom Layer subclass as `registerClass` takes it: constructed from its config (TF.js's `new cls(config)`), or
 * through its static `fromConfig(cls, config)` when it has one.
 */
export type LayerClass = (abstract new (config: never) => Layer) & { className?: string; fromConfig?: (cls: unknown, config: Record<string, unknown>) => Layer };

/** Custom layer classes registered by their class name, so model files holding them load. */
export const userClasses = new Map<string, LayerClass>();

/** The registered custom class of `className`, or undefined. */
export function registeredClass(className: string): LayerClass | undefined {
  return userClasses.get(className);
}
