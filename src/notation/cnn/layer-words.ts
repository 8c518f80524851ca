/**
 * The words a ```cnn block understands, with the aliases people write in notes and frameworks, and the
 * "did you mean" lookup for everything else.
 */

export type LayerWord =
	| "input"
	| "conv"
	| "maxpool"
	| "avgpool"
	| "relu"
	| "leakyrelu"
	| "sigmoid"
	| "tanh"
	| "flatten"
	| "dense"
	| "dropout"
	| "softmax"
	| "batchnorm"
	| "gap"
	| "adaptiveavgpool"
	| "depthwise"
	| "convtranspose";

export type SettingWord = "train" | "sample" | "show" | "weights";

const layerAliases: Record<string, LayerWord> = {
	input: "input",
	in: "input",
	inputs: "input",
	image: "input",
	conv: "conv",
	conv2d: "conv",
	convolution: "conv",
	convolutional: "conv",
	convolution2d: "conv",
	maxpool: "maxpool",
	maxpooling: "maxpool",
	maxpool2d: "maxpool",
	maxpooling2d: "maxpool",
	pool: "maxpool",
	pooling: "maxpool",
	avgpool: "avgpool",
	avgpool2d: "avgpool",
	avgpooling: "avgpool",
	averagepool: "avgpool",
	averagepooling: "avgpool",
	averagepooling2d: "avgpool",
	averagepool2d: "avgpool",
	meanpool: "avgpool",
	relu: "relu",
	leakyrelu: "leakyrelu",
	lrelu: "leakyrelu",
	sigmoid: "sigmoid",
	logistic: "sigmoid",
	tanh: "tanh",
	flatten: "flatten",
	dense: "dense",
	fc: "dense",
	linear: "dense",
	fullyconnected: "dense",
	dropout: "dropout",
	softmax: "softmax",
	batchnorm: "batchnorm",
	bn: "batchnorm",
	batchnorm1d: "batchnorm",
	batchnorm2d: "batchnorm",
	batchnormalization: "batchnorm",
	gap: "gap",
	globalavgpool: "gap",
	globalavgpool2d: "gap",
	globalaveragepool: "gap",
	globalaveragepooling: "gap",
	globalaveragepooling2d: "gap",
	adaptiveavgpool: "adaptiveavgpool",
	adaptiveavgpool2d: "adaptiveavgpool",
	adaptiveaveragepool: "adaptiveavgpool",
	adaptiveaveragepool2d: "adaptiveavgpool",
	depthwise: "depthwise",
	depthwiseconv: "depthwise",
	depthwiseconv2d: "depthwise",
	dwconv: "depthwise",
	convtranspose: "convtranspose",
	convtranspose2d: "convtranspose",
	conv2dtranspose: "convtranspose",
	transposedconv: "convtranspose",
	deconv: "convtranspose",
	deconvolution: "convtranspose",
};

const settingAliases: Record<string, SettingWord> = {
	train: "train",
	training: "train",
	fit: "train",
	sample: "sample",
	show: "show",
	weights: "weights",
	weight: "weights",
};

/** Lower case without the separators people put inside a word: "Max_Pool2D" and "max-pool2d" read alike. */
export function normalizeWord(w: string): string {
	return w.toLowerCase().replace(/[_\-\s.]/g, "");
}

export function layerWord(w: string): LayerWord | null {
	return layerAliases[normalizeWord(w)] ?? null;
}

export function settingWord(w: string): SettingWord | null {
	return settingAliases[normalizeWord(w)] ?? null;
}

/** Datasets whose shape an `input` line may borrow: `input digits`, `input shapes 16`. */
export function datasetShape(name: string, size: number | null): [number, number, number] | null {
	switch (normalizeWord(name)) {
		case "digits":
			return [1, 8, 8];
		case "mnist":
		case "fashionmnist":
		case "fashion":
			return [1, 28, 28];
		case "shapes": {
			const s = size ?? 16;
			return [1, s, s];
		}
		default:
			return null;
	}
}

export function isDatasetName(name: string): boolean {
	return datasetShape(name, null) !== null;
}

/** Levenshtein distance, capped: beyond `max` the exact value does not matter. */
export function editDistance(a: string, b: string, max = 3): number {
	if (Math.abs(a.length - b.length) > max) return max + 1;
	let prev = new Array<number>(b.length + 1);
	let cur = new Array<number>(b.length + 1);
	for (let j = 0; j <= b.length; j++) prev[j] = j;
	for (let i = 1; i <= a.length; i++) {
		cur[0] = i;
		let rowMin = cur[0];
		for (let j = 1; j <= b.length; j++) {
			const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (cur[j] < rowMin) rowMin = cur[j];
		}
		if (rowMin > max) return max + 1;
		[prev, cur] = [cur, prev];
	}
	return prev[b.length];
}

const canonicalWords = [
	"input",
	"conv",
	"conv2d",
	"maxpool",
	"avgpool",
	"relu",
	"leakyrelu",
	"sigmoid",
	"tanh",
	"flatten",
	"dense",
	"dropout",
	"softmax",
	"batchnorm",
	"gap",
	"adaptiveavgpool",
	"depthwise",
	"convtranspose",
	// the start of a residual block (`end` is too short to guess from a typo without catching other words)
	"residual",
	"train",
	"sample",
	"show",
	"weights",
];

/** The closest known word to a typo, or null when nothing is close enough to be a useful guess. */
export function closestWord(w: string): string | null {
	const n = normalizeWord(w).slice(0, 40);
	if (n.length === 0) return null;
	let best: string | null = null;
	let bestD = Math.max(1, Math.min(3, Math.floor(n.length / 2)));
	for (const c of canonicalWords) {
		const d = editDistance(n, c, 3);
		if (d <= bestD && (best === null || d < editDistance(n, best, 3))) {
			best = c;
			bestD = d;
		}
	}
	if (best === null && n.length >= 3) {
		// a prefix is a strong hint too ("dens", "maxp")
		best = canonicalWords.find((c) => c.startsWith(n)) ?? null;
	}
	return best;
}
