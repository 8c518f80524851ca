export { toPyTorch, torchModules, type TorchModule } from "./pytorch";
export { toKeras, kerasSamePad } from "./keras";
export type { ExportOptions } from "./python";
export { walkShapes, convOut, poolOut, type Walk, type WalkShape, type WalkStep } from "./shape-walk";
export { toPyTorchWithWeights, LOGITS_TOLERANCE, type LogitsCheck } from "./pytorch-weights";
export { toKerasWithWeights, kerasWeightLines } from "./keras-weights";
