/** The training worker's start: run inside the worker on its global scope (see shared-engine.ts). */
import { createEngineJob } from "./engine-job";
import { makeDefer } from "./defer";
import { TrainingSession } from "./session";
import type { FromWorker, ToWorker } from "./messages";
import { useWasmGemm } from "../engine/wasm";

export interface WorkerScope {
	postMessage(msg: FromWorker, transfer: Transferable[]): void;
	onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}

export function startWorker(scope: WorkerScope): void {
	// SIMD kernels where the platform has them (feature-detected; the JS kernels otherwise). Each run reports which.
	useWasmGemm(true);
	const { defer } = makeDefer();
	const session = new TrainingSession({
		post: (msg, transfer) => scope.postMessage(msg, transfer),
		now: () => performance.now(),
		defer,
		// Long enough that yielding costs little, short enough that Stop is seen at once.
		chunkMs: 40,
		progressEveryMs: 100,
		createJob: createEngineJob,
	});
	scope.onmessage = (e) => session.handle(e.data);
}
