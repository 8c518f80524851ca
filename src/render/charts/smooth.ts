/**
 * TensorBoard's smoothing: an exponential moving average with weight `w` in [0, 1), debiased so that the first
 * points are not pulled towards zero (the average of the first k values is divided by 1 − w^k). Non-finite values
 * are passed through and do not enter the average. w = 0 returns the values as they are.
 */
export function smoothEma(ys: readonly number[], w: number): number[] {
	const out = new Array<number>(ys.length);
	const weight = Math.min(0.999, Math.max(0, w));
	let last = 0;
	let n = 0;
	for (let i = 0; i < ys.length; i++) {
		const y = ys[i];
		if (!Number.isFinite(y)) {
			out[i] = y;
			continue;
		}
		n++;
		last = last * weight + (1 - weight) * y;
		out[i] = weight === 0 ? y : last / (1 - weight ** n);
	}
	return out;
}
