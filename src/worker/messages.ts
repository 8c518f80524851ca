/**
 * The training worker's protocol. The UI sends `start` and `stop`; the worker answers `ready` (what it will train,
 * and the model before training), throttled `progress` (per-batch and per-epoch metrics since the last message) and
 * exactly one ending: `done`, `stopped` or `failed`. The same messages flow when the run happens on the UI thread
 * (inline fallback), so the panel cannot tell the two apart.
 */
import type { InputShape, ModelSpec, OptimizerSpec } from "../engine/model-spec";
import type { BatchMetrics, EpochMetrics } from "../engine/run-metrics";
import type { LrSchedule } from "../engine/optim/schedule";
import type { AugmentSpec } from "../engine/augment";

/** Built-in datasets are made inside the worker; the user's own data is read from the vault and sent as arrays. */
export type DatasetDescriptor =
	| { kind: "digits" }
	| { kind: "shapes"; size: number; count: number; seed: number; classes?: number }
	| {
			kind: "arrays";
			name: string;
			/** N×C×H×W, values 0..1. */
			x: Float32Array;
			y: Uint8Array;
			n: number;
			shape: InputShape;
			classes: number;
			classNames: string[];
			credit?: string;
	  };

export interface TrainSettings {
	epochs: number;
	batch: number;
	optimizer: OptimizerSpec;
	seed: number;
	/** Fraction held out for validation. */
	val: number;
	limit: number | null;
	schedule?: LrSchedule | null;
	/** Early stopping on the validation loss (see TrainConfig.patience). */
	patience?: number | null;
	/** `augment …`: training batches only, seeded by `seed`. */
	augment?: AugmentSpec | null;
}

export interface StartMessage {
	type: "start";
	runId: number;
	model: ModelSpec;
	train: TrainSettings;
	dataset: DatasetDescriptor;
	/** A test set of its own (`test …`), evaluated once at the end; the results are then the test set's. */
	test?: DatasetDescriptor | null;
	/** The run stops by itself after this long (settings.maxRunSeconds). */
	maxSeconds: number;
	/** Which input to draw feature maps for: an index, or a class name / label. */
	sample: { index: number | null; label: string | null } | null;
	/** The app's language, so that messages made in the worker read in it too. */
	lang?: string;
}

export interface StopMessage {
	type: "stop";
	runId: number;
}

export type ToWorker = StartMessage | StopMessage;

export interface RunInfo {
	datasetName: string;
	credit?: string;
	classNames: string[];
	trainCount: number;
	valCount: number;
	/** Images in the test set; absent without one. */
	testCount?: number;
	batchesPerEpoch: number;
	epochs: number;
	inputShape: InputShape;
	paramCount: number;
	/** Set when the data were resized or their channels repeated to fit the input line. */
	fitNote?: string;
	/** What computed the run: the WebAssembly SIMD kernels or the plain JavaScript ones (they round differently). */
	backend?: "wasm-simd" | "js";
}

/** First-layer filters: count × channels × kh × kw, row-major. */
export interface FilterSet {
	count: number;
	channels: number;
	kh: number;
	kw: number;
	data: Float32Array;
}

/** One layer's output for the drawn sample: shape [C, H, W] or [F]. */
export interface ActivationMap {
	label: string;
	shape: number[];
	data: Float32Array;
}

export interface Snapshot {
	filters: FilterSet | null;
	/** The sample itself first (label "input"), then every layer's output. */
	activations: ActivationMap[];
	sampleIndex: number;
	sampleLabel: number;
	/** Before training with `augment`: a few training images as a batch sees them (C×H×W each). */
	augmented?: AugmentedPreview;
}

/** A few training images augmented as a batch will see them, and the augmentation that made them. */
export interface AugmentedPreview {
	spec: AugmentSpec;
	images: { data: Float32Array; label: number }[];
}

export interface ValSample {
	/** The pixels, C×H×W. */
	data: Float32Array;
	label: number;
	pred: number;
	confidence: number;
}

export interface RunResult {
	final: EpochMetrics | null;
	/** confusion[true][predicted] counts on the test set when there is one, else validation (else training). */
	confusion: number[][];
	/** The test set's loss and accuracy on the final weights; absent without one. Samples are then test images. */
	test?: { loss: number; acc: number; n: number };
	samples: ValSample[];
	after: Snapshot;
	weights: Float32Array;
	/** With patience: the epoch whose weights the model ended on, and whether the run stopped before its last epoch. */
	bestEpoch?: number;
	earlyStop?: boolean;
}

export interface ReadyMessage {
	type: "ready";
	runId: number;
	info: RunInfo;
	before: Snapshot;
}

export interface ProgressMessage {
	type: "progress";
	runId: number;
	epoch: number;
	batch: number;
	batchesPerEpoch: number;
	epochs: number;
	/** Fraction of all batches done, 0..1. */
	fraction: number;
	samplesPerSec: number;
	elapsedSeconds: number;
	/** Estimated from the pace so far; null until a few batches have run. */
	secondsLeft: number | null;
	batches: BatchMetrics[];
	epochsDone: EpochMetrics[];
	/** The network as an epoch left it, so the page's views follow the training (at most one a second). */
	view?: EpochView;
}

/** The weights and the sample's filters and feature maps after an epoch, mid-run. */
export interface EpochView {
	epoch: number;
	weights: Float32Array;
	snapshot: Snapshot;
}

export type StopReason = "user" | "time";

export interface EndMessage {
	type: "done" | "stopped" | "failed";
	runId: number;
	/** For failed: what went wrong, naming the epoch and batch where it did. */
	message: string;
	reason?: StopReason;
	elapsedSeconds: number;
	samplesPerSec: number;
	result: RunResult | null;
}

export type FromWorker = ReadyMessage | ProgressMessage | EndMessage;
