/** The command line as a function: words in, text out, an exit code back (0 fine, 1 a block has an error, 2 misuse). */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { toKeras, toPyTorch } from "../interop/export";
import { parseArgs, USAGE } from "./args";
import { checkNote, formatReports, hasError, type Report } from "./check";
import { pickBlock } from "./pick-block";
import { readNoteFile } from "./read-note";
import { trainCommand } from "./train-cmd";
import { exportKerasWithWeights, exportWithWeights } from "./export-weights";
import { exportTrainScript } from "./export-train";
import { addWeightsChecks } from "./check-weights";

export interface CliIO {
	out(s: string): void;
	err(s: string): void;
	cwd: string;
}

export const VERSION = "0.1.0";

/** Markdown files under a folder, skipping dot folders (.obsidian, .git, .trash) and node_modules; sorted. */
/** Whether `p`'s real path (links resolved) is seen for the first time; records it. */
function firstVisit(p: string, seen: Set<string>): boolean {
	let real: string;
	try {
		real = realpathSync(p);
	} catch {
		return false;
	}
	if (seen.has(real)) return false;
	seen.add(real);
	return true;
}

function markdownFiles(dir: string, out: string[], depth = 0, seen = new Set<string>()): void {
	if (depth > 32) return;
	let names: string[];
	try {
		names = readdirSync(dir).sort();
	} catch {
		return;
	}
	for (const n of names) {
		if (n.startsWith(".") || n === "node_modules") continue;
		const p = join(dir, n);
		let st;
		try {
			st = statSync(p);
		} catch {
			continue;
		}
		// Each real path once: two links to "." would otherwise walk exponentially, a self-link repeat a note 32 times.
		if (!firstVisit(p, seen)) continue;
		if (st.isDirectory()) markdownFiles(p, out, depth + 1, seen);
		else if (st.isFile() && n.toLowerCase().endsWith(".md")) out.push(p);
	}
}

function readNote(path: string, io: CliIO): string | null {
	try {
		return readNoteFile(path);
	} catch (e) {
		io.err(`cnn-lab: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
		return null;
	}
}

function check(paths: string[], json: boolean, io: CliIO): number {
	const files: string[] = [];
	const seen = new Set<string>();
	for (const p of paths) {
		const full = resolve(io.cwd, p);
		let st;
		try {
			st = statSync(full);
		} catch {
			io.err(`cnn-lab: no such file or folder: ${p}\n`);
			return 2;
		}
		if (!firstVisit(full, seen)) continue;
		if (st.isDirectory()) markdownFiles(full, files, 0, seen);
		// A FIFO would block the read forever and /dev/zero never ends: only regular files are notes.
		else if (st.isFile()) files.push(full);
		else io.err(`cnn-lab: ${p} is not a regular file; skipped\n`);
	}
	const reports: Report[] = [];
	for (const f of files) {
		const text = readNote(f, io);
		if (text === null) return 2;
		const shown = relative(io.cwd, f) || basename(f);
		const note = checkNote(shown.startsWith("..") ? f : shown, text);
		addWeightsChecks(note, f, text);
		// One push each: a spread of 125 000 inline spans overflows the call stack.
		for (const r of note) reports.push(r);
	}
	if (json) io.out(JSON.stringify(reports, null, 2) + "\n");
	else if (reports.length === 0) io.out(`No \`\`\`cnn block or inline \`cnn:\` span in ${files.length} note${files.length === 1 ? "" : "s"}.\n`);
	else io.out(formatReports(reports));
	return reports.some(hasError) ? 1 : 0;
}

async function exportCode(path: string, to: string | null, block: number | null, weights: { file: string | null; check: boolean }, script: { train: boolean; out: string | null }, io: CliIO): Promise<number> {
	if (to !== "pytorch" && to !== "keras") {
		io.err("cnn-lab export: --to pytorch or --to keras\n");
		return 2;
	}
	const full = resolve(io.cwd, path);
	const text = readNote(full, io);
	if (text === null) return 2;
	const picked = pickBlock(path, text, block);
	if (!picked.ok) {
		io.err(`cnn-lab export: ${picked.message}\n`);
		return 2;
	}
	const model = picked.analysis.parsed.model;
	if (!model) {
		io.err(`cnn-lab export: ${path}: block ${picked.block.index} (line ${picked.block.fenceLine}) has errors:\n`);
		for (const d of picked.analysis.parsed.diagnostics.filter((x) => x.severity === "error")) {
			io.err(`  ${path}:${picked.block.fenceLine + d.line}:${d.column}: ${d.message}${d.suggestion ? ` (try: ${d.suggestion})` : ""}\n`);
		}
		return 1;
	}
	if (picked.count > 1 && block === null) io.err(`cnn-lab export: the note has ${picked.count} blocks; exporting block 1 (choose with --block N)\n`);
	const opts = { source: picked.block.source, title: `${basename(path)}, block ${picked.block.index}`, train: picked.analysis.parsed.train };
	if (script.train || script.out !== null) {
		if (!script.train || weights.file !== null) {
			io.err("cnn-lab export: --out goes with --train, and --train without --weights\n");
			return 2;
		}
		return exportTrainScript(to, model, picked.analysis.parsed.train, picked.block.source, full, script.out, opts, io);
	}
	if (weights.file !== null || weights.check) {
		if (weights.file === null || (to !== "pytorch" && weights.check)) {
			io.err("cnn-lab export: --weights FILE.safetensors goes with --to pytorch or --to keras, and --check with --to pytorch\n");
			return 2;
		}
		if (to === "keras") return exportKerasWithWeights(model, weights.file, opts, io);
		return exportWithWeights(model, picked.analysis.parsed.train, full, weights.file, weights.check, opts, io);
	}
	io.out(to === "pytorch" ? toPyTorch(model, opts) : toKeras(model, opts));
	return 0;
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
	const a = parseArgs(argv);
	if (a.version) {
		io.out(`cnn-lab ${VERSION}\n`);
		return 0;
	}
	if (a.help || a.command === null || a.command === "help") {
		io.out(USAGE + "\n");
		return a.help || a.command === "help" ? 0 : 2;
	}
	if (a.errors.length > 0) {
		io.err(a.errors.map((e) => `cnn-lab: ${e}\n`).join("") + "\n" + USAGE + "\n");
		return 2;
	}
	switch (a.command) {
		case "check":
			if (a.paths.length === 0) {
				io.err("cnn-lab check: name a note or a folder\n");
				return 2;
			}
			return check(a.paths, a.json, io);
		case "export":
			if (a.paths.length !== 1) {
				io.err("cnn-lab export: name one note\n");
				return 2;
			}
			return exportCode(a.paths[0], a.to, a.block, { file: a.weights, check: a.check }, { train: a.train, out: a.out }, io);
		case "train":
			if (a.paths.length !== 1) {
				io.err("cnn-lab train: name one note\n");
				return 2;
			}
			return trainCommand(a.paths[0], a.block, a.json, io);
		default:
			io.err(`cnn-lab: unknown command "${a.command}"\n\n${USAGE}\n`);
			return 2;
	}
}
