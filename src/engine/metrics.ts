/**
 * Softmax cross-entropy fused with its gradient, and the counting that classification metrics need. Written for
 * the training loop: the caller owns every buffer, nothing is allocated per batch.
 */

/**
 * Mean cross-entropy of `n` rows of `k` logits against integer labels, the stable way PyTorch's float64 truth
 * agrees with at ±1000: loss = (max − x_label) + log Σ exp(x − max). When `dlogits` is given it receives
 * (softmax − onehot) / n, the gradient of the mean loss. Returns the mean loss and how many rows had their
 * largest logit at the label (ties go to the first).
 */
export function softmaxCrossEntropy(
	logits: Float32Array,
	labels: ArrayLike<number>,
	n: number,
	k: number,
	dlogits: Float32Array | null,
	predictions?: Uint8Array | Int32Array,
): { loss: number; correct: number } {
	let total = 0;
	let correct = 0;
	const inv = 1 / n;
	for (let i = 0; i < n; i++) {
		const o = i * k;
		let max = logits[o];
		let arg = 0;
		for (let j = 1; j < k; j++) {
			const v = logits[o + j];
			if (v > max) {
				max = v;
				arg = j;
			}
		}
		// NaN logits never win the comparison above: make them show up in the loss instead of hiding.
		if (Number.isNaN(max)) arg = -1;
		let sum = 0;
		if (dlogits) {
			// Keep the exponentials in the gradient buffer so each is computed once.
			for (let j = 0; j < k; j++) {
				const e = Math.exp(logits[o + j] - max);
				dlogits[o + j] = e;
				sum += e;
			}
		} else {
			for (let j = 0; j < k; j++) sum += Math.exp(logits[o + j] - max);
		}
		const label = labels[i];
		total += max - logits[o + label] + Math.log(sum);
		if (arg === label) correct++;
		if (predictions) predictions[i] = arg < 0 ? 0 : arg;
		if (dlogits) {
			const s = inv / sum;
			for (let j = 0; j < k; j++) dlogits[o + j] *= s;
			dlogits[o + label] -= inv;
		}
	}
	return { loss: total / n, correct };
}

/** Row-wise softmax of n×k values into out (may be the same array). */
export function softmaxRows(x: Float32Array, n: number, k: number, out: Float32Array): Float32Array {
	for (let i = 0; i < n; i++) {
		const o = i * k;
		let max = -Infinity;
		for (let j = 0; j < k; j++) if (x[o + j] > max) max = x[o + j];
		let sum = 0;
		for (let j = 0; j < k; j++) {
			const e = Math.exp(x[o + j] - max);
			out[o + j] = e;
			sum += e;
		}
		for (let j = 0; j < k; j++) out[o + j] /= sum;
	}
	return out;
}

/** A K×K confusion matrix, rows the true class and columns the predicted one. */
export function confusionMatrix(labels: ArrayLike<number>, predictions: ArrayLike<number>, k: number): number[][] {
	const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
	for (let i = 0; i < labels.length; i++) m[labels[i]][predictions[i]]++;
	return m;
}

/** Whether every value is finite, in one pass that a NaN or an Inf cannot slip through. */
export function allFinite(a: Float32Array): boolean {
	let s = 0;
	for (let i = 0; i < a.length; i++) s += a[i] * 0;
	return s === 0;
}
