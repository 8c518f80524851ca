/** A dense float32 tensor, row-major. Images are NCHW; dense activations are [N, F]. */
export interface Tensor {
	shape: number[];
	data: Float32Array;
}

export function size(shape: readonly number[]): number {
	let n = 1;
	for (const d of shape) n *= d;
	return n;
}

export function tensor(shape: number[], data?: ArrayLike<number>): Tensor {
	const n = size(shape);
	if (data && data.length !== n) throw new Error(`tensor: ${data.length} values for shape [${shape.join(", ")}] (${n})`);
	return { shape: shape.slice(), data: data ? Float32Array.from(data) : new Float32Array(n) };
}
