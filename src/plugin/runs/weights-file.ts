/**
 * Reading the trained weights kept beside a run note: `<note>.safetensors` since runs save PyTorch state_dict names
 * (src/interop/run-weights.ts), and the older CNN Lab format `<note>.weights.bin`, still read so older runs keep
 * their trained feature maps. Layout (little-endian): "CNNW", u32 version, u32 header length, a UTF-8 JSON header
 * {run_id, tensors: [{name, shape}]}, zero padding to a multiple of 4, then every tensor's float32 values in order.
 */
import type { App } from "obsidian";
import { TFile } from "obsidian";
import type { ModelSpec } from "../../engine/model-spec";
import { WEIGHTS_EXT } from "../../worker/shared-engine";
import { flatFromSafetensors } from "../../worker/shared-engine";

export interface NamedTensor {
	name: string;
	shape: number[];
	data: Float32Array;
}

const MAGIC = [0x43, 0x4e, 0x4e, 0x57]; // "CNNW"
const VERSION = 1;

interface Header {
	run_id: string;
	tensors: { name: string; shape: number[] }[];
}

export function encodeWeights(runId: string, tensors: readonly NamedTensor[]): ArrayBuffer {
	const header: Header = { run_id: runId, tensors: tensors.map((x) => ({ name: x.name, shape: [...x.shape] })) };
	const json = new TextEncoder().encode(JSON.stringify(header));
	const headEnd = Math.ceil((12 + json.length) / 4) * 4;
	const total = tensors.reduce((n, x) => n + x.data.length, 0);
	const buf = new ArrayBuffer(headEnd + total * 4);
	const bytes = new Uint8Array(buf);
	bytes.set(MAGIC, 0);
	const view = new DataView(buf);
	view.setUint32(4, VERSION, true);
	view.setUint32(8, json.length, true);
	bytes.set(json, 12);
	let off = headEnd;
	for (const x of tensors) {
		for (let i = 0; i < x.data.length; i++) view.setFloat32(off + i * 4, x.data[i], true);
		off += x.data.length * 4;
	}
	return buf;
}

function readHeader(buf: ArrayBuffer): { header: Header; dataStart: number } | null {
	if (buf.byteLength < 12) return null;
	const bytes = new Uint8Array(buf);
	if (MAGIC.some((m, i) => bytes[i] !== m)) return null;
	const view = new DataView(buf);
	if (view.getUint32(4, true) !== VERSION) return null;
	const len = view.getUint32(8, true);
	if (12 + len > buf.byteLength) return null;
	try {
		const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len))) as Header;
		if (typeof header.run_id !== "string" || !Array.isArray(header.tensors)) return null;
		return { header, dataStart: Math.ceil((12 + len) / 4) * 4 };
	} catch {
		return null;
	}
}

export function isOwnWeightsFile(buf: ArrayBuffer, runId: string): boolean {
	return readHeader(buf)?.header.run_id === runId;
}

/** The tensors of a weights file, or an error message when the file is not one or is cut short. */
export function decodeWeights(buf: ArrayBuffer): { runId: string; tensors: NamedTensor[] } | { error: string } {
	const h = readHeader(buf);
	if (!h) return { error: "not a CNN Lab weights file" };
	const view = new DataView(buf);
	let off = h.dataStart;
	const tensors: NamedTensor[] = [];
	for (const d of h.header.tensors) {
		if (!Array.isArray(d.shape) || d.shape.some((s) => !Number.isInteger(s) || s < 0)) return { error: `bad shape for ${d.name}` };
		const n = d.shape.reduce((a, b) => a * b, 1);
		if (off + n * 4 > buf.byteLength) return { error: `the file ends inside ${d.name}` };
		const data = new Float32Array(n);
		for (let i = 0; i < n; i++) data[i] = view.getFloat32(off + i * 4, true);
		off += n * 4;
		tensors.push({ name: d.name, shape: d.shape, data });
	}
	return { runId: h.header.run_id, tensors };
}

/** Loads the weights kept beside a run note (its path, or the weights file's own path). */
export async function loadWeights(app: App, runNotePath: string): Promise<{ runId: string; tensors: NamedTensor[] } | { error: string }> {
	const path = runNotePath.endsWith(".weights.bin") ? runNotePath : runNotePath.replace(/\.md$/i, "") + ".weights.bin";
	const file = app.vault.getAbstractFileByPath(path);
	if (!(file instanceof TFile)) return { error: `no weights file ${path}` };
	return decodeWeights(await app.vault.readBinary(file));
}

function concat(parts: readonly Float32Array[]): Float32Array {
	const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

/**
 * A run's weights for the network `model`, flat as Sequential.exportWeights writes them: from the file its note
 * names (`weights`: a vault path, or in older notes a name beside the note), else `<note>.safetensors`, else the old
 * `<note>.weights.bin`. An error says which file and why (missing, malformed, or not this network's names/shapes).
 */
export async function loadRunWeights(app: App, notePath: string, weights: string | null, model: ModelSpec): Promise<{ weights: Float32Array; path: string } | { error: string }> {
	const stem = notePath.replace(/\.md$/i, "");
	const folder = notePath.includes("/") ? notePath.slice(0, notePath.lastIndexOf("/") + 1) : "";
	const candidates = [weights, weights && !weights.includes("/") ? folder + weights : null, stem + WEIGHTS_EXT, stem + ".weights.bin"];
	for (const path of candidates) {
		if (!path) continue;
		const file = app.vault.getAbstractFileByPath(path);
		if (!(file instanceof TFile)) continue;
		const buf = await app.vault.readBinary(file);
		if (file.extension === "safetensors") {
			const r = flatFromSafetensors(model, new Uint8Array(buf));
			return r.ok ? { weights: r.weights, path } : { error: `${path}: ${r.errors.join("; ")}` };
		}
		const old = decodeWeights(buf);
		if ("error" in old) return { error: `${path}: ${old.error}` };
		return { weights: old.tensors.length === 1 ? old.tensors[0].data : concat(old.tensors.map((x) => x.data)), path };
	}
	return { error: `no weights file beside ${notePath}` };
}
