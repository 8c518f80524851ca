/**
 * `cnn-lab check` and a block's `weights [[model.safetensors]]` line: the file is looked up as the plugin looks it
 * up (from the vault's root, then beside the note; a bare name anywhere in the vault as a link would find it) and
 * checked against the block's network name by name, shape by shape and dtype by dtype. Its problems join the
 * block's diagnostics at the weights line, as errors.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { outsideVault } from "../data/dataset-resolver";
import { analyzeCnn } from "../notation/cnn/parse";
import { flatFromSafetensors } from "../worker/run-weights";
import type { BlockReport, Report } from "./check";
import { scanNote } from "./note-blocks";
import { INLINE_PREFIX } from "../notation/inline/inline";
import { vaultRoot } from "./vault";

/** Folders searched for a bare file name (as Obsidian resolves a link by name); dot folders skipped. */
const MAX_SEARCH = 10_000;

function isFile(p: string): boolean {
	try {
		return statSync(p).isFile();
	} catch {
		return false;
	}
}

function findByName(root: string, name: string): string | null {
	const queue = [root];
	for (let seen = 0; queue.length > 0 && seen < MAX_SEARCH; seen++) {
		const dir = queue.shift() as string;
		let entries;
		try {
			entries = readdirSync(dir, { withFileTypes: true });
		} catch {
			continue;
		}
		for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
			if (e.name.startsWith(".") || e.name === "node_modules") continue;
			if (e.isFile() && e.name === name) return join(dir, e.name);
			if (e.isDirectory()) queue.push(join(dir, e.name));
		}
	}
	return null;
}

/** The weights file a block names, on disk, or null. */
export function weightsFileOnDisk(notePath: string, ref: string): string | null {
	if (outsideVault(ref)) return null;
	const root = vaultRoot(notePath);
	for (const p of [join(root, ref), join(dirname(notePath), ref)]) if (isFile(p)) return p;
	return ref.includes("/") ? null : findByName(root, ref);
}

/** One problem line: the file's vault path and what is wrong with it. */
export function weightsProblem(notePath: string, ref: string, model: Parameters<typeof flatFromSafetensors>[0]): string | null {
	const file = weightsFileOnDisk(notePath, ref);
	if (!file) return `weights ${ref}: no such file in the vault`;
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(file));
	} catch (e) {
		return `weights ${ref}: cannot read it (${e instanceof Error ? e.message : String(e)})`;
	}
	const r = flatFromSafetensors(model, bytes);
	return r.ok ? null : `weights ${relative(vaultRoot(notePath), file).split("\\").join("/")}: ${r.errors.join("; ")}`;
}

/** Adds each block's weights-file problems to its report (`notePath` the note on disk, `text` its contents). */
export function addWeightsChecks(reports: Report[], notePath: string, text: string): void {
	const blocks = scanNote(text, INLINE_PREFIX).blocks;
	for (const r of reports) {
		if (r.kind !== "cnn") continue;
		const block = blocks.find((b) => b.index === r.block);
		if (!block || !/^\s*weights?\b/im.test(block.source)) continue;
		const parsed = analyzeCnn(block.source).parsed;
		if (!parsed.weights || !parsed.model) continue;
		const problem = weightsProblem(notePath, parsed.weights.ref, parsed.model);
		if (problem) addError(r, block.fenceLine + parsed.weights.line, problem);
	}
}

function addError(r: BlockReport, line: number, message: string): void {
	r.diagnostics.push({ line, column: 1, severity: "error", message });
	r.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
	r.ok = false;
}
