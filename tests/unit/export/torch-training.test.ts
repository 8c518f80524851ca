import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toPyTorch } from "../../../src/interop/export";
import { oneCycleLr } from "../../../src/engine/optim/schedule";
import { parseCnn } from "../../../src/notation/cnn/parse";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
const pythonHere = spawnSync("/usr/bin/python3", ["-c", "pass"], { stdio: "ignore" }).status === 0;

function exported(train: string): string {
	const p = parseCnn(`input digits\nconv 8 3x3 pad 1\nrelu\nflatten\ndense 10\n${train}`);
	if (!p.model) throw new Error("the block should parse");
	return toPyTorch(p.model, { train: p.train });
}

const expectedLr = (code: string): number[] => {
	const m = /^expected_lr = \[(.*)\]$/m.exec(code);
	if (!m) throw new Error("no expected_lr line");
	return m[1].split(", ").map(Number);
};

describe("PyTorch export of the training settings", () => {
	it("writes StepLR after a LinearLR warmup in a SequentialLR, and the rates the run note records", () => {
		const code = exported("train epochs 12 sgd lr 0.03 schedule step 5 0.5 warmup 2");
		expect(code).toContain("torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.0, weight_decay=0.0)");
		expect(code).toContain("warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1 / 3, total_iters=2)");
		expect(code).toContain("after = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)");
		expect(code).toContain("milestones=[2]");
		// two warmup epochs at 1/3 and 2/3 of the rate, then StepLR from its epoch 0: 5 epochs of 0.03, 5 of 0.015
		const want = [0.01, 0.02, ...Array(5).fill(0.03), ...Array(5).fill(0.015)];
		expectedLr(code).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
	});

	it("writes CosineAnnealingLR over the epochs and OneCycleLR stepped per batch without momentum cycling", () => {
		const cos = exported("train epochs 10 cosine");
		expect(cos).toContain("CosineAnnealingLR(optimizer, T_max=10)");
		expect(expectedLr(cos)[5]).toBeCloseTo(0.0005, 12);
		const one = exported("train epochs 10 onecycle max 0.01");
		expect(one).toContain("OneCycleLR(optimizer, max_lr=0.01, epochs=EPOCHS, steps_per_epoch=steps_per_epoch, cycle_momentum=False)");
		expect(one).toContain("SCHEDULE_PER_BATCH = True");
		expect(exported("train epochs 4 patience 3")).toContain("PATIENCE = 3");
		expect(exported("train epochs 4")).toContain("    return None");
	});

	it.runIf(pythonHere)("is Python that compiles", () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-sched-"));
		const files = ["train epochs 12 schedule step 5 0.5 warmup 2", "train cosine", "train onecycle max 0.01", "train epochs 3"].map((t, i) => {
			const f = join(dir, `s${i}.py`);
			writeFileSync(f, exported(t));
			return f;
		});
		const out = execFileSync("/usr/bin/python3", ["-c", `import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, "exec")\nprint("ok")`, ...files], { encoding: "utf8" });
		expect(out.trim()).toBe("ok");
	});

	it.runIf(torchHere)("gives PyTorch's own rates per epoch (the script asserts them)", () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-sched-"));
		for (const t of ["train epochs 12 schedule step 5 0.5 warmup 2", "train epochs 9 cosine warmup 3", "train epochs 7 momentum lr 0.1 cosine"]) {
			const f = join(dir, "s.py");
			writeFileSync(f, exported(t));
			expect(execFileSync("/usr/bin/python3", [f], { encoding: "utf8", timeout: 120_000 })).toContain("lr per epoch:");
		}
	});

	it.runIf(torchHere)("steps OneCycleLR (defaults, 4 epochs of 10 batches) through the rates CNN Lab computes", () => {
		const code = exported("train epochs 4 onecycle max 0.01");
		const driver = `${code}\nscheduler = make_scheduler(make_optimizer(model), 10)\nopt = scheduler.optimizer\nrates = []\nfor t in range(40):\n    rates.append(opt.param_groups[0]["lr"])\n    opt.step()\n    scheduler.step()\nprint("RATES", " ".join(repr(r) for r in rates))\n`;
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-sched-"));
		writeFileSync(join(dir, "one.py"), driver);
		const out = execFileSync("/usr/bin/python3", [join(dir, "one.py")], { encoding: "utf8", timeout: 120_000 });
		const rates = (/^RATES (.*)$/m.exec(out)?.[1] ?? "").split(" ").map(Number);
		expect(rates).toHaveLength(40);
		rates.forEach((r, t) => expect(oneCycleLr(0.01, t, 40)).toBeCloseTo(r, 12));
	});
});
