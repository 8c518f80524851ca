/**
 * Everything the page takes from the code that also runs in the training worker, and the worker's start.
 *
 * Why one door: the page needs the whole training loop too (the fallback where no worker can be made, the preview
 * before training, the conv block's arithmetic). The production build bundles this file as ONE self-contained
 * function in main.js; the page calls it once for these exports, and the worker is started from that function's own
 * source text (see scripts/shared-engine-plugin.mjs). main.js so carries the engine once instead of twice. Here
 * (TypeScript, tests) it is plain re-exports. Page code must take these from here, not from the modules themselves,
 * or it would get a second copy whose state (the WebAssembly backend switch, the language) is not the one in use.
 */
export { TrainingSession } from "./session";
export { createEngineJob, previewSnapshot } from "./engine-job";
export { useWasmGemm } from "../engine/wasm";
export { avgPool2d, conv2d, maxPool2d, relu } from "../engine/functional";
export { startWorker } from "./worker";
export { portableDataset, provideDigits } from "./datasets";
export { resizeImages } from "../data/fit";
// The engine's messages (data fitting, run failures) are made inside it: it is told the app's language too.
export { setLanguage as setEngineLanguage } from "../i18n";
