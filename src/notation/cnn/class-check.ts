/**
 * A network with fewer class scores than its training data has classes cannot learn them: said at the last dense
 * row when the block renders (and by `cnn-lab check`), not only after Train is pressed. Only the built-in sets'
 * classes are known from the name; vault data is checked when it is read (src/worker/datasets.ts's fitDataset).
 */
import { getLanguage, t } from "../../i18n";
import "../../i18n/strings-data";
import type { DiagnosticList } from "./diagnostics";
import { fitChanges } from "../../worker/shared-engine";
import type { InputShape } from "../../engine/model-spec";
import { datasetShape, normalizeWord } from "./layer-words";
import type { ShapeReport } from "./shapes";

/** Classes of a built-in dataset named in a train line, or null when only reading it would tell. */
export function builtinClasses(dataset: string): number | null {
	switch (normalizeWord(dataset.trim().split(/\s+/)[0] ?? "")) {
		case "digits":
			return 10;
		case "shapes":
			return 8; // src/data/shapes.ts's SHAPE_CLASSES, as the plugin and the CLI generate it
		default:
			return null;
	}
}

/** The last layer with `classes` outputs, as it was written: PyTorch's out_features, Keras's units, or `dense N`. */
function outputsFix(text: string, classes: number): string {
	const torch = /^(\s*(?:[\w]+\.)*Linear\s*\(\s*[^,()]+,\s*)\d+/.exec(text);
	if (torch) return text.replace(torch[0], `${torch[1]}${classes}`).trim();
	const keras = /^(\s*(?:[\w]+\.)*Dense\s*\(\s*(?:units\s*=\s*)?)\d+/.exec(text);
	if (keras) return text.replace(keras[0], `${keras[1]}${classes}`).trim();
	return `dense ${classes}`;
}

export function checkOutputsCoverClasses(dataset: string, report: ShapeReport, diags: DiagnosticList): void {
	const classes = builtinClasses(dataset);
	if (classes === null) return;
	for (let i = report.rows.length - 1; i >= 0; i--) {
		const row = report.rows[i];
		const spec = row.spec;
		if (!spec || spec.type === "conv") return; // the scores come from no dense layer: nothing to count
		if (spec.type !== "dense") continue;
		if (spec.units >= classes) return;
		const fix = outputsFix(row.layer.text, classes);
		const d = { line: row.layer.line, column: row.layer.column, severity: "error" as const, message: t("data.fit.classesAt", { outputs: spec.units, name: normalizeWord(dataset.trim().split(/\s+/)[0]), classes }), suggestion: fix };
		row.diagnostics.push(d);
		diags.add(d);
		return;
	}
}

/**
 * The fitting a training run will do to a built-in dataset of fixed size (8×8 digits for an `input 32x32x1`), said
 * at the train line when the block renders, in fitToInput's own words. Shapes are drawn at the input's size, so
 * only the digits are ever resized.
 */
export function noteDataFitting(train: { dataset: string; line: number }, input: InputShape, diags: DiagnosticList): void {
	const word = normalizeWord(train.dataset.trim().split(/\s+/)[0] ?? "");
	if (word !== "digits") return;
	const from = datasetShape(word, null);
	if (!from) return;
	const changes = fitChanges(from, input, getLanguage());
	if (changes.length === 0) return;
	// (a Chinese sentence takes the full-width semicolon)
	diags.add({ line: train.line, column: 1, severity: "info", message: t("data.fit.atRender", { name: word, changes: changes.join(getLanguage() === "zh" ? "；" : "; ") }) });
}
