/**
 * The named kernels of ```cnn-conv, as the textbooks define them (cross-correlation, as PyTorch's conv2d).
 * Sizes apply to box and gaussian; the others are 3×3.
 */
export const KERNEL_NAMES = ["identity", "box", "blur", "gaussian", "sharpen", "sobel-x", "sobel-y", "laplacian", "emboss", "edge"] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

export function isKernelName(s: string): s is KernelName {
	return (KERNEL_NAMES as readonly string[]).includes(s);
}

/** Whether the name takes a size (`box 5`, `gaussian 5`). */
export function kernelTakesSize(name: KernelName): boolean {
	return name === "box" || name === "blur" || name === "gaussian" || name === "identity";
}

function binomialRow(n: number): number[] {
	let row = [1];
	for (let i = 1; i < n; i++) {
		const next = [1];
		for (let j = 1; j < i; j++) next.push(row[j - 1] + row[j]);
		next.push(1);
		row = next;
	}
	return row;
}

/** What the weights are divided by to be whole numbers: box N → N², gaussian N → 4^(N−1), else 1. */
export function kernelDivisor(name: KernelName, size = 3): number {
	if (name === "box" || name === "blur") return size * size;
	if (name === "gaussian") return 4 ** (size - 1);
	return 1;
}

/** The kernel's numbers, rows of columns. Sizes must be odd and ≥ 1 (checked by the parser). */
export function namedKernel(name: KernelName, size = 3): number[][] {
	switch (name) {
		case "identity": {
			const k = Array.from({ length: size }, () => new Array<number>(size).fill(0));
			k[(size - 1) / 2][(size - 1) / 2] = 1;
			return k;
		}
		case "box":
		case "blur":
			return Array.from({ length: size }, () => new Array<number>(size).fill(1 / (size * size)));
		case "gaussian": {
			// Binomial coefficients approximate a Gaussian and sum to 2^(2(n−1)): 3×3 is [1 2 1]ᵀ[1 2 1]/16.
			const r = binomialRow(size);
			const total = r.reduce((a, b) => a + b, 0) ** 2;
			return r.map((a) => r.map((b) => (a * b) / total));
		}
		case "sharpen":
			return [
				[0, -1, 0],
				[-1, 5, -1],
				[0, -1, 0],
			];
		case "sobel-x":
			return [
				[-1, 0, 1],
				[-2, 0, 2],
				[-1, 0, 1],
			];
		case "sobel-y":
			return [
				[-1, -2, -1],
				[0, 0, 0],
				[1, 2, 1],
			];
		case "laplacian":
			return [
				[0, 1, 0],
				[1, -4, 1],
				[0, 1, 0],
			];
		case "emboss":
			return [
				[-2, -1, 0],
				[-1, 1, 1],
				[0, 1, 2],
			];
		case "edge":
			return [
				[-1, -1, -1],
				[-1, 8, -1],
				[-1, -1, -1],
			];
	}
}
