/**
 * A block's training settings in PyTorch's words: the optimizer and the learning-rate schedule as
 * torch.optim.lr_scheduler builds them, and a check that PyTorch's rate per epoch is the one CNN Lab records in the
 * run note's lr column. A training script (the bridge's) calls make_optimizer and make_scheduler.
 */
import type { OptimizerSpec } from "../../engine/model-spec";
import type { LrSchedule } from "../../engine/optim/schedule";
import type { AugmentSpec } from "../../engine/augment";
// The exporters are in the engine's bundle (the page takes them through shared-engine too): a cycle esbuild resolves.
import { scheduledLr } from "../../worker/shared-engine";
import { pyNumber } from "./python";

/** What the export needs of a `train` line. */
export interface TrainExport {
	epochs: number;
	batch: number;
	optimizer: OptimizerSpec;
	schedule?: LrSchedule | null;
	patience?: number | null;
	/** `augment …`: written out as NumPy functions (augment-py.ts). */
	augment?: AugmentSpec | null;
}

/** A Python float literal that keeps every digit a JavaScript number has. */
const py = (v: number): string => (Number.isInteger(v) ? pyNumber(v) : String(v));

function optimizerLine(o: OptimizerSpec): string {
	const wd = `weight_decay=${py(o.weightDecay)}`;
	if (o.name === "adam") return `torch.optim.Adam(model.parameters(), lr=${py(o.lr)}, betas=(${py(o.beta1)}, ${py(o.beta2)}), eps=${py(o.eps)}, ${wd})`;
	const mu = o.name === "momentum" ? o.momentum || 0.9 : o.momentum;
	return `torch.optim.SGD(model.parameters(), lr=${py(o.lr)}, momentum=${py(mu)}, ${wd})`;
}

/** The body of make_scheduler: Python lines ending in a `return`. */
function schedulerBody(s: LrSchedule | null | undefined, epochs: number): string[] {
	const S = "torch.optim.lr_scheduler";
	if (!s || (s.kind === "constant" && s.warmup === 0)) return ["return None"];
	if (s.kind === "onecycle") {
		// Only the rate cycles in CNN Lab: cycle_momentum=False keeps Adam's betas and SGD's momentum as written.
		return [`return ${S}.OneCycleLR(optimizer, max_lr=${py(s.maxLr ?? 0)}, epochs=EPOCHS, steps_per_epoch=steps_per_epoch, cycle_momentum=False)`];
	}
	const after = epochs - s.warmup;
	const main =
		s.kind === "step"
			? `${S}.StepLR(optimizer, step_size=${s.stepSize ?? 1}, gamma=${py(s.gamma ?? 0.1)})`
			: s.kind === "cosine"
				? `${S}.CosineAnnealingLR(optimizer, T_max=${Math.max(1, after)})`
				: `${S}.ConstantLR(optimizer, factor=1.0, total_iters=0)`;
	if (s.warmup === 0) return [`return ${main}`];
	return [
		`warmup = ${S}.LinearLR(optimizer, start_factor=1 / ${s.warmup + 1}, total_iters=${s.warmup})`,
		`after = ${main}`,
		`return ${S}.SequentialLR(optimizer, [warmup, after], milestones=[${s.warmup}])`,
	];
}

/**
 * The training settings as Python: constants, make_optimizer(model), make_scheduler(optimizer, steps_per_epoch)
 * and SCHEDULE_PER_BATCH (OneCycleLR steps after every batch, the others after every epoch); then, for a schedule
 * stepped per epoch, a check that PyTorch's rates are CNN Lab's.
 */
export function torchTrainingLines(train: TrainExport): string[] {
	const s = train.schedule ?? null;
	const out = [
		"# Training settings of the block: the optimizer and the learning-rate schedule (torch.optim.lr_scheduler).",
		`EPOCHS = ${train.epochs}`,
		`BATCH = ${train.batch}`,
	];
	if (train.patience != null) out.push(`PATIENCE = ${train.patience}  # early stopping on the validation loss, then back to the best epoch's weights`);
	out.push(`SCHEDULE_PER_BATCH = ${s?.kind === "onecycle" ? "True" : "False"}`, "");
	out.push("def make_optimizer(model):", `    return ${optimizerLine(train.optimizer)}`, "");
	out.push("def make_scheduler(optimizer, steps_per_epoch):");
	for (const l of schedulerBody(s, train.epochs)) out.push(`    ${l}`);
	if (!s || s.kind === "onecycle" || (s.kind === "constant" && s.warmup === 0)) return out;
	const base = train.optimizer.lr;
	const want = Array.from({ length: train.epochs }, (_, e) => scheduledLr(s, base, { epoch: e, batch: 0, epochs: train.epochs, batches: 1 }));
	out.push(
		"",
		"# The rate of every epoch, as CNN Lab's run note records it (its lr column).",
		`expected_lr = [${want.map(py).join(", ")}]`,
		"optimizer = make_optimizer(model)",
		"scheduler = make_scheduler(optimizer, 1)",
		"got_lr = []",
		"for epoch in range(EPOCHS):",
		'    got_lr.append(optimizer.param_groups[0]["lr"])',
		"    optimizer.step()",
		"    scheduler.step()",
		"for e, (a, b) in enumerate(zip(got_lr, expected_lr)):",
		'    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"epoch {e + 1}: lr {a} != {b}"',
		'print("lr per epoch:", got_lr)',
	);
	return out;
}
