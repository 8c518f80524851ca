import { describe, expect, it } from "vitest";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import { buildConvModel, MAX_PADDED_SIDE } from "../../../src/render/conv/model";
import { bufferGrowth } from "../../support/buffer-growth";

/** Parses and builds; `bytes` is the buffer memory left held (tests/support/buffer-growth.ts), 0 for a refusal. */
function build(source: string): { ok: boolean; messages: string[]; bytes: number } {
	const { value, bytes } = bufferGrowth(() => buildOnly(source));
	return { ...value, bytes };
}

function buildOnly(source: string): { ok: boolean; messages: string[] } {
	const spec = parseConvSpec(source);
	const errors = spec.diagnostics.filter((d) => d.severity === "error");
	if (errors.length > 0 || !spec.input || spec.input.kind !== "numbers") return { ok: false, messages: errors.map((d) => d.message) };
	const r = buildConvModel(spec, spec.input.planes);
	return { ok: r.model !== null, messages: r.diagnostics.map((d) => `${d.line}: ${d.message}`) };
}

const GRID = "input\n1 2 3\n4 5 6\n7 8 9\nkernel\n1 0\n0 1";

// Before the fix `pad 9007199254740992` crashed the process (V8 "invalid size", the unused-line loop never ended
// because p++ no longer changes p at 2^53) and `pad 100000` allocated a 200 003 × 200 003 padded grid.
describe("cnn-conv: padding that would allocate the world is refused first", () => {
	it.each([
		["pad 9007199254740992", 2 * 9007199254740992 + 3],
		["pad 100000", 200_003],
		["pad 100000x0", 200_003],
		["pad 0x100000", 3],
	])("%s: the padded size and the bound, at once", (line, side) => {
		const r = build(`${GRID}\n${line}`);
		expect(r.ok).toBe(false);
		expect(r.messages.join(" ")).toContain(`a padded side may be at most ${MAX_PADDED_SIDE}`);
		expect(r.messages.join(" ")).toMatch(/^5: /);
		expect(r.messages.join(" ")).toContain(String(side));
		expect(r.bytes).toBeLessThan(1 << 20);
	});

	it("`pad same` under a dilation of a million is refused the same way (same padding is the dilated kernel)", () => {
		const r = build(`${GRID}\ndilation 1000000\npad same`);
		expect(r.ok).toBe(false);
		expect(r.messages.join(" ")).toContain(`at most ${MAX_PADDED_SIDE}`);
		expect(r.bytes).toBeLessThan(1 << 20);
	});

	it("every number 2^53 (stride, pad, dilation too) ends in a message, not an exception", () => {
		const big = "9007199254740992";
		const r = build(`input\n${big} 1\n1 1\nkernel\n1\nstride ${big}\npad ${big}\ndilation ${big}`);
		expect(r.ok).toBe(false);
		expect(r.messages.length).toBeGreaterThan(0);
	});

	it("a padding that fits still works: pad 2 on 3×3 with a 2×2 kernel gives 6×6", () => {
		const spec = parseConvSpec(`${GRID}\npad 2`);
		const r = buildConvModel(spec, spec.input!.kind === "numbers" ? spec.input!.planes : []);
		expect(r.model).not.toBeNull();
		// (3 + 2·2 − 2)/1 + 1 = 6
		expect(r.model!.kernels[0].output).toHaveLength(6);
		expect(r.model!.kernels[0].output[0]).toHaveLength(6);
	});
});
