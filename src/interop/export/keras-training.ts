/**
 * A block's training settings in Keras's words: the optimizer, the learning-rate schedule as a callback that sets
 * the rate before every batch (Keras's LearningRateScheduler steps per epoch only, and OneCycle moves per batch), and
 * early stopping as keras.callbacks.EarlyStopping(restore_best_weights=True). The rate is a closed-form function,
 * lr_at(epoch, batch, steps_per_epoch), the same one CNN Lab's schedules compute (src/engine/optim/schedule.ts), so the
 * script checks it against the rates CNN Lab records in the run note's lr column, in plain Python.
 */
import type { OptimizerSpec } from "../../engine/model-spec";
import type { LrSchedule } from "../../engine/optim/schedule";
// The exporters are in the engine's bundle (the page takes them through shared-engine too): a cycle esbuild resolves.
import { ONECYCLE, scheduledLr } from "../../worker/shared-engine";
import type { TrainExport } from "./torch-training";
import { pyNumber } from "./python";

/** A Python float literal that keeps every digit a JavaScript number has. */
const py = (v: number): string => (Number.isInteger(v) ? pyNumber(v) : String(v));

/**
 * Keras's optimizers. Keras's `weight_decay` is decoupled (AdamW's), PyTorch's and CNN Lab's is an L2 term in the
 * gradient, so a weight decay is written as a comment for the user to decide, not as an argument that would differ.
 */
function optimizerLines(o: OptimizerSpec): string[] {
	const line =
		o.name === "adam"
			? `keras.optimizers.Adam(learning_rate=${py(o.lr)}, beta_1=${py(o.beta1)}, beta_2=${py(o.beta2)}, epsilon=${py(o.eps)})`
			: `keras.optimizers.SGD(learning_rate=${py(o.lr)}, momentum=${py(o.name === "momentum" ? o.momentum || 0.9 : o.momentum)})`;
	const out = ["def make_optimizer():", `    return ${line}`];
	if (o.weightDecay > 0) out.unshift(`# weight decay ${py(o.weightDecay)} is an L2 term in CNN Lab and PyTorch; Keras's weight_decay= is decoupled (AdamW), so it is left out here.`);
	return out;
}

/** The body of lr_at: Python lines computing the rate at (epoch, batch) from BASE_LR, as scheduledLr does. */
function lrBody(s: LrSchedule | null): string[] {
	if (!s || (s.kind === "constant" && s.warmup === 0)) return ["return BASE_LR"];
	if (s.kind === "onecycle") {
		// OneCycleLR's two cosine phases over every step of the run (pct_start 0.3, div 25, final div 1e4)
		return [
			`max_lr = ${py(s.maxLr ?? 0)}`,
			`initial = max_lr / ${ONECYCLE.divFactor}`,
			`final = initial / ${py(ONECYCLE.finalDivFactor)}`,
			"total = EPOCHS * steps_per_epoch",
			"t = epoch * steps_per_epoch + batch",
			`end1 = ${ONECYCLE.pctStart} * total - 1`,
			"def anneal(a, b, pct):",
			"    return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)",
			"if t <= end1:",
			"    return anneal(initial, max_lr, t / end1)",
			"return anneal(max_lr, final, (t - end1) / (total - 1 - end1))",
		];
	}
	const out = [`warmup = ${s.warmup}`, "if epoch < warmup:", "    return BASE_LR * (epoch + 1) / (warmup + 1)", "e = epoch - warmup"];
	if (s.kind === "step") out.push(`return BASE_LR * ${py(s.gamma ?? 0.1)} ** (e // ${Math.max(1, s.stepSize ?? 1)})`);
	else if (s.kind === "cosine") out.push("t_max = max(1, EPOCHS - warmup)", "return BASE_LR * (math.cos(math.pi * e / t_max) + 1) / 2");
	else out.push("return BASE_LR");
	return out;
}

/**
 * The training settings as Python for the Keras script: constants, make_optimizer(), lr_at(epoch, batch,
 * steps_per_epoch), make_callbacks(steps_per_epoch) for model.fit, and a check of lr_at against CNN Lab's rates.
 */
export function kerasTrainingLines(train: TrainExport): string[] {
	const s = train.schedule ?? null;
	const base = s?.kind === "onecycle" ? (s.maxLr ?? 0) / ONECYCLE.divFactor : train.optimizer.lr;
	const out = [
		"# Training settings of the block: the optimizer, the learning-rate schedule and early stopping, for model.fit:",
		"#   model.compile(optimizer=make_optimizer(), loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"])",
		"#   model.fit(x, y, epochs=EPOCHS, batch_size=BATCH, validation_split=0.2, callbacks=make_callbacks(len(x) * 0.8 // BATCH))",
		"import math",
		`EPOCHS = ${train.epochs}`,
		`BATCH = ${train.batch}`,
		`BASE_LR = ${py(base)}`,
		"",
		...optimizerLines(train.optimizer),
		"",
		"def lr_at(epoch, batch, steps_per_epoch):",
		"    # epoch and batch count from 0, as CNN Lab's schedules do",
		...lrBody(s).map((l) => `    ${l}`),
		"",
		"class CnnLabSchedule(keras.callbacks.Callback):",
		"    def __init__(self, steps_per_epoch):",
		"        super().__init__()",
		"        self.steps = max(1, int(steps_per_epoch))",
		"        self.epoch = 0",
		"    def on_epoch_begin(self, epoch, logs=None):",
		"        self.epoch = epoch",
		"    def on_train_batch_begin(self, batch, logs=None):",
		"        self.model.optimizer.learning_rate.assign(lr_at(self.epoch, batch, self.steps))",
		"",
		"def make_callbacks(steps_per_epoch):",
		"    callbacks = [CnnLabSchedule(steps_per_epoch)]",
	];
	if (train.patience != null) out.push(`    callbacks.append(keras.callbacks.EarlyStopping(monitor="val_loss", patience=${train.patience}, restore_best_weights=True))`);
	out.push("    return callbacks");
	// The check: every epoch's first rate (with 3 steps an epoch for OneCycle, whose rate moves per step) is CNN Lab's.
	const steps = s?.kind === "onecycle" ? 3 : 1;
	const want: number[] = [];
	for (let e = 0; e < train.epochs && want.length < 1000; e++) for (let b = 0; b < steps; b++) want.push(scheduledLr(s, train.optimizer.lr, { epoch: e, batch: b, epochs: train.epochs, batches: steps }));
	out.push(
		"",
		`# The rates CNN Lab uses (its run note's lr column holds each epoch's first), at ${steps} step${steps === 1 ? "" : "s"} an epoch.`,
		`expected_lr = [${want.map(py).join(", ")}]`,
		`got_lr = [lr_at(e, b, ${steps}) for e in range(EPOCHS) for b in range(${steps})][:len(expected_lr)]`,
		"for k, (a, b) in enumerate(zip(got_lr, expected_lr)):",
		'    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"step {k}: lr {a} != {b}"',
		'print("lr per epoch:", got_lr[::' + steps + "])",
	);
	return out;
}
