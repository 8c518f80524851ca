/** The training worker's start: run inside the worker on its global scope (see shared-engine.ts). */
import { createEngineJob } from "./engine-job";
import { makeDefer } from "./defer";
import { TrainingSession } from "./session";
import type { FromWorker, ToWorker } from "./messages";
import { createEngineContext } from "../engine/context";
import { LazyBackend } from "../engine/wasm";

export interface WorkerScope {
	postMessage(msg: FromWorker, transfer: Transferable[]): void;
	onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}

export function startWorker(scope: WorkerScope): void {
	// SIMD kernels where the platform has them (compiled on the first run, once; the JS kernels otherwise). Each run
	// reports which. The worker receives the digits as arrays (portableDataset), so it has no digits source.
	const backend = new LazyBackend();
	const { defer } = makeDefer();
	const session = new TrainingSession({
		post: (msg, transfer) => scope.postMessage(msg, transfer),
		now: () => performance.now(),
		defer,
		// Long enough that yielding costs little, short enough that Stop is seen at once.
		chunkMs: 40,
		progressEveryMs: 100,
		createJob: async (msg) => createEngineJob(msg, createEngineContext({ backend: await backend.get(), lang: msg.lang }), null),
	});
	scope.onmessage = (e) => session.handle(e.data);
}
