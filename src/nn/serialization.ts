// TF.js's `serialization` namespace, for custom layer classes that model files hold (the registry is registry.ts's).
export { registerClass } from './registry';
