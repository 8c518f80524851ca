/** A note named on the command line, read only when it is a regular file of a sane size. */
import { readFileSync, statSync } from "node:fs";

/** Larger than any note a person writes; a 1 GB "note" would be read whole before anything is said. */
export const MAX_NOTE_BYTES = 64 * 1024 * 1024;

/**
 * The note's text. A FIFO would block the read forever and /dev/zero never ends, so anything but a regular file is
 * refused at once, as is a file over MAX_NOTE_BYTES; the error says which.
 */
export function readNoteFile(path: string): string {
	const st = statSync(path);
	if (!st.isFile()) throw new Error(`${path} is not a regular file (a pipe, a device or a socket); it is not read`);
	if (st.size > MAX_NOTE_BYTES) throw new Error(`${path} is ${Math.round(st.size / 1048576)} MB; notes over ${MAX_NOTE_BYTES / 1048576} MB are not read`);
	return readFileSync(path, "utf8");
}
