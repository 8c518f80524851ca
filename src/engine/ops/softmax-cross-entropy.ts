/**
 * Softmax and softmax cross-entropy over rows of [n, k] logits. Stable for logits of ±1000: the loss of a row is
 * (max − x_label) + log Σ exp(x − max), never a difference of two large numbers.
 */

/** probs = softmax of each row. */
export function softmaxForward(n: number, k: number, x: Float32Array, probs: Float32Array): void {
	for (let r = 0; r < n; r++) {
		const off = r * k;
		let max = -Infinity;
		for (let j = 0; j < k; j++) if (x[off + j] > max) max = x[off + j];
		let sum = 0;
		for (let j = 0; j < k; j++) sum += Math.exp(x[off + j] - max);
		const inv = 1 / sum;
		for (let j = 0; j < k; j++) probs[off + j] = Math.exp(x[off + j] - max) * inv;
	}
}

/** Jacobian-vector product of softmax: dx = y ⊙ (dy − Σ dy ⊙ y) per row. */
export function softmaxBackward(n: number, k: number, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
	for (let r = 0; r < n; r++) {
		const off = r * k;
		let dot = 0;
		for (let j = 0; j < k; j++) dot += dy[off + j] * y[off + j];
		for (let j = 0; j < k; j++) dx[off + j] = y[off + j] * (dy[off + j] - dot);
	}
}

/**
 * Per-row losses −log softmax(x)[label], the probabilities, and (when dlogits is given) the gradient of the mean
 * loss (probs − onehot)/n. Returns the mean loss. Labels must be integers in [0, k).
 */
export function softmaxCrossEntropy(
	n: number, k: number, logits: Float32Array, labels: ArrayLike<number>,
	probs: Float32Array, losses: Float32Array, dlogits: Float32Array | null,
): number {
	let total = 0;
	const invN = 1 / n;
	for (let r = 0; r < n; r++) {
		const off = r * k;
		const label = labels[r];
		if (!(label >= 0 && label < k && Math.floor(label) === label)) throw new Error(`softmaxCrossEntropy: label ${label} of row ${r} is not in 0…${k - 1}`);
		let max = -Infinity;
		for (let j = 0; j < k; j++) if (logits[off + j] > max) max = logits[off + j];
		let sum = 0;
		for (let j = 0; j < k; j++) sum += Math.exp(logits[off + j] - max);
		const loss = (max - logits[off + label]) + Math.log(sum);
		losses[r] = loss;
		total += loss;
		const inv = 1 / sum;
		for (let j = 0; j < k; j++) probs[off + j] = Math.exp(logits[off + j] - max) * inv;
		if (dlogits) {
			for (let j = 0; j < k; j++) dlogits[off + j] = probs[off + j] * invN;
			dlogits[off + label] = (probs[off + label] - 1) * invN;
		}
	}
	return total * invN;
}
