/**
 * Pasted code read right or said clearly: Keras `model.add(...)` is a network, and unbalanced brackets are an
 * error at the line of the slip. Shapes worked by hand: 28 − 3 + 1 = 26, ⌊26/2⌋ = 13, 13·13·32 = 5408.
 */
import { describe, expect, it } from "vitest";
import { analyzeCnn } from "../../../src/notation/cnn/parse";

const shapes = (src: string) => analyzeCnn(src).report!.rows.map((r) => (r.output ? `${r.layer.line} ${r.layer.word} ${r.output.flat ? r.output.c : `${r.output.h}×${r.output.w}×${r.output.c}`}` : `${r.layer.line} ${r.layer.word} -`));
const errors = (src: string) => analyzeCnn(src).parsed.diagnostics.filter((d) => d.severity === "error");

describe("Keras model.add(...) code", () => {
	it("with bare class names is read as a Keras network", () => {
		const src = `model = Sequential()
model.add(Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(10, activation='softmax'))`;
		const a = analyzeCnn(src);
		expect(a.framework).toBe("keras");
		expect(errors(src)).toEqual([]);
		expect(shapes(src)).toEqual(["2 conv 26×26×32", "2 relu 26×26×32", "3 maxpool 13×13×32", "4 flatten 5408", "5 dense 10", "5 softmax 10"]);
		expect(a.parsed.model).not.toBeNull();
	});
});

describe("unbalanced brackets in pasted code", () => {
	const net = (lines: string[]) => ["model = nn.Sequential(", ...lines, "x = torch.zeros(32, 1, 28, 28)"].join("\n");

	it("an unclosed call is said at its own line, not at the end", () => {
		const src = net(["    nn.Conv2d(1, 16, 3, padding=1),", "    nn.ReLU(,", "    nn.Flatten(),", "    nn.Linear(16*28*28, 10),", ")"]);
		const errs = errors(src);
		expect(errs).toHaveLength(1);
		expect(errs[0]).toMatchObject({ line: 3, column: 12 });
		expect(errs[0].message).toContain("never closed");
		expect(analyzeCnn(src).parsed.model).toBeNull();
	});

	it("a Sequential never closed names the line where the code goes on without it", () => {
		const errs = errors(net(["    nn.Conv2d(1, 16, 3, padding=1),", "    nn.ReLU(),"]));
		expect(errs).toHaveLength(1);
		expect(errs[0].line).toBe(1);
		expect(errs[0].message).toContain("line 4");
	});

	it("one ) too many is said where it stands", () => {
		const errs = errors(net(["    nn.Conv2d(1, 16, 3, padding=1)),", "    nn.ReLU(),", ")"]));
		expect(errs).toHaveLength(1);
		expect(errs[0]).toMatchObject({ line: 2, column: 35 });
		expect(errs[0].message).toContain("one too many");
	});

	it("a ] closing a ( names the line of the (", () => {
		const bracket = errors("model = keras.Sequential([\n    layers.Dense(10, input_shape=(4,)],\n])").find((d) => /bracket|closes/.test(d.message));
		expect(bracket).toMatchObject({ line: 2, column: 38 });
		expect(bracket!.message).toContain("closes the ( opened on line 2");
	});

	it("balanced code has no bracket message", () => {
		const src = net(["    nn.Conv2d(1, 16,", "              3, padding=1),", "    nn.ReLU(),", ")"]);
		expect(errors(src)).toEqual([]);
	});
});

describe("brackets that balance but leave a comma or a ) out", () => {
	it("a call left open at its line's end and closed on the next line is said, not read as one layer", () => {
		// Python refuses `nn.Conv2d(1, 8, 3 nn.ReLU())`; reading on showed a network that is not the one written
		const errs = errors("input 28x28x1\nnn.Conv2d(1, 8, 3\nnn.ReLU())\nnn.Flatten()");
		expect(errs).toHaveLength(1);
		expect(errs[0]).toMatchObject({ line: 2, column: 17 });
		expect(errs[0].message).toBe("The ( opened on line 2 is still open when line 3 goes on with nn.ReLU: a ) or a comma is missing after 3 on line 2.");
	});

	it("a Sequential item without its comma names the line it ends", () => {
		const errs = errors("model = nn.Sequential(\n    nn.Conv2d(1, 8, 3)\n    nn.ReLU(),\n)\ninput 28x28x1");
		expect(errs.map((d) => [d.line, d.message])).toEqual([[2, "A comma is missing at the end of line 2, before nn.ReLU on line 3: Python would refuse the code as written."]]);
	});

	it("two numbers side by side in a call's arguments", () => {
		const errs = errors("model = nn.Sequential(\n    nn.Conv2d(1, 8 3),\n)\ninput 28x28x1");
		expect(errs.some((d) => d.line === 2 && d.message === "A comma is missing between 8 and 3: Python would refuse the code as written.")).toBe(true);
	});

	it("comprehensions, conditionals and adjacent strings are no missing comma", () => {
		const comma = (src: string) => analyzeCnn(src).parsed.diagnostics.filter((d) => /comma is missing|a \) or a comma/.test(d.message));
		expect(errors("input 28x28x1\nmodel = nn.Sequential(*[nn.Conv2d(1, 1, 3) for _ in range(2)], nn.Flatten())")).toEqual([]);
		expect(comma("input 28x28x1\nmodel = nn.Sequential(nn.Conv2d(1, 8, 3, stride=2 if big else 1), nn.Flatten())")).toEqual([]);
		expect(comma("input 28x28x1\nmodel = nn.Sequential(nn.Flatten(), Lambda(lambda x: x))")).toEqual([]);
		expect(comma("input 28x28x1\nmodel = keras.Sequential([layers.Conv2D(8, 3, padding='sa' 'me'), layers.Flatten()])")).toEqual([]);
	});
});

