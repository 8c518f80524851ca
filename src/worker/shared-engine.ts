/**
 * Everything the page takes from the code that also runs in the training worker, and the worker's start.
 *
 * Why one door: the page needs the whole training loop too (the fallback where no worker can be made, the preview
 * before training, the conv block's arithmetic). The production build bundles this file as ONE self-contained
 * function in main.js; the page calls it once for these exports, and the worker is started from that function's own
 * source text (see scripts/shared-engine-plugin.mjs). main.js so carries the engine once instead of twice. Here
 * (TypeScript, tests) it is plain re-exports. The engine keeps no state in its modules (the backend, the language
 * and the digits are values passed in), so a page module that imported engine code directly would still compute
 * right — but would put a second copy of it in main.js; the lint rule in eslint.config.mjs forbids that.
 */
export { TrainingSession } from "./session";
export { createEngineJob, previewSnapshot } from "./engine-job";
export { PageEngine } from "./page-engine";
export { Probe } from "../engine/probe";
export { explorerData } from "./explorer-data";
export { avgPool2d, conv2d, convTranspose2d, maxPool2d, relu } from "../engine/functional";
export { startWorker } from "./worker";
export { portableDataset } from "./datasets";
export { resizeImages } from "../data/fit";
export { flatFromSafetensors, logitsFor, runWeightsFile } from "./run-weights";
// Page code reads these too; through here they are in main.js once (with the engine function).
export { builtinDataset as builtinDatasetRef, cleanDatasetRef, MAX_FILE_BYTES, outsideVault, resolveDataset as resolveDatasetFrom, resolveTestDataset as resolveTestDatasetFrom } from "../data/dataset-resolver";
export { isOwnSafetensors, weightsPathFor, WEIGHTS_EXT } from "../interop/run-weights";
export { toKeras, toPyTorch, toPyTorchWithWeights } from "../interop/export/index";
export { scheduledLr, ONECYCLE } from "../engine/optim/schedule";
export { fitChanges } from "../data/fit-words";
export { importFramework } from "../interop/import/index";
export { explainValue } from "../engine/explain";
