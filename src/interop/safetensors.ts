/**
 * The safetensors format (what safetensors.torch.save_file writes and load_file, Netron and Hugging Face read):
 * 8 bytes of little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__": {string: string}} (space-padded to a multiple of 8), then the raw little-endian tensor bytes,
 * offsets counted from the end of the header. CNN Lab writes F32 tensors and PyTorch's I64 batch counter, and reads
 * F32, F64, F16, BF16, I64 and I32 into float32.
 */

export type SafeDtype = "F32" | "I64";

/** One tensor to write: its values in row-major order. */
export interface SafeTensorOut {
	name: string;
	dtype: SafeDtype;
	shape: number[];
	data: ArrayLike<number>;
}

/** One tensor read, converted to float32. */
export interface SafeTensorIn {
	dtype: string;
	shape: number[];
	data: Float32Array;
}

export interface SafetensorsFile {
	tensors: Map<string, SafeTensorIn>;
	metadata: Record<string, string>;
}

export type ReadResult = { ok: true; file: SafetensorsFile } | { ok: false; error: string };

const BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2, I64: 8, I32: 4 };

function elements(shape: readonly number[]): number {
	let n = 1;
	for (const d of shape) n *= d;
	return n;
}

/** The bytes of a safetensors file holding `tensors` in the given order, with optional string metadata. */
export function writeSafetensors(tensors: readonly SafeTensorOut[], metadata?: Record<string, string>): Uint8Array {
	const header: Record<string, unknown> = {};
	if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
	let offset = 0;
	for (const t of tensors) {
		const n = elements(t.shape);
		if (t.data.length !== n) throw new Error(`safetensors: ${t.name} has ${t.data.length} values for shape [${t.shape.join(", ")}]`);
		if (t.name in header) throw new Error(`safetensors: the name ${t.name} is used twice`);
		const len = n * BYTES[t.dtype];
		header[t.name] = { dtype: t.dtype, shape: t.shape.slice(), data_offsets: [offset, offset + len] };
		offset += len;
	}
	let json = new TextEncoder().encode(JSON.stringify(header));
	const padded = Math.ceil(json.length / 8) * 8;
	if (padded !== json.length) {
		const p = new Uint8Array(padded).fill(0x20);
		p.set(json);
		json = p;
	}
	const out = new Uint8Array(8 + json.length + offset);
	const view = new DataView(out.buffer);
	view.setBigUint64(0, BigInt(json.length), true);
	out.set(json, 8);
	let at = 8 + json.length;
	for (const t of tensors) {
		const n = t.data.length;
		if (t.dtype === "F32") {
			for (let i = 0; i < n; i++, at += 4) view.setFloat32(at, t.data[i], true);
		} else {
			for (let i = 0; i < n; i++, at += 8) view.setBigInt64(at, BigInt(Math.round(t.data[i])), true);
		}
	}
	return out;
}

interface HeaderEntry {
	dtype?: unknown;
	shape?: unknown;
	data_offsets?: unknown;
}

function readValues(view: DataView, at: number, n: number, dtype: string): Float32Array {
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		if (dtype === "F32") out[i] = view.getFloat32(at + 4 * i, true);
		else if (dtype === "F64") out[i] = view.getFloat64(at + 8 * i, true);
		else if (dtype === "I64") out[i] = Number(view.getBigInt64(at + 8 * i, true));
		else if (dtype === "I32") out[i] = view.getInt32(at + 4 * i, true);
		// bfloat16 is the top half of a float32
		else if (dtype === "BF16") out[i] = bf16(view.getUint16(at + 2 * i, true));
		else out[i] = half(view.getUint16(at + 2 * i, true));
	}
	return out;
}

function bf16(h: number): number {
	const f = new DataView(new ArrayBuffer(4));
	f.setUint32(0, h << 16, false);
	return f.getFloat32(0, false);
}

/** IEEE half precision to a number. */
function half(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exp = (h >> 10) & 0x1f;
	const frac = h & 0x3ff;
	if (exp === 0) return sign * frac * 2 ** -24;
	if (exp === 31) return frac ? NaN : sign * Infinity;
	return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Parses a safetensors file; every way it can be malformed gives a message saying what and where. */
export function readSafetensors(bytes: Uint8Array): ReadResult {
	const fail = (error: string): ReadResult => ({ ok: false, error: `not a valid safetensors file: ${error}` });
	if (bytes.length < 8) return fail(`${bytes.length} bytes, fewer than the 8 of the header length`);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const n = Number(view.getBigUint64(0, true));
	if (n < 2 || 8 + n > bytes.length) return fail(`the header length ${n} does not fit in the file's ${bytes.length} bytes`);
	let header: unknown;
	try {
		header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
	} catch (e) {
		return fail(`the header is not UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
	}
	if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("the header is not a JSON object");
	const dataStart = 8 + n;
	const dataLen = bytes.length - dataStart;
	const tensors = new Map<string, SafeTensorIn>();
	let metadata: Record<string, string> = {};
	for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
		if (name === "__metadata__") {
			if (typeof raw !== "object" || raw === null || Object.values(raw).some((v) => typeof v !== "string")) return fail("__metadata__ must map strings to strings");
			metadata = raw as Record<string, string>;
			continue;
		}
		const e = raw as HeaderEntry;
		const dtype = typeof e?.dtype === "string" ? e.dtype : "";
		if (!(dtype in BYTES)) return fail(`${name}: dtype ${JSON.stringify(e?.dtype)} is not one CNN Lab reads (F32, F64, F16, BF16, I64, I32)`);
		const shape = e.shape;
		if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) return fail(`${name}: the shape is not a list of sizes`);
		const off = e.data_offsets;
		if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o))) return fail(`${name}: data_offsets is not [begin, end]`);
		const [begin, end] = off as [number, number];
		const count = elements(shape as number[]);
		if (begin < 0 || end > dataLen || end - begin !== count * BYTES[dtype]) {
			return fail(`${name}: bytes ${begin}–${end} do not hold [${(shape as number[]).join(", ")}] ${dtype} within the ${dataLen} data bytes`);
		}
		tensors.set(name, { dtype, shape: (shape as number[]).slice(), data: readValues(view, dataStart + begin, count, dtype) });
	}
	return { ok: true, file: { tensors, metadata } };
}
