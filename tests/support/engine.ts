/**
 * The engine context the engine suite computes on: each vitest project provides its backend's name (vitest.config.ts,
 * `provide`), so the same tests run on the TypeScript kernels ("js") and on the WebAssembly SIMD ones ("wasm").
 */
import { inject } from "vitest";
import { createJsBackend, type BackendName } from "../../src/engine/backend";
import { createEngineContext, type EngineContext } from "../../src/engine/context";
import { simdBackendSync } from "../../src/engine/wasm";

declare module "vitest" {
	export interface ProvidedContext {
		engineBackend: BackendName;
	}
}

/** The backend this project tests. */
export const backendUnderTest: BackendName = inject("engineBackend");

/** A fresh context (a backend with buffers of its own) on the backend this project tests. */
export function testContext(): EngineContext {
	if (backendUnderTest === "js") return createEngineContext({ backend: createJsBackend() });
	const simd = simdBackendSync();
	if (!simd) throw new Error("WebAssembly SIMD is not available in this Node; the wasm test project cannot run");
	return createEngineContext({ backend: simd });
}

/** One context for a whole test file (its backend keeps its buffers between tests, as a training run's does). */
export const ctx: EngineContext = testContext();
