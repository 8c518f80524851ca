import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { toKeras, toPyTorch, walkShapes } from "../../../src/interop/export";
import { conv, dense, digitsNet, relu, resNet, resNetParams } from "./models";
import { hasTorch, runPythonScripts } from "./python-run";

const golden = (name: string): string => join(__dirname, "../../golden/export", name);
const torchHere = hasTorch();
const bn: LayerSpec = { type: "batchnorm" };

/** One identity block on 6×6×3: body conv 3 3x3 pad 1 (3·3·9 + 3 = 84), relu; then dense 2 on 108 (218). */
const identityNet: ModelSpec = {
	input: [3, 6, 6],
	layers: [{ type: "residual", body: [conv(3, 3, { pad: [1, 1] }), relu], shortcut: [] }, dense(2)],
};

/**
 * One projection block on 6×6×2: body conv 4 3x3 stride 2 pad 1 → 3×3×4 (4·2·9 + 4 = 76), batchnorm (8);
 * shortcut conv 4 1x1 stride 2 without bias (8), batchnorm (8); then dense 3 on 36 (111). 211 in all.
 */
const projectionNet: ModelSpec = {
	input: [2, 6, 6],
	layers: [
		{ type: "residual", body: [conv(4, 3, { stride: [2, 2], pad: [1, 1] }), bn], shortcut: [conv(4, 1, { stride: [2, 2], bias: false }), bn] },
		dense(3),
	],
};

describe("shape walk through residual blocks", () => {
	it("walks both branches, counts both branches' parameters and gives the block the shape they meet in", () => {
		const w = walkShapes(resNet);
		expect(w.error).toBeNull();
		expect(w.parameters).toBe(resNetParams);
		const projection = w.steps[5];
		expect(projection.params).toBe(944);
		expect(projection.out).toEqual({ c: 8, h: 4, w: 4, flat: false });
		expect(projection.block?.body.map((s) => [s.out.h, s.out.c])).toEqual([[4, 8], [4, 8], [4, 8], [4, 8]]);
		expect(projection.block?.shortcut.map((s) => s.params)).toEqual([32, 16]);
		expect(w.steps[7].block?.body[1].block?.body[0].params).toBe(584);
		expect(walkShapes(identityNet).parameters).toBe(84 + 218);
		expect(walkShapes(projectionNet).parameters).toBe(211);
	});

	it("stops at a block whose branches end in different shapes, naming both", () => {
		const model: ModelSpec = { input: [4, 8, 8], layers: [relu, { type: "residual", body: [conv(8, 3, { stride: [2, 2], pad: [1, 1] })], shortcut: [] }] };
		const w = walkShapes(model);
		expect(w.error).toEqual({ index: 1, message: "the residual block's body gives 4×4×8 but its shortcut 8×8×4: they cannot be added" });
		expect(toPyTorch(model)).toContain("# Cannot export: layer 2 fails (the residual block's body gives 4×4×8 but its shortcut 8×8×4");
		expect(toKeras(model)).toContain("# Cannot export: layer 2 fails");
	});

	it("names the layer inside the block that fails", () => {
		const model: ModelSpec = { input: [1, 4, 4], layers: [{ type: "residual", body: [relu, conv(1, 5)], shortcut: [] }] };
		expect(walkShapes(model).error).toEqual({ index: 0, message: "layer 2 of the residual block fails: the output would be 0×0×1" });
	});
});

