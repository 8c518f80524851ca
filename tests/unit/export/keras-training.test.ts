// The Keras export of a block's training settings: optimizer, schedule callback, early stopping. Keras itself is not
// installed here, so the script's training part runs under plain Python with a two-class stand-in for `keras`; where
// torch is installed its rates are compared with torch.optim.lr_scheduler's own (the PyTorch export's make_scheduler),
// an implementation CNN Lab did not write.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { toKeras, toPyTorch } from "../../../src/interop/export";
import { parseCnn } from "../../../src/notation/cnn/parse";

const pythonHere = spawnSync("/usr/bin/python3", ["-c", "pass"], { stdio: "ignore" }).status === 0;
const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

function block(train: string): ReturnType<typeof parseCnn> {
	const p = parseCnn(`input digits\nconv 8 3x3 pad 1\nrelu\nflatten\ndense 10\n${train}`);
	if (!p.model || !p.train) throw new Error("the block should parse");
	return p;
}

/** The script's training part (after the model and its shape check), which needs only `keras.callbacks` and `keras.optimizers`. */
function trainingPart(train: string): string {
	const p = block(train);
	const code = toKeras(p.model ?? { input: [1, 1, 1], layers: [] }, { train: p.train });
	const at = code.indexOf("# Training settings of the block");
	if (at < 0) throw new Error("no training settings in the Keras script");
	return code.slice(at);
}

const KERAS_STUB = [
	"import types",
	"keras = types.SimpleNamespace()",
	"class Callback:",
	"    def __init__(self): pass",
	"class EarlyStopping:",
	"    def __init__(self, **kw): self.kw = kw",
	"class Opt:",
	"    def __init__(self, **kw): self.kw = kw",
	"keras.callbacks = types.SimpleNamespace(Callback=Callback, EarlyStopping=EarlyStopping)",
	"keras.optimizers = types.SimpleNamespace(SGD=lambda **kw: ('SGD', kw), Adam=lambda **kw: ('Adam', kw))",
].join("\n");

const SCHEDULES = ["train epochs 12 sgd lr 0.03 schedule step 5 0.5 warmup 2", "train epochs 9 adam lr 0.002 cosine warmup 3", "train epochs 4 onecycle max 0.01", "train epochs 6 momentum lr 0.1 patience 2"];

describe("Keras export of the training settings", () => {
	it("writes the optimizer, a per-batch schedule callback, EarlyStopping with the best weights, and the rates to check", () => {
		const step = trainingPart(SCHEDULES[0]);
		expect(step).toContain("keras.optimizers.SGD(learning_rate=0.03, momentum=0.0)");
		expect(step).toContain("return BASE_LR * 0.5 ** (e // 5)");
		expect(step).toContain("expected_lr = [0.01, 0.02, 0.03");
		const adam = trainingPart(SCHEDULES[1]);
		expect(adam).toContain("keras.optimizers.Adam(learning_rate=0.002, beta_1=0.9, beta_2=0.999");
		expect(trainingPart(SCHEDULES[3])).toContain('keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)');
		expect(trainingPart("train epochs 3 sgd lr 0.1 weight-decay 0.0005")).toContain("weight decay 0.0005 is an L2 term");
	});

	it.runIf(pythonHere)("runs: lr_at gives CNN Lab's rate at every step (the script asserts it), and the callbacks build", () => {
		for (const t of SCHEDULES) {
			const py = `${KERAS_STUB}\n${trainingPart(t)}\ncbs = make_callbacks(10)\nprint("CALLBACKS", len(cbs))\nprint("OPT", make_optimizer()[0])\n`;
			const out = execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8", timeout: 60_000 });
			expect(out).toContain("lr per epoch:");
			expect(out).toContain(`CALLBACKS ${t.includes("patience") ? 2 : 1}`);
		}
	});

	it.runIf(torchHere)("gives the rates torch.optim.lr_scheduler gives for the same line, epoch by epoch and (OneCycle) step by step", () => {
		for (const t of SCHEDULES.slice(0, 3)) {
			const p = block(t);
			const torchCode = toPyTorch(p.model ?? { input: [1, 1, 1], layers: [] }, { train: p.train });
			const steps = t.includes("onecycle") ? 10 : 1;
			const py = [
				"import torch, torch.nn as nn",
				"model = nn.Linear(2, 2)",
				torchCode.slice(torchCode.indexOf("# Training settings of the block")).split("\n# The rate of every epoch")[0],
				`scheduler = make_scheduler(make_optimizer(model), ${steps})`,
				"opt = scheduler.optimizer",
				"torch_rates = []",
				`for t in range(EPOCHS * ${steps}):`,
				'    torch_rates.append(opt.param_groups[0]["lr"])',
				"    opt.step()",
				"    scheduler.step() if SCHEDULE_PER_BATCH or (t + 1) % " + steps + " == 0 else None",
				"keras_torch = {}",
				KERAS_STUB,
				trainingPart(t).split("\n# The rates CNN Lab uses")[0],
				`keras_rates = [lr_at(e, b, ${steps}) for e in range(EPOCHS) for b in range(${steps})]`,
				"worst = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(keras_rates, torch_rates))",
				'print("N", len(torch_rates), len(keras_rates), "WORST", worst)',
			].join("\n");
			const out = execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8", timeout: 120_000 });
			const m = /N (\d+) (\d+) WORST (\S+)/.exec(out);
			expect(m, out).not.toBeNull();
			expect(Number(m?.[1])).toBe(Number(m?.[2]));
			expect(Number(m?.[3])).toBeLessThan(1e-9);
		}
	});
});
