// vitest setup for the "wasm" project: the engine suite runs again with every product on the SIMD kernel.
import { useWasmGemm } from "../../src/engine/wasm";

if (useWasmGemm(true) !== "wasm-simd") throw new Error("WebAssembly SIMD is not available in this Node; the wasm test project cannot run");
