/**
 * Finding things inside a residual block by the paths the engine gives its inner outputs ("body.0", "shortcut" for
 * the identity, "shortcut.1", "add" for the sum; a nested block's prefixed: "body.1.body.0", "body.1.add"): the
 * output itself, the layer that made it, that layer's input, and the two branches a sum adds.
 */
import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { Activation } from "../../engine/layer";
import type { LayerSpec, ResidualSpec } from "../../engine/model-spec";

/** The last step of the path of a block's sum. */
export const ADD = "add";

/** Values and their per-sample shape. */
export interface Values {
	shape: number[];
	data: Float32Array;
}

export function isAdd(path: string): boolean {
	return path === ADD || path.endsWith(`.${ADD}`);
}

/** The output at `path` among a block's inner outputs (searching nested blocks), or null. */
export function innerEntry(inner: readonly Activation[], path: string): Activation | null {
	for (const a of inner) {
		if (a.path === path) return a;
		if (a.inner && path.startsWith(`${a.path}.`)) return innerEntry(a.inner, path);
	}
	return null;
}

/** The layer that computes the output at `path` ("body.1.body.0": the first body layer of the block at body.1). */
export function innerSpec(block: ResidualSpec, path: string): LayerSpec | null {
	const parts = path.split(".");
	let spec: LayerSpec = block;
	for (let k = 0; k + 1 < parts.length; k += 2) {
		if (spec.type !== "residual") return null;
		const branch: LayerSpec[] | undefined = parts[k] === "body" ? spec.body : parts[k] === "shortcut" ? spec.shortcut : undefined;
		const next: LayerSpec | undefined = branch?.[Number(parts[k + 1])];
		if (!next) return null;
		spec = next;
	}
	return parts.length % 2 === 0 && spec !== block ? spec : null;
}

/** The layers after the one at `path` in its branch (what a conv's stepper may chain: a ReLU, a pooling). */
export function branchAfter(block: ResidualSpec, path: string): LayerSpec[] {
	const parts = path.split(".");
	const j = Number(parts[parts.length - 1]);
	const parent = parts.length > 2 ? innerSpec(block, parts.slice(0, -2).join(".")) : block;
	if (!Number.isInteger(j) || parent?.type !== "residual") return [];
	return (parts[parts.length - 2] === "body" ? parent.body : parent.shortcut).slice(j + 1);
}

/** The block's prefix of an inner path: "" for the stage's block, "body.1." for one nested at body.1. */
function prefixOf(path: string): string {
	const parts = path.split(".");
	const tail = parts[parts.length - 1] === ADD || parts[parts.length - 1] === "shortcut" ? 1 : 2;
	return parts.slice(0, parts.length - tail).join(".") + (parts.length > tail ? "." : "");
}

/** The direct inner outputs of the block at `prefix`. */
function blockEntries(inner: readonly Activation[], prefix: string): readonly Activation[] {
	if (prefix === "") return inner;
	return innerEntry(inner, prefix.slice(0, -1))?.inner ?? [];
}

/** What the layer at `path` read: the previous output of its branch, or (first in the branch) its block's input. */
export function innerInput(blockInput: Values, inner: readonly Activation[], path: string): Values | null {
	const parts = path.split(".");
	const j = Number(parts[parts.length - 1]);
	if (!Number.isInteger(j)) return null;
	const prefix = prefixOf(path);
	if (j > 0) return innerEntry(inner, `${prefix}${parts[parts.length - 2]}.${j - 1}`);
	return prefix === "" ? blockInput : innerInput(blockInput, inner, prefix.slice(0, -1));
}

/** The two outputs the sum at `path` adds: the body's last and the shortcut's last (the block's input for the identity). */
export function addTerms(inner: readonly Activation[], path: string): { body: Activation; shortcut: Activation; sum: Activation } | null {
	const prefix = prefixOf(path);
	const entries = blockEntries(inner, prefix);
	const sum = entries.find((a) => a.path === path);
	const body = entries.filter((a) => a.path?.startsWith(`${prefix}body.`)).pop();
	const shortcut = entries.filter((a) => a.path === `${prefix}shortcut` || a.path?.startsWith(`${prefix}shortcut.`)).pop();
	return sum && body && shortcut ? { body, shortcut, sum } : null;
}

/** "body 2" or "shortcut 1" for the last step of a path ("body.1"), "shortcut (identity …)", "add: body + shortcut". */
export function stepName(path: string): string {
	const parts = path.split(".");
	const last = parts[parts.length - 1];
	if (last === ADD) return t("explorer.strip.add");
	if (last === "shortcut") return t("explorer.strip.identity");
	return t(parts[parts.length - 2] === "body" ? "explorer.strip.body" : "explorer.strip.shortcut", { n: Number(last) + 1 });
}
