import type { InputShape, LayerSpec, ModelSpec, OptimizerSpec } from "../../engine/model-spec";
import type { Diagnostic } from "../diagnostic";
import type { LrSchedule } from "../../engine/optim/schedule";
import type { AugmentSpec } from "../../engine/augment";

/** One layer as written: its description, where it stands and the text the user typed. */
export interface LayerLine {
	spec: LayerSpec;
	line: number;
	text: string;
}

export interface TrainSpec {
	line: number;
	/** "digits", "shapes", or a vault path / link to IDX, CSV or an image folder. */
	dataset: string;
	epochs: number;
	batch: number;
	optimizer: OptimizerSpec;
	seed: number | null;
	/** Fraction held out for validation. */
	val: number;
	/** Use at most this many samples. */
	limit: number | null;
	saveWeights: boolean;
	/** `schedule step 5 0.5`, `cosine`, `onecycle max 0.01`, `warmup 2`; absent or null: a constant rate. */
	schedule?: LrSchedule | null;
	/** `patience 3`: early stopping on the validation loss, ending on the best epoch's weights. */
	patience?: number | null;
	/**
	 * `test mnist` / `test data/test.csv`: a test set of its own, read as the dataset is (an IDX folder gives its
	 * t10k pair), evaluated once at the end. Absent or null: none.
	 */
	test?: string | null;
	/** Where `test` stands on the train line (1-based column), for the message about built-in data. */
	testColumn?: number;
	/** `augment shift 2 flip rotate 10 noise 0.05`: training batches only. Absent or null: none. */
	augment?: AugmentSpec | null;
}

export interface ParsedCnn {
	/** null when the input line is missing or the layers cannot be built. */
	model: ModelSpec | null;
	input: { shape: InputShape; line: number; text: string; dataset?: string } | null;
	layers: LayerLine[];
	train: TrainSpec | null;
	/** Which input to draw feature maps for: an index into the dataset, or a class name / label. */
	sample: { line: number; index: number | null; label: string | null } | null;
	show: { line: number; views: string[] } | null;
	/**
	 * `weights [[model.safetensors]]`: a PyTorch state_dict file (a vault link or path, as written, link brackets
	 * and quotes removed) whose weights the block's explorer and feature maps show. Absent or null: none.
	 */
	weights?: { line: number; ref: string } | null;
	diagnostics: Diagnostic[];
}

/** What the PyTorch / Keras importers return: layers and an input shape read from pasted framework code. */
export interface ImportedNetwork {
	framework: "pytorch" | "keras";
	input: InputShape | null;
	layers: LayerLine[];
	diagnostics: Diagnostic[];
}
