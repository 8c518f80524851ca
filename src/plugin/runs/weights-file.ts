/**
 * Trained weights kept beside a run note (`<note>.weights.bin`) so the feature maps after training come back
 * without training again. Layout (little-endian): "CNNW", u32 version, u32 header length, a UTF-8 JSON header
 * {run_id, tensors: [{name, shape}]}, zero padding to a multiple of 4, then every tensor's float32 values in order.
 */
import type { App } from "obsidian";
import { TFile } from "obsidian";

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
