// The receptive field column through a transposed conv and an adaptive pool: the most input pixels one output value
// sees ("≤"), with the jump as an average. Checked against PyTorch where Debian's torch is installed (CI installs
// it): all-ones weights, one output value's gradient at a time, the widest span of input pixels it reaches.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize } from "../../../src/notation/cnn/summary";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

const CASES: { name: string; block: string[]; torch: string; side: number }[] = [
	{ name: "conv s2 then its transposed conv", block: ["conv 1 3x3 stride 2 pad 1", "convtranspose 1 3x3 stride 2 pad 1 outpad 1"], torch: "nn.Conv2d(1,1,3,2,1), nn.ConvTranspose2d(1,1,3,2,1,1)", side: 16 },
	{ name: "a transposed conv k4 s2", block: ["conv 1 3x3", "convtranspose 1 4x4 stride 2 pad 1"], torch: "nn.Conv2d(1,1,3), nn.ConvTranspose2d(1,1,4,2,1)", side: 12 },
	{ name: "conv then adaptiveavgpool 3x3 on 7", block: ["conv 1 3x3", "adaptiveavgpool 3x3"], torch: "nn.Conv2d(1,1,3), nn.AdaptiveAvgPool2d(3)", side: 9 },
	{ name: "a conv after the transposed conv (the bound is not tight there)", block: ["conv 1 3x3 stride 2 pad 1", "convtranspose 1 3x3 stride 2 pad 1 outpad 1", "conv 1 3x3 pad 1"], torch: "nn.Conv2d(1,1,3,2,1), nn.ConvTranspose2d(1,1,3,2,1,1), nn.Conv2d(1,1,3,1,1)", side: 16 },
];

function tableRf(c: (typeof CASES)[number]): number {
	const a = analyzeCnn([`input ${c.side}x${c.side}x1`, ...c.block].join("\n"));
	const rows = a.report?.rows ?? [];
	const last = rows[rows.length - 1];
	if (!last?.rf) throw new Error(`no receptive field for ${c.name}`);
	expect(last.rf.upTo).toBe(true);
	return last.rf.size[0];
}

describe("receptive field through transposed convs and adaptive pools", () => {
	it("is shown as an upper bound with the average jump: ≤ 5 (jump 1) after conv s2 and its transposed conv", () => {
		const rows = summarize(analyzeCnn(["input 16x16x1", ...CASES[0].block].join("\n"))).rows;
		expect(rows.map((r) => r.rf)).toEqual(["3 (jump 2)", "≤ 5 (jump 1)"]);
		const pool = summarize(analyzeCnn(["input 16x16x1", "adaptiveavgpool 6x6"].join("\n"))).rows;
		// PyTorch's bins of 16 → 6 are 3 or 4 wide, 16/6 apart
		expect(pool[0].rf).toBe("≤ 4 (jump 2.67)");
	});

	it.skipIf(!torchHere)("is PyTorch's widest field where the bound is exact, and never below it", () => {
		const py = [
			"import torch, torch.nn as nn, json",
			"def widest(layers, side):",
			"    m = nn.Sequential(*layers)",
			"    for p in m.parameters(): nn.init.constant_(p, 1.0)",
			"    x = torch.ones(1, 1, side, side, requires_grad=True)",
			"    out = m(x)",
			"    best = 0",
			"    for i in range(out.shape[2]):",
			"        x.grad = None",
			"        m(x)[0, 0, i, out.shape[3] // 2].backward()",
			"        rows = (x.grad[0, 0].abs().sum(1) > 0).nonzero()",
			"        if len(rows): best = max(best, int(rows.max() - rows.min() + 1))",
			"    return best",
			`print(json.dumps([${CASES.map((c) => `widest([${c.torch}], ${c.side})`).join(", ")}]))`,
		].join("\n");
		const torch = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8", timeout: 60_000 })) as number[];
		const ours = CASES.map(tableRf);
		expect(ours.slice(0, 3)).toEqual(torch.slice(0, 3));
		expect(ours[3]).toBeGreaterThanOrEqual(torch[3]);
	});
});
