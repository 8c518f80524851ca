/**
 * How many bytes of ArrayBuffers (tensors, images, WebAssembly memories) a piece of work leaves held: what "refused
 * before anything is allocated" means, measured without a clock. Buffers are freed only by a later garbage
 * collection, so one that was made during the work and dropped still counts here: a refusal that priced a 120 GB
 * model by allocating parts of it shows up as growth.
 */
export function heldBufferBytes(): number {
	return process.memoryUsage().arrayBuffers;
}

export function bufferGrowth<T>(f: () => T): { value: T; bytes: number } {
	const before = heldBufferBytes();
	const value = f();
	return { value, bytes: heldBufferBytes() - before };
}
