/**
 * A tiny WebAssembly binary writer: just enough of the format to emit the engine's SIMD kernels from TypeScript,
 * so no compiler toolchain or prebuilt binary is needed at build or run time.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(n: number): number[] {
	const out: number[] = [];
	do {
		let b = n & 0x7f;
		n >>>= 7;
		if (n !== 0) b |= 0x80;
		out.push(b);
	} while (n !== 0);
	return out;
}

export function sleb(n: number): number[] {
	const out: number[] = [];
	for (;;) {
		const b = n & 0x7f;
		n >>= 7;
		if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
			out.push(b);
			return out;
		}
		out.push(b | 0x80);
	}
}

function str(s: string): number[] {
	const bytes = Array.from(new TextEncoder().encode(s));
	return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
	return [...uleb(items.length), ...items.flat()];
}

function section(id: number, body: number[]): number[] {
	return [id, ...uleb(body.length), ...body];
}

/**
 * Instruction emitter for one function body; locals are numbered after the parameters. Each instruction the
 * kernels use has a method named after it (the integer ones are i32: add, sub, mul, geU, …); the opcodes stay in
 * here, so a kernel reads as the instructions it runs.
 */
export class Code {
	readonly bytes: number[] = [];
	private readonly localTypes: ValType[] = [];

	constructor(private readonly paramCount: number) {}

	local(type: ValType): number {
		this.localTypes.push(type);
		return this.paramCount + this.localTypes.length - 1;
	}

	private op(...b: number[]): this {
		this.bytes.push(...b);
		return this;
	}

	get(i: number): this {
		return this.op(0x20, ...uleb(i));
	}
	set(i: number): this {
		return this.op(0x21, ...uleb(i));
	}
	tee(i: number): this {
		return this.op(0x22, ...uleb(i));
	}
	i32(n: number): this {
		return this.op(0x41, ...sleb(n | 0));
	}
	add(): this {
		return this.op(0x6a);
	}
	sub(): this {
		return this.op(0x6b);
	}
	mul(): this {
		return this.op(0x6c);
	}
	/** i32.lt_u */
	ltU(): this {
		return this.op(0x49);
	}
	/** i32.ge_u */
	geU(): this {
		return this.op(0x4f);
	}
	/** i32.eq */
	eq(): this {
		return this.op(0x46);
	}
	/** i32.load (4-byte aligned) at the address on the stack plus `offset` bytes. */
	i32Load(offset = 0): this {
		return this.op(0x28, 2, ...uleb(offset));
	}
	f32Add(): this {
		return this.op(0x92);
	}
	f32Load(offset = 0): this {
		return this.op(0x2a, 2, ...uleb(offset));
	}
	f32Store(offset = 0): this {
		return this.op(0x38, 2, ...uleb(offset));
	}
	/** SIMD instruction: 0xfd prefix and the opcode as LEB128. */
	private simd(opcode: number, ...imm: number[]): this {
		return this.op(0xfd, ...uleb(opcode), ...imm);
	}
	v128Load(offset = 0): this {
		return this.simd(0x00, 4, ...uleb(offset));
	}
	v128Store(offset = 0): this {
		return this.simd(0x0b, 4, ...uleb(offset));
	}
	/** Loads one f32 and splats it to all four lanes. */
	load32Splat(offset = 0): this {
		return this.simd(0x09, 2, ...uleb(offset));
	}
	v128Zero(): this {
		return this.simd(0x0c, ...new Array<number>(16).fill(0));
	}
	f32x4Add(): this {
		return this.simd(0xe4);
	}
	f32x4Mul(): this {
		return this.simd(0xe6);
	}
	f32x4Max(): this {
		return this.simd(0xe9);
	}
	/** f32x4.extract_lane: lane `lane` (0–3) of the v128 on the stack, as an f32. */
	f32x4ExtractLane(lane: number): this {
		return this.simd(0x1f, lane);
	}
	/** if … end (no else, no result), with `body` emitting the inside; it runs when the i32 on the stack is not 0. */
	ifThen(body: () => void): this {
		this.op(0x04, 0x40);
		body();
		return this.op(0x0b);
	}
	/** block … end, with `body` emitting the inside. Branch depth 0 inside targets the block's end. */
	block(body: () => void): this {
		this.op(0x02, 0x40);
		body();
		return this.op(0x0b);
	}
	/** loop … end. Branch depth 0 inside jumps back to the loop's start. */
	loop(body: () => void): this {
		this.op(0x03, 0x40);
		body();
		return this.op(0x0b);
	}
	brIf(depth: number): this {
		return this.op(0x0d, ...uleb(depth));
	}
	br(depth: number): this {
		return this.op(0x0c, ...uleb(depth));
	}

	encode(): number[] {
		const groups: number[][] = [];
		for (const t of this.localTypes) {
			const last = groups[groups.length - 1];
			if (last && last[1] === t) last[0]++;
			else groups.push([1, t]);
		}
		const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...this.bytes, 0x0b];
		return [...uleb(body.length), ...body];
	}
}

export interface FuncDef {
	name: string;
	params: ValType[];
	results: ValType[];
	code: Code;
}

/**
 * A module with one exported memory (`memoryPages` to start with, at most `maxPages` when given: limits flag 1)
 * and the given exported functions.
 */
export function assemble(funcs: FuncDef[], memoryPages: number, maxPages?: number): Uint8Array<ArrayBuffer> {
	const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
	const bytes = [
		0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
		...section(1, vec(types)),
		...section(3, vec(funcs.map((_, i) => uleb(i)))),
		...section(5, vec([maxPages === undefined ? [0x00, ...uleb(memoryPages)] : [0x01, ...uleb(memoryPages), ...uleb(maxPages)]])),
		...section(7, vec([[...str("memory"), 0x02, 0x00], ...funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)])])),
		...section(10, vec(funcs.map((f) => f.code.encode()))),
	];
	return new Uint8Array(bytes);
}
