/**
 * A PyTorch / Keras shape error pasted into a cnn block: the block names the layer that broke and the fix, from
 * the pasted network's own shapes. The expected numbers are worked by hand from each network (a 28×28 input
 * through two 2×2 pools is 7×7; 32 channels of 7×7 are 1568 features).
 */
import { afterEach, describe, expect, it } from "vitest";
import { setLanguage } from "../../../src/i18n";
import { analyzeCnn } from "../../../src/notation/cnn/parse";

const errorsOf = (src: string) => analyzeCnn(src).parsed.diagnostics.filter((d) => d.severity === "error");
const rowOf = (src: string, line: number) => analyzeCnn(src).report!.rows.find((r) => r.layer.line === line)!;

const TORCH_NET = `model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(1050, 10),
)
x = torch.zeros(32, 1, 28, 28)`;

describe("a pasted PyTorch error", () => {
	afterEach(() => setLanguage("en"));

	it("mat1 and mat2: names the Linear, its fix and where the features come from, once, at its row", () => {
		const src = `${TORCH_NET}\nerror: RuntimeError: mat1 and mat2 shapes cannot be multiplied (32x1568 and 1050x10)`;
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(9);
		expect(errs[0].message).toContain("line 12");
		expect(errs[0].message).toContain("nn.Linear(1050, 10) must be nn.Linear(1568, 10): the flatten gives 32·7·7 = 1568");
		expect(errs[0].suggestion).toBe("nn.Linear(1568, 10)");
		expect(rowOf(src, 9).diagnostics.map((d) => d.message)).toEqual([errs[0].message]);
		// the error line is no layer and no unknown word
		expect(analyzeCnn(src).report!.rows.map((r) => r.layer.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it("the same error pasted alone still gives the fix from its own numbers", () => {
		const errs = errorsOf("RuntimeError: mat1 and mat2 shapes cannot be multiplied (32x1568 and 1050x10)");
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(1);
		expect(errs[0].message).toContain("Linear(1050, 10) must be Linear(1568, 10)");
		expect(errs[0].message).toContain("Paste the network");
	});

	it("a traceback under the code: the wrong channel count at the first convolution", () => {
		const src = `model = nn.Sequential(
    nn.Conv2d(3, 64, 3),
    nn.ReLU(),
)
x = torch.zeros(16, 1, 28, 28)
Traceback (most recent call last):
  File "train.py", line 12, in <module>
    out = model(x)
RuntimeError: Given groups=1, weight of size [64, 3, 3, 3], expected input[16, 1, 28, 28] to have 3 channels, but got 1 channels instead`;
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(2);
		expect(errs[0].message).toContain("nn.Conv2d(3, 64, 3) must be nn.Conv2d(1, 64, 3)");
		expect(errs[0].message).toContain("the data has 1 channel (input[16, 1, 28, 28])");
	});

	it("the channels error alone, as a student copies it without `channels instead`, names the fix", () => {
		const errs = errorsOf("Given groups=1, weight of size [64, 3, 3, 3], expected input[16, 1, 28, 28] to have 3 channels, but got 1");
		expect(errs).toHaveLength(1);
		expect(errs[0].message).toContain("Conv2d(3, 64, 3) must be Conv2d(1, 64, 3)");
	});

	it("a kernel larger than the padded input: the row whose input is 3×3, and what shrank it", () => {
		// 28 −5+1 = 24, /2 = 12, −5+1 = 8, /2 = 4, −2+1 = 3: the 4×4 convolution on line 7 gets 3×3
		const src = "input 28x28x1\nconv 8 5x5\nmaxpool 2\nconv 16 5x5\nmaxpool 2\nconv 16 2x2\nconv 32 4x4\nerror: RuntimeError: Calculated padded input size per channel: (3 x 3). Kernel size: (4 x 4). Kernel size can't be greater than actual input size";
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(7);
		expect(errs[0].message).toContain("4×4 window is larger than the 3×3");
		expect(errs[0].message).toContain("28×28 to 3×3");
	});

	it("the window error on pasted PyTorch: the fix is an nn.Conv2d with its numbers, not notation with stride 1 pad 0", () => {
		// 28 −5+1 = 24, /2 = 12, −5+1 = 8, /2 = 4, −2+1 = 3: nn.Conv2d(8, 8, 4) on 3×3; a 3×3 kernel or padding 1 fit
		const src = "input 28x28x1\nnn.Conv2d(1, 8, 5)\nnn.MaxPool2d(2)\nnn.Conv2d(8, 8, 5)\nnn.MaxPool2d(2)\nnn.Conv2d(8, 8, 2)\nnn.Conv2d(8, 8, 4)\nRuntimeError: Calculated padded input size per channel: (3 x 3). Kernel size: (4 x 4). Kernel size can't be greater than actual input size";
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(7);
		expect(errs[0].suggestion).toBe("nn.Conv2d(8, 8, 3) or nn.Conv2d(8, 8, 4, padding=1)");
		// a notation row keeps the notation
		expect(errorsOf("input 5x5x1\nconv 1 3x3 dilation 3")[0].suggestion).toBe("conv 1 2x2 dilation 3 or conv 1 3x3 dilation 2 or conv 1 3x3 pad 1 dilation 3");
	});

	it("an error the network here does not reproduce says so instead of blaming a layer", () => {
		const src = "input 28x28x1\nconv 8 5x5\nerror: Calculated padded input size per channel: (3 x 3). Kernel size: (4 x 4).";
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(3);
		expect(errs[0].message).toContain("28×28×1");
	});

	it("flattened images fed to a convolution: the view that restores them", () => {
		const src = "input 28x28x1\nconv 8 3x3\nerror: RuntimeError: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [32, 784]";
		const errs = errorsOf(src);
		expect(errs[0].line).toBe(2);
		expect(errs[0].suggestion).toBe("x = x.view(-1, 1, 28, 28)");
	});
});

describe("a pasted Keras error", () => {
	afterEach(() => setLanguage("en"));

	it("negative dimension: the pooling that gets 1×1 (8 −3+1 = 6, /2 = 3, −3+1 = 1)", () => {
		const src = `model = keras.Sequential([
    layers.Conv2D(8, 3, activation="relu", input_shape=(8, 8, 1)),
    layers.MaxPooling2D(2),
    layers.Conv2D(8, 3, activation="relu"),
    layers.MaxPooling2D(2),
])
ValueError: Negative dimension size caused by subtracting 2 from 1 for '{{node max_pooling2d_1/MaxPool}} = MaxPool[T=DT_FLOAT](conv2d_1/Relu)' with input shapes: [?,1,1,8].`;
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(5);
		expect(errs[0].message).toContain("Keras's error (line 7)");
		expect(errs[0].message).toContain("2×2 window is larger than the 1×1");
		// the fix in the code's own syntax, prefix and all: a smaller window, or Keras's 'same' padding
		expect(errs[0].suggestion).toBe('layers.MaxPooling2D((1, 1)) or layers.MaxPooling2D((2, 2), padding="same")');
	});

	it("min_ndim=4: images without a channel axis, at the first Conv2D, with the reshape", () => {
		const src = `model = keras.Sequential([
    layers.Conv2D(8, 3, activation="relu", input_shape=(28, 28, 1)),
    layers.Flatten(),
    layers.Dense(10),
])
ValueError: Input 0 of layer "conv2d" is incompatible with the layer: expected min_ndim=4, found ndim=3. Full shape received: (None, 28, 28)`;
		const errs = errorsOf(src);
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(2);
		expect(errs[0].message).toContain("(None, 28, 28)");
		expect(errs[0].suggestion).toBe("x = x.reshape(-1, 28, 28, 1); input_shape=(28, 28, 1)");
	});

	it("in Chinese too", () => {
		setLanguage("zh");
		const errs = errorsOf(`${TORCH_NET}\nerror: mat1 and mat2 shapes cannot be multiplied (32x1568 and 1050x10)`);
		expect(errs[0].message).toContain("nn.Linear(1050, 10) 应改为 nn.Linear(1568, 10)");
		expect(errs[0].message).toContain("32·7·7 = 1568");
		expect(errs[0].message).not.toMatch(/must be|comes from|flatten gives/);
	});
});
