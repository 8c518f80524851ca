import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toKeras, toPyTorch } from "../../../src/interop/export";
import { warpImage } from "../../../src/engine/augment";
import { Rng } from "../../../src/engine/rng";
import { parseCnn } from "../../../src/notation/cnn/parse";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
const numpyHere = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;

const dir = mkdtempSync(join(tmpdir(), "cnn-lab-augment-export-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parsed(train: string) {
	// A comment with Python in it: note text must not reach the generated code.
	const p = parseCnn(`input digits\nconv 8 3x3 pad 1 # ");import os;os.system("x\nrelu\nflatten\ndense 10\n${train}`);
	if (!p.model) throw new Error("the block should parse");
	return p;
}

/** The lines of the script from `import numpy` up to the check (the definitions alone). */
function definitions(code: string): string {
	const from = code.indexOf("import numpy as np");
	const to = code.indexOf("# Check: an augmented batch");
	return code.slice(from, to);
}

describe("augmentation in the PyTorch and Keras export", () => {
	it("writes the transform out in NumPy with the line's numbers, no torchvision", () => {
		const p = parsed("train epochs 2 augment shift 2 flip rotate 10 noise 0.05");
		const torch = toPyTorch(p.model!, { train: p.train });
		for (const line of ["AUG_SHIFT = 2", "AUG_FLIP = True", "AUG_ROTATE = 10.0", "AUG_NOISE = 0.05", "def augment_batch(x, rng):", "def augment_tensor(xb, rng):"]) expect(torch).toContain(line);
		expect(torch).not.toMatch(/import torchvision|from torchvision/);
		expect(torch).not.toContain("os.system");
		const keras = toKeras(p.model!, { train: p.train });
		expect(keras).toContain("def augment_batch_nhwc(x, rng):");
		expect(keras).toContain("AUG_ROTATE = 10.0");
		// without augment, none of it
		const plain = parsed("train epochs 2");
		expect(toPyTorch(plain.model!, { train: plain.train })).not.toContain("augment_batch");
		expect(toKeras(plain.model!, { train: plain.train })).not.toContain("augment_batch");
	});

	it.runIf(numpyHere)("the exported warp_image moves pixels exactly as CNN Lab's engine does", () => {
		const p = parsed("train augment shift 2 flip rotate 10");
		const defs = definitions(toPyTorch(p.model!, { train: p.train }));
		const [c, h, w] = [2, 5, 6];
		const rng = new Rng(9);
		const img = Float32Array.from({ length: c * h * w }, () => Math.round(rng.next() * 100) / 100);
		const cases: [number, number, boolean, number][] = [
			[0, 0, false, 0],
			[2, -1, false, 0],
			[0, 0, true, 0],
			[0, 0, false, 90],
			[1, 1, true, 7.5],
			[-2, 0, false, -10],
		];
		const want = cases.map(([dx, dy, flip, deg]) => {
			const out = new Float32Array(c * h * w);
			warpImage(img, 0, out, 0, c, h, w, dx, dy, flip, deg);
			return Array.from(out);
		});
		const script = [
			defs,
			"import json, sys",
			`img = np.array(${JSON.stringify(Array.from(img))}, dtype=np.float32).reshape(${c}, ${h}, ${w})`,
			`cases = ${JSON.stringify(cases.map(([a, b, f, d]) => [a, b, f ? 1 : 0, d]))}`,
			"print(json.dumps([warp_image(img, a, b, bool(f), d).reshape(-1).tolist() for a, b, f, d in cases]))",
		].join("\n");
		const f = join(dir, "warp.py");
		writeFileSync(f, script);
		const got = JSON.parse(execFileSync("/usr/bin/python3", [f], { encoding: "utf8", timeout: 60_000 })) as number[][];
		got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 6)));
	});

	it.runIf(torchHere)("the PyTorch script runs with torch and its augmentation check passes", () => {
		const p = parsed("train epochs 2 augment shift 2 flip rotate 10 noise 0.05");
		const f = join(dir, "model.py");
		writeFileSync(f, toPyTorch(p.model!, { train: p.train }) + "\nxb = torch.rand(3, 1, 8, 8)\nprint('tensor', tuple(augment_tensor(xb, np.random.default_rng(2)).shape))\n");
		const out = execFileSync("/usr/bin/python3", [f], { encoding: "utf8", timeout: 120_000 });
		expect(out).toContain("augmentation: (4, 1, 8, 8)");
		expect(out).toContain("tensor (3, 1, 8, 8)");
	});
});
