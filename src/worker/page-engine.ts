import { createEngineContext } from "../engine/context";
import { LazyBackend } from "../engine/wasm";
import type { DigitsSource } from "./datasets";
import { createEngineJob } from "./engine-job";
import type { JobFactory } from "./job";

/**
 * The engine as the page holds it, one per plugin: the SIMD backend, compiled on the first run that trains on the
 * page (the fallback where no worker can be made), once — never at load — and the built-in digits. Making one
 * costs nothing; what it holds goes away with it.
 */
export class PageEngine {
	private readonly backend = new LazyBackend();

	constructor(private readonly digits: DigitsSource | null) {}

	/** A training job on this thread, on the SIMD kernels where the platform has them, worded in the run's language. */
	readonly createJob: JobFactory = async (msg) =>
		createEngineJob(msg, createEngineContext({ backend: await this.backend.get(), lang: msg.lang }), this.digits);
}