describe("layer lines that start with a bare class call", () => {
	it("`Conv2d(1, 8, 3)` after `from torch.nn import *` is PyTorch's conv, not `conv` with an 8×8 kernel", () => {
		const src = "input 28x28x1\nConv2d(1, 8, 3)\nMaxPool2d(2)\nFlatten()\nLinear(1352, 10)";
		const a = analyzeCnn(src);
		expect(a.framework).toBe("pytorch");
		expect(a.parsed.diagnostics).toEqual([]);
		expect(shapes(src)).toEqual(["2 conv 26×26×8", "3 maxpool 13×13×8", "4 flatten 1352", "5 dense 10"]);
	});

	it("`Conv2D(32, (3, 3), activation='relu')` lines are Keras layers, the tuple and the activation understood", () => {
		const src = "input 28x28x1\nConv2D(32, (3, 3), activation='relu')\nMaxPooling2D((2, 2))\nFlatten()\nDense(10)";
		const a = analyzeCnn(src);
		expect(a.framework).toBe("keras");
		expect(a.parsed.diagnostics).toEqual([]);
		expect(shapes(src)).toEqual(["2 conv 26×26×32", "2 relu 26×26×32", "3 maxpool 13×13×32", "4 flatten 5408", "5 dense 10"]);
	});
});

describe("numbers past the largest double (1e400 reads as infinity) are said at their line, never read as a default", () => {
	// each row: the pasted line, the parameter the message names, how the number was written
	const rows: [string, string, string][] = [
		["nn.LeakyReLU(1e400)", "the slope negative_slope", "1e400"],
		["nn.LeakyReLU(negative_slope=-1e400)", "the slope negative_slope", "-1e400"],
		["nn.Dropout(1e400)", "p", "1e400"],
		["nn.Dropout(p=1e200 * 1e200)", "p", "1e200 * 1e200"],
		["nn.Conv2d(1, 8, kernel_size=1e400)", "kernel_size", "1e400"],
		["nn.Conv2d(1, 8, 3, 1, (1e400, 1))", "padding", "1e400"],
		["nn.MaxPool2d(1e400)", "kernel_size", "1e400"],
		["nn.BatchNorm2d(1, eps=1e400)", "eps", "1e400"],
		["nn.Linear(784, 1e400)", "out_features", "1e400"],
	];
	it.each(rows)("%s names %s", (line, what, text) => {
		const src = `input 28x28x1\nmodel = nn.Sequential(\n  ${line},\n  nn.Flatten(),\n)`;
		const d = errors(src).filter((x) => x.line === 3);
		expect(d).toHaveLength(1);
		expect(d[0].message).toContain(`${what}=${text} is not a finite number`);
		expect(d[0].message).toContain("the layer is not read");
		expect(d[0].message).toContain("past about 1.8e308 a number reads as infinity");
		expect(analyzeCnn(src).parsed.model).toBeNull();
	});

	it.each([
		["nn.Dropout(float('nan'))", 'p=float("nan")'],
		["nn.LeakyReLU(math.inf)", "the slope negative_slope=math.inf"],
		["nn.BatchNorm2d(1, momentum=np.nan)", "momentum=np.nan"],
	])("%s written as infinity or NaN is said too, without the overflow", (line, said) => {
		const src = `input 28x28x1\nmodel = nn.Sequential(\n  ${line},\n  nn.Flatten(),\n)`;
		const d = errors(src).filter((x) => x.line === 3);
		expect(d.map((x) => x.message)).toEqual([expect.stringContaining(`${said} is not a finite number; the layer is not read.`)]);
	});

	it("Keras: Dropout(1e400), Conv2D strides and a LeakyReLU alpha", () => {
		const src = "model = keras.Sequential([\n  layers.Input(shape=(28, 28, 1)),\n  layers.Conv2D(8, 3, strides=(1e400, 1)),\n  layers.Dropout(1e400),\n  layers.LeakyReLU(alpha=1e400),\n])";
		const msgs = errors(src).map((d) => [d.line, d.message]);
		expect(msgs).toContainEqual([3, expect.stringContaining("strides=1e400 is not a finite number")]);
		expect(msgs).toContainEqual([4, expect.stringContaining("rate=1e400 is not a finite number")]);
		expect(msgs).toContainEqual([5, expect.stringContaining("the slope alpha=1e400 is not a finite number")]);
	});

	it("torch.zeros(1, 1, 1e400, 28): the input size is said at its line, not skipped", () => {
		const d = errors("model = nn.Sequential(\n  nn.Conv2d(1, 8, 3),\n)\nx = torch.zeros(1, 1, 1e400, 28)");
		expect(d.find((x) => x.line === 4)?.message).toBe("torch.zeros: a size of 1e400 is not a finite number (past about 1.8e308 a number reads as infinity); the input size is not read from it.");
	});

	it("a finite slope and rate are read as written", () => {
		const a = analyzeCnn("input 28x28x1\nmodel = nn.Sequential(\n  nn.LeakyReLU(0.1),\n  nn.Dropout(0.3),\n)");
		expect(a.parsed.model!.layers).toEqual([{ type: "leakyrelu", slope: 0.1 }, { type: "dropout", p: 0.3 }]);
	});
});
