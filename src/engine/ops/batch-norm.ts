/**
 * Batch normalisation over the channels of x [n, c, s] (s = H·W for BatchNorm2d, 1 for BatchNorm1d), forward
 * and backward, as PyTorch: training normalises with the batch's biased variance and moves the running statistics
 * by `momentum` towards the batch mean and the unbiased variance; evaluation normalises with the running
 * statistics. The per-channel mean and 1/√(var + eps) of the last forward go in caller-owned arrays for backward.
 */

export interface BatchNormGeom {
	n: number;
	c: number;
	/** Values per channel per sample (H·W, or 1 for features). */
	s: number;
}

export interface BatchNormStats {
	/** Per channel: the mean and 1/√(var + eps) the forward normalised with. */
	mean: Float32Array;
	invStd: Float32Array;
}

/**
 * Training-mode forward: y = γ·(x − μ_B)/√(σ²_B + eps) + β, then running ← (1 − momentum)·running + momentum·batch
 * (with the unbiased variance; a single value per channel has none, so the running variance then stays put,
 * where PyTorch would refuse the batch).
 */
export function batchNormTrainForward(
	g: BatchNormGeom, x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array,
	runningMean: Float32Array, runningVar: Float32Array, momentum: number, eps: number, stats: BatchNormStats,
): void {
	const { n, c, s } = g;
	const m = n * s;
	for (let ch = 0; ch < c; ch++) {
		let sum = 0;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) sum += x[o + p];
		}
		const mean = sum / m;
		// Two passes: the variance from centred values does not cancel the way E[x²] − E[x]² does.
		let sq = 0;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) {
				const d = x[o + p] - mean;
				sq += d * d;
			}
		}
		const variance = sq / m;
		const inv = 1 / Math.sqrt(variance + eps);
		stats.mean[ch] = mean;
		stats.invStd[ch] = inv;
		const scale = gamma[ch] * inv;
		const shift = beta[ch] - mean * scale;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) y[o + p] = x[o + p] * scale + shift;
		}
		runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean;
		if (m > 1) runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * (sq / (m - 1));
	}
}

/** Evaluation-mode forward with the running statistics (recorded in `stats` for evalBackward). */
export function batchNormEvalForward(
	g: BatchNormGeom, x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array,
	runningMean: Float32Array, runningVar: Float32Array, eps: number, stats: BatchNormStats,
): void {
	const { n, c, s } = g;
	for (let ch = 0; ch < c; ch++) {
		const mean = runningMean[ch];
		const inv = 1 / Math.sqrt(runningVar[ch] + eps);
		stats.mean[ch] = mean;
		stats.invStd[ch] = inv;
		const scale = gamma[ch] * inv;
		const shift = beta[ch] - mean * scale;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) y[o + p] = x[o + p] * scale + shift;
		}
	}
}

/**
 * Gradients through batch norm for upstream dy. dγ = Σ dy·x̂ and dβ = Σ dy in both modes; dx (when given) is
 * γ·invStd·dy in evaluation (the statistics are constants) and, in training, where μ and σ² depend on x:
 * dx = γ·invStd·(dy − mean(dy) − x̂·mean(dy·x̂)). All outputs are overwritten.
 */
export function batchNormBackward(
	g: BatchNormGeom, x: Float32Array, gamma: Float32Array, dy: Float32Array, stats: BatchNormStats, training: boolean,
	dx: Float32Array | null, dgamma: Float32Array, dbeta: Float32Array,
): void {
	const { n, c, s } = g;
	const m = n * s;
	for (let ch = 0; ch < c; ch++) {
		const mean = stats.mean[ch];
		const inv = stats.invStd[ch];
		let sumDy = 0;
		let sumDyXhat = 0;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) {
				const d = dy[o + p];
				sumDy += d;
				sumDyXhat += d * (x[o + p] - mean) * inv;
			}
		}
		dgamma[ch] = sumDyXhat;
		dbeta[ch] = sumDy;
		if (!dx) continue;
		const k = gamma[ch] * inv;
		if (!training) {
			for (let i = 0; i < n; i++) {
				const o = (i * c + ch) * s;
				for (let p = 0; p < s; p++) dx[o + p] = k * dy[o + p];
			}
			continue;
		}
		const meanDy = sumDy / m;
		const meanDyXhat = sumDyXhat / m;
		for (let i = 0; i < n; i++) {
			const o = (i * c + ch) * s;
			for (let p = 0; p < s; p++) {
				const xhat = (x[o + p] - mean) * inv;
				dx[o + p] = k * (dy[o + p] - meanDy - xhat * meanDyXhat);
			}
		}
	}
}
