// vitest setup for the "wasm" project: the engine suite runs again with every product on the SIMD kernel, through
// the context tests/support/engine.ts makes from the project's `engineBackend`. This fails the project at once
// (rather than test by test) where Node has no WebAssembly SIMD.
import { inject } from "vitest";
import { simdBackendSync } from "../../src/engine/wasm";

if (inject("engineBackend") !== "wasm-simd") throw new Error("use-wasm-gemm.ts is the setup of the wasm project only");
if (!simdBackendSync()) throw new Error("WebAssembly SIMD is not available in this Node; the wasm test project cannot run");
