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
