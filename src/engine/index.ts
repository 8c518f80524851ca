/** The engine's public surface: tensors, the functional ops, layers, shapes, backends and the engine context. */
export { size, tensor, type Tensor } from "./tensor";
export type { Layer, LayerState, Param } from "./layer";
export type {
	AdaptivePoolSpec, BatchNormSpec, ConvLayerSpec, ConvTransposeSpec, DepthwiseConvSpec, InputShape, LayerSpec, ModelSpec, OptimizerSpec, Pair, PoolSpec, ResidualSpec,
} from "./model-spec";
export { Rng } from "./rng";
export {
	convOutSize, poolOutSize, poolProblem, convTransposeOutSize, convTransposeProblem, binStart, binEnd, groupsProblem, convParamCount,
	convOutShape, depthwiseOutShape, convTransposeOutShape, batchNormOutShape, adaptivePoolOutShape, gapOutShape,
} from "./shapes";
export { gemmJs, GemmScratch, type GemmFn } from "./gemm";
export { createJsBackend, TS_BACKEND, type Backend, type BackendName, type ConvForwardFn, type ConvWeightGradFn } from "./backend";
export { createEngineContext, TS_CONTEXT, type EngineContext } from "./context";
export { createLayer } from "./layers";
export * as F from "./functional";
export {
	conv2d, conv2dBackward, maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward,
	relu, reluBackward, leakyRelu, leakyReluBackward, sigmoid, sigmoidBackward, tanh, tanhBackward,
	linear, linearBackward, softmax, softmaxBackward, softmaxCrossEntropy, dropout, dropoutBackward, flatten,
	convTranspose2d, convTranspose2dBackward, batchNorm, batchNormBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward,
	type ConvOptions, type PoolOptions, type ConvTransposeOptions, type BatchNormOptions,
} from "./functional";
export { initParam, initParams } from "./init";
export { createOptimizer, optimizerSpec, Sgd, Adam, type Optimizer, type SgdOptions, type AdamOptions } from "./optim";
export { Sequential, layerLabel, type Activation } from "./model";
export { saliency, gradCam } from "./attribution";
export {
	Trainer, trainSync, splitIndices, EXPLODED_LOSS,
	type TrainConfig, type TrainData, type TrainEvent, type BatchEvent, type EpochEvent, type DoneEvent, type StoppedEvent,
	type FailedEvent, type Evaluation,
} from "./trainer";
export { confusionMatrix, softmaxRows } from "./metrics";
export type { BatchMetrics, EpochMetrics, LossPoint } from "./run-metrics";
export { LazyBackend, loadBackend, simdBackend, simdBackendSync, wasmSimdSupported } from "./wasm";
