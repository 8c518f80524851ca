import { describe, expect, it } from "vitest";
import { assemble, Code, F32, I32, V128 } from "../../../src/engine/wasm/wasm-writer";

/** The body bytes of a one-function module, after the local declarations (what the instructions wrote). */
function body(build: (c: Code) => void, params = 2): number[] {
	const c = new Code(params);
	build(c);
	return c.bytes;
}

describe("the WebAssembly writer's named instructions", () => {
	it("encode to the opcodes of the WebAssembly 2.0 spec", () => {
		// i32.ge_u 0x4f, i32.eq 0x46, i32.load 0x28 align 2, f32.add 0x92, f32x4.extract_lane 0xfd 0x1f lane
		expect(body((c) => c.get(0).get(1).geU())).toEqual([0x20, 0, 0x20, 1, 0x4f]);
		expect(body((c) => c.get(0).get(1).eq())).toEqual([0x20, 0, 0x20, 1, 0x46]);
		expect(body((c) => c.get(0).i32Load(200))).toEqual([0x20, 0, 0x28, 2, 0xc8, 0x01]);
		expect(body((c) => c.f32Add())).toEqual([0x92]);
		expect(body((c) => c.f32x4ExtractLane(3))).toEqual([0xfd, 0x1f, 3]);
		// if (blocktype empty 0x40) … end 0x0b
		expect(body((c) => c.get(0).ifThen(() => c.i32(-1).set(1)))).toEqual([0x20, 0, 0x04, 0x40, 0x41, 0x7f, 0x21, 1, 0x0b]);
	});

	it("writes modules the platform validates and runs: a loop with ifThen, geU and a lane sum", async () => {
		// f(n): sum over i < n of (i == 2 ? 10 : 0), computed with ifThen; g(p): the four f32 lanes at p added.
		const f = new Code(1);
		const i = f.local(I32);
		const acc = f.local(I32);
		f.block(() => {
			f.loop(() => {
				f.get(i).get(0).geU().brIf(1);
				f.get(i).i32(2).eq();
				f.ifThen(() => f.get(acc).i32(10).add().set(acc));
				f.get(i).i32(1).add().set(i);
				f.br(0);
			});
		});
		f.get(acc);
		const g = new Code(1);
		const v = g.local(V128);
		g.get(0).v128Load(0).set(v);
		g.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add().get(v).f32x4ExtractLane(2).f32Add().get(v).f32x4ExtractLane(3).f32Add();
		const bytes = assemble([{ name: "f", params: [I32], results: [I32], code: f }, { name: "g", params: [I32], results: [F32], code: g }], 1);
		const { instance } = await WebAssembly.instantiate(bytes);
		const ex = instance.exports as { f: (n: number) => number; g: (p: number) => number; memory: WebAssembly.Memory };
		expect(ex.f(5)).toBe(10);
		expect(ex.f(2)).toBe(0);
		new Float32Array(ex.memory.buffer, 0, 4).set([1.5, 2, 4, 8]);
		expect(ex.g(0)).toBe(15.5);
	});
});