describe("PyTorch export of residual blocks", () => {
	it("writes the Residual class once and each block as Residual(body, shortcut) inside the Sequential", async () => {
		const code = toPyTorch(resNet);
		expect(code.match(/^class Residual\(nn\.Module\):/gm)).toHaveLength(1);
		expect(code).toContain("        return self.body(x) + self.shortcut(x)");
		expect(code).toMatch(/^model = nn\.Sequential\(/m);
		expect(code.match(/Residual\( {2}#/g)).toHaveLength(4);
		expect(code.match(/nn\.Identity\(\), {2}# shortcut/g)).toHaveLength(3);
		expect(code).toContain("nn.Conv2d(4, 8, kernel_size=1, stride=2, bias=False),  # 4×4×8");
		expect(code).toContain(`assert parameters == ${resNetParams}`);
		await expect(code).toMatchFileSnapshot(golden("resnet.pytorch.py"));
	});

	it("writes no class for a plain stack", () => {
		expect(toPyTorch(digitsNet)).not.toContain("Residual");
	});

	it("keeps note text in comments", () => {
		const code = toPyTorch(identityNet, { source: "residual\r__import__('os').system('x')\u2028end", title: "n\rimport os" });
		// eslint-disable-next-line no-control-regex -- splits at every line terminator Python or an editor knows
		for (const line of code.split(/\r\n|[\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]/)) {
			if (/__import__|import os/.test(line)) expect(line.startsWith("#")).toBe(true);
		}
	});

	it.skipIf(!torchHere)("runs under PyTorch: identity, projection and nested blocks pass their shape and parameter checks; a wrong one fails", () => {
		const nested = toPyTorch(resNet);
		const brokenShape = toPyTorch(projectionNet).replace('"body": [\n        (1, 4, 3, 3),', '"body": [\n        (1, 4, 6, 6),');
		const brokenCount = nested.replace('"parameters": 584', '"parameters": 585');
		expect(brokenShape).not.toBe(toPyTorch(projectionNet));
		expect(brokenCount).not.toBe(nested);
		const out = runPythonScripts({ identity: toPyTorch(identityNet), projection: toPyTorch(projectionNet), nested, brokenShape, brokenCount });
		expect(out).toContain("== identity ok");
		expect(out).toContain("== projection ok");
		expect(out).toContain("== nested ok");
		expect(out).toContain("parameters: 302");
		expect(out).toContain("parameters: 211");
		expect(out).toContain(`parameters: ${resNetParams}`);
		expect(out).toMatch(/^0\.shortcut\.0\s+Conv2d\s+\(1, 4, 3, 3\)$/m);
		expect(out).toMatch(/^7\.body\.1\.body\.0\s+Conv2d\s+\(1, 8, 4, 4\)$/m);
		expect(out).toMatch(/^5\s+Residual\s+\(1, 8, 4, 4\)$/m);
		expect(out).toContain("== brokenShape AssertionError: layer 0.body.0: (1, 4, 3, 3) != (1, 4, 6, 6)");
		expect(out).toContain("== brokenCount AssertionError: block 7.body.1: 584 parameters != 585");
	});
});

describe("Keras export of residual blocks", () => {
	it("writes the functional API: the shortcut kept, the body on x, the projection on the shortcut, then Add", async () => {
		const code = toKeras(resNet);
		expect(code).toContain("inputs = keras.Input(shape=(8, 8, 1))");
		expect(code).toContain("model = keras.Model(inputs, x)");
		expect(code).not.toContain("keras.Sequential");
		expect(code).toMatch(/shortcut = x\n(x = .*\nexpect\(x, .*\)\n)+shortcut = layers\.Conv2D\(8, \(1, 1\), strides=\(2, 2\), padding="valid", use_bias=False\)\(shortcut\)/);
		expect(code.match(/^x = layers\.Add\(\)\(\[x, shortcut\]\)/gm)).toHaveLength(3);
		expect(code).toContain("shortcut2 = x");
		expect(code).toMatch(/^x = layers\.Add\(\)\(\[x, shortcut2\]\)/m);
		// every layer's output is asserted: one expect per layer call
		expect(code.match(/^expect\(/gm)).toHaveLength(code.match(/^(x|shortcut\d?) = layers\./gm)?.length ?? -1);
		// batch norm's moving statistics count in Keras: 4·2 + 4·2 + 8·2 + 8·2 = 48 more
		expect(code).toContain(`assert model.count_params() == ${resNetParams + 48}`);
		await expect(code).toMatchFileSnapshot(golden("resnet.keras.py"));
	});

	it("is valid Python", () => {
		const r = spawnSync("/usr/bin/python3", ["-c", "import ast, sys; ast.parse(sys.stdin.read())"], { input: toKeras(resNet), encoding: "utf8" });
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
	});

	it("keeps keras.Sequential for a plain stack and leaves out the checks when asked", () => {
		expect(toKeras(digitsNet)).toContain("model = keras.Sequential([");
		const bare = toKeras(resNet, { shapeCheck: false });
		expect(bare).not.toContain("expect(");
		expect(bare).toContain("model = keras.Model(inputs, x)");
	});

	it("says which layer inside a block Keras cannot write", () => {
		const model: ModelSpec = {
			input: [2, 4, 4],
			layers: [{ type: "residual", body: [relu, { type: "convtranspose", filters: 2, kernel: [1, 1], stride: [1, 1], pad: [0, 0], outputPad: [0, 0], dilation: [1, 1], bias: true, groups: 2 }], shortcut: [] }],
		};
		expect(toKeras(model)).toContain("# Cannot export: layer 1 fails (layer 2 of the residual block fails: Keras's Conv2DTranspose has no groups).");
	});
});
