/**
 * The training-practice words of a `train` line (schedules, `warmup`, `patience`), read where parse-settings meets
 * a word it does not know, and the checks that need the whole line (`val 0` with patience, warmup past the end).
 */
import type { LrSchedule } from "../../engine/optim/schedule";
import { t } from "../../i18n";
import "../../i18n/strings-train-practice";
import type { DiagnosticList } from "./diagnostics";
import { normalizeWord } from "./layer-words";
import type { Token } from "../tokenize";
import type { TrainSpec } from "./types";

/** Reads one number after rest[i]: null (with an error at the line) when it is missing or out of range. */
export type NumberReader = (i: number, what: string, min: number, max: number, int: boolean) => number | null;

function setSchedule(spec: TrainSpec, s: Omit<LrSchedule, "warmup">, tok: Token, line: number, diags: DiagnosticList): void {
	if (spec.schedule && spec.schedule.kind !== "constant") diags.at(line, tok, "warning", t("practice.scheduleTwice", { word: tok.text }));
	spec.schedule = { ...s, warmup: spec.schedule?.warmup ?? 0 };
}

/** Words of the train line that cannot be a test set's name (`test epochs 5` lacks the data). */
const TRAIN_WORDS = new Set(["epochs", "epoch", "batch", "batchsize", "bs", "lr", "learningrate", "sgd", "momentum", "adam", "optimizer", "opt", "seed", "val", "validation", "valsplit", "limit", "save", "weightdecay", "wd", "decay", "beta1", "beta2", "augment", "augmentation", "aug", "schedule", "scheduler", "cosine", "onecycle", "step", "warmup", "patience", "earlystop"]);

/** The words that may follow `augment`, by their normal form. */
const AUGMENT_WORDS: Record<string, "shift" | "flip" | "rotate" | "noise"> = {
	shift: "shift",
	translate: "shift",
	flip: "flip",
	hflip: "flip",
	mirror: "flip",
	rotate: "rotate",
	rotation: "rotate",
	rot: "rotate",
	noise: "noise",
	gaussiannoise: "noise",
};

/** `augment shift 2 flip rotate 10 noise 0.05` from rest[i] (the word augment); the index of the last token used. */
function readAugment(rest: Token[], i: number, line: number, diags: DiagnosticList, spec: TrainSpec, num: NumberReader): number {
	const a = { shift: 0, flip: false, rotate: 0, noise: 0 };
	let at = i;
	let any = false;
	for (;;) {
		const next = rest[at + 1];
		const word = next ? AUGMENT_WORDS[normalizeWord(next.text)] : undefined;
		if (!word) break;
		at++;
		any = true;
		if (word === "flip") {
			a.flip = true;
			continue;
		}
		if (rest[at + 1]?.num === undefined) {
			diags.at(line, rest[at], "error", t("spec.missingValue", { key: rest[at].text }), "augment shift 2 flip rotate 10 noise 0.05");
			continue;
		}
		const v = word === "shift" ? num(at, "shift", 0, 64, true) : word === "rotate" ? num(at, "rotate", 0, 180, false) : num(at, "noise", 0, 1, false);
		at++;
		if (v !== null) a[word] = v;
	}
	if (!any) diags.at(line, rest[i], "warning", t("practice.augmentNeedsWhat"), "augment shift 2 flip rotate 10 noise 0.05");
	else spec.augment = a;
	return at;
}

/**
 * Reads the practice word at rest[i] into `spec`; returns the index of the last token it used, or −1 when the
 * word is not one of these.
 */
