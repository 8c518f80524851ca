import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toKeras, toPyTorch, walkShapes } from "../../../src/interop/export";
import { digitsNet, lenet5, mixedNet, mixedParams, mixedShapes, modernKerasParams, modernNet, modernParams } from "./models";

// The exported scripts run under PyTorch in export-torch.test.ts (the "slow" project: it imports torch).

const golden = (name: string): string => join(__dirname, "../../golden/export", name);

describe("shape walk", () => {
	it("gives the acceptance shapes and parameter count of LeNet-5", () => {
		const w = walkShapes(lenet5);
		expect(w.error).toBeNull();
		const hwc = w.steps.map((s) => (s.out.flat ? [s.out.c] : [s.out.h, s.out.w, s.out.c]));
		expect(hwc.filter((_, i) => [0, 2, 3, 5, 6, 7, 9, 11].includes(i))).toEqual([[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [400], [120], [84], [10]]);
		expect(w.parameters).toBe(61706);
	});

	it("follows dilation, ceil mode, uneven padding and separate strides", () => {
		const w = walkShapes(mixedNet);
		expect(w.steps.map((s) => (s.out.flat ? [s.out.c] : [s.out.h, s.out.w, s.out.c]))).toEqual(mixedShapes);
		expect(w.parameters).toBe(mixedParams);
	});

	it("stops at a layer whose output would be empty", () => {
		const w = walkShapes({ input: [1, 4, 4], layers: [{ type: "conv", filters: 2, kernel: [5, 5], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true }] });
		expect(w.error?.index).toBe(0);
	});
});

describe("PyTorch export", () => {
	it("writes LeNet-5 with in_channels, in_features and the parameter check", async () => {
		const code = toPyTorch(lenet5);
		expect(code).toContain("nn.Conv2d(1, 6, kernel_size=5)");
		expect(code).toContain("nn.Conv2d(6, 16, kernel_size=5)");
		expect(code).toContain("nn.Linear(400, 120)");
		expect(code).toContain("assert parameters == 61706");
		expect(code).toContain("x = torch.zeros(1, 1, 32, 32)");
		await expect(code).toMatchFileSnapshot(golden("lenet5.pytorch.py"));
	});

	it("puts uneven 'same' padding in a ZeroPad2d (left, right, top, bottom) and keeps ceil mode", async () => {
		const code = toPyTorch(mixedNet);
		expect(code).toContain("nn.ZeroPad2d((0, 1, 0, 1))");
		expect(code).toContain("nn.Conv2d(3, 8, kernel_size=3, stride=2)");
		expect(code).toContain("dilation=2");
		expect(code).toContain("ceil_mode=True");
		expect(code).toContain("count_include_pad=False");
		expect(code).toContain("stride=(3, 2)");
		expect(code).toContain("nn.Linear(48, 10, bias=False)");
		expect(code).toContain(`assert parameters == ${mixedParams}`);
		await expect(code).toMatchFileSnapshot(golden("mixed.pytorch.py"));
	});

	it("writes the digits net", async () => {
		const code = toPyTorch(digitsNet);
		expect(code).toContain("nn.Linear(128, 10)");
		expect(code).toContain("assert parameters == 1370");
		await expect(code).toMatchFileSnapshot(golden("digits.pytorch.py"));
	});

	it("writes issue 16's layers: grouped, depthwise and transposed convs, batch norm 2d and 1d, adaptive and global pooling", async () => {
		const code = toPyTorch(modernNet);
		expect(code).toContain("groups=4");
		expect(code).toContain("nn.ConvTranspose2d(32, 8, kernel_size=3, stride=2, padding=1, output_padding=1)");
		expect(code).toContain("nn.BatchNorm1d(8)");
		expect(code).toContain(`assert parameters == ${modernParams}`);
		await expect(code).toMatchFileSnapshot(golden("modern.pytorch.py"));
	});

	it("adds the Flatten a dense layer on a spatial input needs", () => {
		const code = toPyTorch({ input: [2, 3, 3], layers: [{ type: "dense", units: 4, bias: true }] });
		expect(code).toMatch(/nn\.Flatten\(\),[^\n]*\n\s*nn\.Linear\(18, 4\)/);
	});

});

describe("Keras export", () => {
	it("writes LeNet-5 channels last with the summary and the parameter check", async () => {
		const code = toKeras(lenet5);
		expect(code).toContain("keras.Input(shape=(32, 32, 1))");
		expect(code).toContain('layers.Conv2D(6, (5, 5), padding="valid")');
		expect(code).toContain("layers.Dense(120)");
		expect(code).toContain("model.summary()");
		expect(code).toContain("assert model.count_params() == 61706");
		await expect(code).toMatchFileSnapshot(golden("lenet5.keras.py"));
	});

	it("uses padding='same' when the padding is Keras's own, ZeroPadding2D otherwise", async () => {
		const code = toKeras(mixedNet);
		expect(code).toContain('layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same")');
		// maxpool 3 stride 2 ceil on 12: one extra row and column at the end gives 6 with a floor.
		expect(code).toContain("layers.ZeroPadding2D(((0, 1), (0, 1)))");
		expect(code).toContain("layers.ZeroPadding2D(((1, 1), (1, 1)))");
		expect(code).toContain("(3, 4, 4),");
		expect(code).toContain("(48,),");
		expect(code).toContain(`assert model.count_params() == ${mixedParams}`);
		await expect(code).toMatchFileSnapshot(golden("mixed.keras.py"));
	});

	it("writes issue 16's layers, count_params with the moving statistics", async () => {
		const code = toKeras(modernNet);
		expect(code).toContain("layers.DepthwiseConv2D(");
		expect(code).toContain("layers.Conv2DTranspose(8, (3, 3), strides=(2, 2)");
		expect(code).toContain("layers.GlobalAveragePooling2D()");
		expect(code).toContain(`assert model.count_params() == ${modernKerasParams}`);
		await expect(code).toMatchFileSnapshot(golden("modern.keras.py"));
	});

	it("writes the digits net", async () => {
		const code = toKeras(digitsNet);
		expect(code).toContain("keras.Input(shape=(8, 8, 1))");
		expect(code).toContain('layers.Conv2D(8, (3, 3), padding="same")');
		await expect(code).toMatchFileSnapshot(golden("digits.keras.py"));
	});
});
