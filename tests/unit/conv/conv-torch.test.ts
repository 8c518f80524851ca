/**
 * The cnn-conv stepper's grouped and transposed sums against PyTorch itself (torch.nn.functional.conv2d with
 * groups, conv_transpose2d), in one Python process. Slow project: it runs /usr/bin/python3.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import type { NumberInput } from "../../../src/notation/conv/types";
import { buildConvModel, stepInfo } from "../../../src/render/conv/model";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

type Grid = number[][];
const text = (g: Grid): string => g.map((r) => r.join(" ")).join("\n");
const planesText = (head: string, planes: Grid[]): string => planes.map((p, i) => `${i === 0 ? `${head} ` : ""}channel ${i + 1}\n${text(p)}`).join("\n");

function rng(seed: number): () => number {
	let r = seed;
	return () => (((r = (r * 16807) % 2147483647) % 19) - 9) / 4;
}
const grid = (h: number, w: number, rnd: () => number): Grid => Array.from({ length: h }, () => Array.from({ length: w }, rnd));

interface Case {
	name: string;
	x: Grid[];
	/** One entry per filter: its grids (one per channel of its group). */
	k: Grid[][];
	bias: number[];
	stride: number;
	pad: number;
	dilation: number;
	groups: number;
	transposed: boolean;
	outpad: number;
}

function cases(): Case[] {
	const r = rng(11);
	const make = (name: string, c: number, h: number, f: number, k: number, o: Partial<Case>): Case => {
		const groups = o.groups ?? 1;
		return { name, x: Array.from({ length: c }, () => grid(h, h, r)), k: Array.from({ length: f }, () => Array.from({ length: c / groups }, () => grid(k, k, r))), bias: Array.from({ length: f }, r), stride: 1, pad: 0, dilation: 1, groups, transposed: false, outpad: 0, ...o };
	};
	return [
		make("groups 2, stride 2, pad 1", 4, 5, 4, 3, { groups: 2, stride: 2, pad: 1 }),
		make("depthwise, dilation 2", 3, 6, 3, 2, { groups: 3, dilation: 2 }),
		make("depthwise multiplier 2", 2, 4, 4, 3, { groups: 2, pad: 1 }),
		make("transposed k3 s2 p1 outpad 1", 1, 3, 1, 3, { transposed: true, stride: 2, pad: 1, outpad: 1 }),
		make("transposed, 2 channels, 3 filters, stride 3", 2, 3, 3, 2, { transposed: true, stride: 3 }),
		make("transposed, groups 2, dilation 2, outpad 1", 2, 3, 4, 3, { transposed: true, groups: 2, stride: 1, dilation: 2, pad: 2, outpad: 1 }),
	];
}

function stepperOutputs(c: Case): number[] {
	const src = [
		planesText("input", c.x),
		...c.k.map((k) => planesText("kernel", k)),
		`stride ${c.stride}`,
		`pad ${c.pad}`,
		`dilation ${c.dilation}`,
		`bias ${c.bias.join(", ")}`,
		...(c.groups > 1 ? [`groups ${c.groups}`] : []),
		...(c.transposed ? ["transposed", `outpad ${c.outpad}`] : []),
	].join("\n");
	const spec = parseConvSpec(src);
	expect(spec.diagnostics, c.name).toEqual([]);
	const { model, diagnostics } = buildConvModel(spec, (spec.input as NumberInput).planes);
	expect(diagnostics, c.name).toEqual([]);
	return Array.from({ length: model!.steps }, (_, i) => stepInfo(model!, i).total);
}

const PY = `
import json, sys, torch
import torch.nn.functional as F
out = []
for c in json.load(sys.stdin):
    x = torch.tensor([c["x"]], dtype=torch.float64)
    w = torch.tensor(c["k"], dtype=torch.float64)   # [F, C/g, k, k]
    b = torch.tensor(c["bias"], dtype=torch.float64)
    g = c["groups"]
    if c["transposed"]:
        # conv_transpose2d wants [C, F/g, k, k]: filter j of group gi, channel c of that group, at [gi*C/g + c, j mod F/g]
        f, per, k1, k2 = w.shape
        wt = w.reshape(g, f // g, per, k1, k2).permute(0, 2, 1, 3, 4).reshape(g * per, f // g, k1, k2)
        y = F.conv_transpose2d(x, wt, b, stride=c["stride"], padding=c["pad"], output_padding=c["outpad"], groups=g, dilation=c["dilation"])
    else:
        y = F.conv2d(x, w, b, stride=c["stride"], padding=c["pad"], dilation=c["dilation"], groups=g)
    out.append(y.flatten().tolist())
print(json.dumps(out))
`;

describe.runIf(torchHere)("the stepper's grouped and transposed sums equal PyTorch's", () => {
	it("conv2d with groups and conv_transpose2d, every step", () => {
		const all = cases();
		const r = spawnSync("/usr/bin/python3", ["-c", PY], { input: JSON.stringify(all), encoding: "utf8" });
		expect(r.stderr).toBe("");
		const want = JSON.parse(r.stdout) as number[][];
		all.forEach((c, i) => {
			const got = stepperOutputs(c);
			expect(got.length, c.name).toBe(want[i].length);
			got.forEach((v, j) => expect(v, `${c.name}, step ${j + 1}`).toBeCloseTo(want[i][j], 9));
		});
	});
});
