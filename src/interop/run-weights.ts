/**
 * Where a run's trained weights live and whose they are: `<run note>.safetensors` beside the note, the run id in
 * the file's metadata. The conversion from and to the engine's flat weights is src/worker/run-weights.ts.
 */
import { readSafetensors } from "./safetensors";

/** The extension of a run's weights file; older runs kept `.weights.bin` (src/plugin/runs/weights-file.ts). */
export const WEIGHTS_EXT = ".safetensors";

/** `CNN runs/x.md` → `CNN runs/x.safetensors`. */
export function weightsPathFor(notePath: string): string {
	return notePath.replace(/\.md$/i, "") + WEIGHTS_EXT;
}

/** Whether `bytes` is a safetensors file CNN Lab wrote for this run. */
export function isOwnSafetensors(bytes: Uint8Array, runId: string): boolean {
	const r = readSafetensors(bytes);
	return r.ok && r.file.metadata.run_id === runId;
}
