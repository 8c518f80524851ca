import { checkLimits, priceModel } from "../../notation/cnn/limits";
import type { ModelSpec } from "../../engine/model-spec";
import type { TrainSpec } from "../../notation/cnn/types";
import type { CnnLabSettings } from "../settings";
import { joinText, t } from "../../i18n";
import "../../i18n/strings-limits";

/** Samples per epoch known before reading anything: the built-in sets' sizes; 0 (unknown) for vault data. */
export function knownTrainSamples(train: TrainSpec): number {
	const name = train.dataset.trim().toLowerCase();
	const all = name === "digits" ? 1797 : name === "shapes" ? Math.max(80, Math.min(train.limit ?? 2400, 20000)) : 0;
	const n = train.limit !== null && train.limit > 0 ? Math.min(all || train.limit, train.limit) : all;
	return Math.round(n * (1 - train.val));
}

/**
 * Why this model must not train under the configured limits (with the numbers and the setting to change), or null.
 * `samplesPerEpoch` is the real count once the data are read; before that the count known from the dataset's name.
 * `testSamples`: a test set's images (`train mnist test mnist`), known once it is read; its one evaluation pass at
 * the end counts in the run's time.
 */
export function refusal(
	model: ModelSpec,
	train: TrainSpec,
	settings: Pick<CnnLabSettings, "maxParameters" | "maxActivationMB" | "maxMultiplyAddsPerEpoch" | "maxRunSeconds">,
	samplesPerEpoch = knownTrainSamples(train),
	testSamples = 0,
): string | null {
	const price = priceModel(model, train.batch, samplesPerEpoch, train.epochs, train.test ? testSamples : 0);
	const problems = checkLimits(price, settings);
	if (problems.length === 0) return null;
	// far over a limit, raising it is no advice: say once that the network must shrink, and advise raising none of
	// the others either (a run refused for 3.3e9 parameters is not helped by a larger activation memory)
	const far = problems.some((p) => p.far);
	const said = problems.flatMap((p) => (p.advice && !far ? [p.message, p.advice] : [p.message]));
	if (far) said.push(t("limits.shrink"));
	// sentences in Chinese follow each other without a space
	return joinText(said);
}