export function readPracticeWord(rest: Token[], i: number, line: number, diags: DiagnosticList, spec: TrainSpec, num: NumberReader): number {
	let n = normalizeWord(rest[i].text);
	let at = i;
	if (n === "schedule" || n === "scheduler" || n === "lrschedule") {
		const next = rest[i + 1];
		const kind = next ? normalizeWord(next.text) : "";
		if (kind !== "step" && kind !== "steplr" && kind !== "cosine" && kind !== "cos" && kind !== "onecycle") {
			diags.at(line, rest[i], "error", t("practice.scheduleNeedsKind"), "schedule step 5 0.5");
			return i;
		}
		at = i + 1;
		n = kind;
	}
	const tok = rest[at];
	switch (n) {
		case "step":
		case "steplr": {
			if (rest[at + 1]?.num === undefined) {
				if (at === i) return -1;
				diags.at(line, tok, "error", t("spec.missingValue", { key: tok.text }), "schedule step 5 0.5");
				return at;
			}
			const size = num(at, "step", 1, 10_000, true);
			let end = at + 1;
			let gamma = 0.1;
			if (rest[at + 2]?.num !== undefined) {
				const g = num(at + 1, "gamma", 1e-6, 1, false);
				end = at + 2;
				if (g !== null) gamma = g;
			}
			if (size !== null) setSchedule(spec, { kind: "step", stepSize: size, gamma }, tok, line, diags);
			return end;
		}
		case "cosine":
		case "cos":
			setSchedule(spec, { kind: "cosine" }, tok, line, diags);
			return at;
		case "onecycle": {
			let end = at;
			if (rest[end + 1] && normalizeWord(rest[end + 1].text) === "max") end++;
			if (rest[end + 1]?.num === undefined) {
				diags.at(line, tok, "error", t("practice.onecycleNeedsMax"), "onecycle max 0.01");
				return end;
			}
			const max = num(end, "max", 1e-9, 100, false);
			if (max !== null) setSchedule(spec, { kind: "onecycle", maxLr: max }, tok, line, diags);
			return end + 1;
		}
		case "warmup": {
			const w = num(at, "warmup", 0, 10_000, true);
			if (w !== null) spec.schedule = { ...(spec.schedule ?? { kind: "constant" }), warmup: w };
			return at + 1;
		}
		case "test":
		case "testset":
		case "testdata": {
			const ref = rest[at + 1];
			const word = ref ? normalizeWord(ref.text) : "";
			const setting = TRAIN_WORDS.has(word) || word in AUGMENT_WORDS;
			// `train test epochs 5`: a dataset named "test", as before the word existed.
			if (i === 0 && (!ref || setting)) return -1;
			if (!ref || ref.num !== undefined || ref.size || setting) {
				diags.at(line, tok, "error", t("practice.testNeedsData"), "test mnist");
				return at;
			}
			spec.test = ref.text;
			spec.testColumn = tok.column;
			return at + 1;
		}
		case "augment":
		case "augmentation":
		case "aug":
			return readAugment(rest, at, line, diags, spec, num);
		case "patience":
		case "earlystop":
		case "earlystopping": {
			const p = num(at, "patience", 1, 10_000, true);
			if (p !== null) spec.patience = p;
			return at + 1;
		}
	}
	return -1;
}

/** Checks that need the whole train line; `lrGiven` says whether the line set `lr`. */
export function checkPractice(spec: TrainSpec, tokens: Token[], line: number, diags: DiagnosticList, lrGiven: boolean): void {
	const find = (...words: string[]): Token => tokens.find((x) => words.includes(normalizeWord(x.text))) ?? tokens[0];
	const s = spec.schedule;
	if (s && s.kind === "onecycle") {
		if (s.warmup > 0) diags.at(line, find("warmup"), "warning", t("practice.onecycleWarmup", { n: s.warmup }));
		if (lrGiven) diags.at(line, find("lr", "learningrate"), "info", t("practice.onecycleLr", { start: (s.maxLr ?? 0) / 25, lr: spec.optimizer.lr }));
	} else if (s && s.warmup >= spec.epochs && s.kind !== "constant") {
		diags.at(line, find("warmup"), "warning", t("practice.warmupTooLong", { n: s.warmup, epochs: spec.epochs }));
	}
	if (spec.patience != null) {
		if (spec.val === 0) diags.at(line, find("patience", "earlystop", "earlystopping"), "warning", t("practice.patienceNeedsVal"), "val 0.2");
		else if (spec.patience >= spec.epochs) diags.at(line, find("patience", "earlystop", "earlystopping"), "info", t("practice.patienceTooLong", { n: spec.patience, epochs: spec.epochs }));
	}
}

/**
 * A schedule in the train line's own words ("step 5 0.5", "cosine warmup 2", "onecycle max 0.01"): what a run note
 * records, so the note reads as the line that made it. Null for a constant rate without warmup.
 */
export function scheduleWords(s: LrSchedule | null | undefined): string | null {
	if (!s) return null;
	const head = s.kind === "step" ? `step ${s.stepSize ?? 1} ${s.gamma ?? 0.1}` : s.kind === "cosine" ? "cosine" : s.kind === "onecycle" ? `onecycle max ${s.maxLr ?? 0}` : "";
	const warm = s.warmup > 0 && s.kind !== "onecycle" ? `warmup ${s.warmup}` : "";
	return [head, warm].filter((w) => w !== "").join(" ") || null;
}

/**
 * Once the whole block is read (the dataset may come from the input line): a built-in set has no test data of its
 * own, and a part held out of the training data is validation, not a test set, so `test` is refused there.
 */
export function checkTestSet(spec: TrainSpec, diags: DiagnosticList): void {
	if (!spec.test) return;
	const own = normalizeWord(spec.test);
	if (own === "digits" || own === "shapes") {
		diags.add({ line: spec.line, column: spec.testColumn ?? 1, severity: "warning", message: t("practice.testBuiltin", { name: spec.test }) });
		spec.test = null;
	}
}
