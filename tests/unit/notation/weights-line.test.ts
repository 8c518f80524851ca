import { describe, expect, it } from "vitest";
import { parseCnn } from "../../../src/notation/cnn/parse";

const net = (line: string, train = "train digits"): string => ["input 8x8x1", "conv 4 3x3", "flatten", "dense 10", train, line].join("\n");

describe("the weights line", () => {
	it("reads a vault link or a path with spaces, and keeps the network", () => {
		const a = parseCnn(net("weights [[Models/My net.safetensors|shown name]]"));
		expect(a.weights).toEqual({ line: 6, ref: "Models/My net.safetensors" });
		expect(a.model).not.toBeNull();
		expect(a.diagnostics).toEqual([]);
		expect(parseCnn(net("weights Models/My net.safetensors  # from the GPU box")).weights).toEqual({ line: 6, ref: "Models/My net.safetensors" });
	});

	it("says at the line what cannot be a weights file, as a warning that keeps the shapes and the export", () => {
		const cases: [string, RegExp][] = [
			["weights", /^weights needs a file/],
			["weights ../../secret.safetensors", /outside the vault/],
			["weights model.pt", /torch\.save pickle, which CNN Lab does not run; save safetensors instead: safetensors\.torch\.save_file\(model\.state_dict\(\), "model\.safetensors"\)/],
			["weights model.h5", /^weights: model\.h5 is not a \.safetensors file$/],
		];
		for (const [line, message] of cases) {
			const p = parseCnn(net(line));
			expect(p.weights, line).toBeNull();
			expect(p.model, line).not.toBeNull();
			expect(p.diagnostics.map((d) => [d.line, d.severity]), line).toEqual([[6, "warning"]]);
			expect(p.diagnostics[0].message, line).toMatch(message);
		}
	});

	it("a typo gets its did-you-mean; without a train line it says where the weights are shown", () => {
		const typo = parseCnn(net("weigths [[m.safetensors]]"));
		expect(typo.diagnostics[0]).toMatchObject({ line: 6, severity: "error", suggestion: "did you mean `weights`?" });
		const alone = parseCnn(["input 8x8x1", "flatten", "dense 10", "weights [[m.safetensors]]"].join("\n"));
		expect(alone.weights).toEqual({ line: 4, ref: "m.safetensors" });
		expect(alone.diagnostics).toContainEqual(expect.objectContaining({ line: 4, severity: "info", message: expect.stringMatching(/under a train line/) }));
	});
});
