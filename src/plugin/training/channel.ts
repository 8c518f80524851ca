import type { ToWorker } from "../../worker/messages";

/** Where a run happens: a Web Worker, or the UI thread in small chunks. The panel talks to both the same way. */
export interface RunChannel {
	readonly mode: "worker" | "inline";
	send(msg: ToWorker): void;
	/** Ends everything at once: terminates the worker or cancels the pending chunk. */
	close(): void;
}
