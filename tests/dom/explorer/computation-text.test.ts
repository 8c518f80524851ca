// @vitest-environment jsdom
/**
 * The explorer's computation, as the user reads it: for random cells (seeded) of every layer of networks with every
 * kind of layer the explorer explains, the cell is clicked, the WRITTEN text of its computation (the stepper's sums,
 * a window's max or mean, the normalisation, a dense unit's products…) is parsed here, independently of the code
 * that wrote it, the result recomputed from the numbers as written, and compared with the map's value (the engine's
 * float32 output): within what the written digits allow (each number is written to 6 decimals, ±5e-7) plus a
 * relative 1e-5.
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { trainSync } from "../../../src/engine/trainer";
import { optimizerSpec } from "../../../src/engine/optim";
import type { LayerSpec, ModelSpec, ResidualSpec } from "../../../src/engine/model-spec";
import type { Activation } from "../../../src/engine/layer";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { until } from "../../support/until";

const p = (a: number): [number, number] => [a, a];
const conv = (filters: number, k: number, extra: Partial<Extract<LayerSpec, { type: "conv" }>> = {}): LayerSpec => ({ type: "conv", filters, kernel: p(k), stride: p(1), pad: p(0), dilation: p(1), bias: true, ...extra });
const bn: LayerSpec = { type: "batchnorm" };
const pool = (type: "maxpool" | "avgpool", k: number, s: number, pad: number, countIncludePad = true): LayerSpec => ({ type, kernel: p(k), stride: p(s), pad: p(pad), ceil: false, countIncludePad });

/** Every kind of layer the explorer explains, on the 8×8 digits. */
const ALL: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		conv(4, 3, { pad: p(1) }),
		bn,
		{ type: "leakyrelu", slope: 0.1 },
		conv(4, 3, { pad: p(1), groups: 2 }),
		{ type: "depthwise", multiplier: 2, kernel: p(3), stride: p(1), pad: p(1), dilation: p(1), bias: true },
		{ type: "relu" },
		pool("maxpool", 2, 2, 0),
		{ type: "convtranspose", filters: 4, kernel: p(2), stride: p(2), pad: p(0), outputPad: p(0), dilation: p(1), bias: true },
		pool("avgpool", 3, 2, 1, false),
		{ type: "residual", body: [conv(4, 3, { pad: p(1) }), bn, { type: "relu" }], shortcut: [] },
		{ type: "residual", body: [conv(6, 3, { stride: p(2), pad: p(1) }), bn], shortcut: [conv(6, 1, { stride: p(2), bias: false }), bn] },
		{ type: "tanh" },
		{ type: "gap" },
		{ type: "dense", units: 12, bias: true },
		bn,
		{ type: "sigmoid" },
		{ type: "dropout", p: 0.2 },
		{ type: "dense", units: 10, bias: true },
		{ type: "softmax" },
	],
};

/** The rest: padded pools (a max over padding, a mean over the full window), adaptive bins, flatten. */
const MORE: ModelSpec = {
	input: [1, 8, 8],
	layers: [conv(3, 3), pool("avgpool", 2, 2, 1, true), { type: "adaptiveavgpool", size: p(3) }, pool("maxpool", 2, 2, 1), { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

const digits = loadDigits();

beforeAll(() => installFakeCanvas());

/** Trained a little, so that batch norm has running statistics of its own (not 0 and 1) and the weights are learned. */
function mount(spec: ModelSpec): { view: ExplorerView; host: HTMLElement } {
	const net = Sequential.build(spec, 11);
	trainSync(net, { x: digits.x, y: digits.y, n: digits.n, shape: digits.shape, classes: 10 }, { epochs: 1, batchSize: 64, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 11, val: 0.2 });
	const host = document.body.createDiv();
	const view = new ExplorerView(host, {
		probe: new Probe(spec, 11, net.exportWeights()),
		classNames: digits.classNames,
		samples: { x: digits.x, y: digits.y, n: digits.n },
		weightsFrom: "test",
		lineText: () => null,
		colormap: "viridis",
		decimals: 2,
		startIndex: 5,
	});
	return { view, host };
}

function clickCell(canvas: HTMLCanvasElement, rows: number, cols: number, row: number, col: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: cols * 10, height: rows * 10, right: cols * 10, bottom: rows * 10, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent("click", { clientX: col * 10 + 5, clientY: row * 10 + 5, bubbles: true }));
}

/** mulberry32: the same cells every run. */
function rng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// ---- the independent reading of what is written ----

/** Half the last written digit: every number is written to 6 decimals. */
const HALF = 5e-7;

/** A number as written: "−0.25" or "(−0.25)" (a negative term in a sum), "0.000001". */
function num(s: string): number {
	const v = Number(s.trim().replace(/^\((.*)\)$/, "$1").replace("−", "-"));
	if (!Number.isFinite(v)) throw new Error(`not a number: "${s}"`);
	return v;
}

/** "a·b + c·d + e" (· or " · " between factors): the terms re-added, and how far the written digits may put it off. */
function reAdd(expr: string, times = "·"): { sum: number; bound: number; terms: number[] } {
	if (expr.includes("…")) throw new Error(`a sum written in part: ${expr}`);
	let sum = 0;
	let bound = 0;
	const terms: number[] = [];
	for (const term of expr.split(" + ")) {
		const parts = term.split(times);
		if (parts.length === 2) {
			const [a, b] = parts.map(num);
			sum += a * b;
			terms.push(a * b);
			bound += HALF * (Math.abs(a) + Math.abs(b)) + HALF * HALF;
		} else {
			const v = num(parts[0]);
			sum += v;
			terms.push(v);
			bound += HALF;
		}
	}
	return { sum, bound, terms };
}

/** `got` recomputed from the written numbers is the map's `value`: within the written digits' `bound` and a relative 1e-5. */
function expectValue(got: number, bound: number, value: number, what: string): void {
	expect(Math.abs(got - value), `${what}: ${got} vs ${value} (bound ${bound})`).toBeLessThanOrEqual(bound + 1e-5 * Math.abs(value) + 1e-9);
}

/** The value written after the last " = ", to its 6 decimals (the stepper adds in float64, the engine in float32). */
function expectWritten(text: string, value: number): void {
	const w = num(text.split(" = ").pop() ?? "");
	expect(Math.abs(w - value), `written ${w} vs ${value}: ${text}`).toBeLessThanOrEqual(2 * HALF + 1e-6 * Math.abs(value));
}

function match(text: string, re: RegExp): string[] {
	const m = re.exec(text);
	if (!m) throw new Error(`"${text}" does not read as ${re}`);
	return m.slice(1);
}

const calc = (host: HTMLElement): HTMLElement => host.querySelector(".cnn-lab-explorer-calc") as HTMLElement;
const sums = (host: HTMLElement): string[] => [...calc(host).querySelectorAll(".cnn-lab-explorer-calc-sum")].map((e) => e.textContent ?? "");

/** Checks the written computation of the value `value` made by a layer of kind `kind`; `prev`: the layer's input (flatten). */
function checkWritten(host: HTMLElement, kind: string, value: number, ctx: { prev?: ArrayLike<number> }): void {
	const text = sums(host)[0] ?? "";
	switch (kind) {
		case "conv":
		case "depthwise": {
			// each input channel's products re-added to its partial sum, then the total re-added to the value
			for (const line of calc(host).querySelectorAll(".cnn-conv-sum-channel")) {
				const t = line.textContent ?? "";
				const [expr, partial] = match(t, /^[^:]+: (.*) = (\S+)$/);
				const r = reAdd(expr);
				expectValue(r.sum, r.bound, num(partial), t);
			}
			const total = calc(host).querySelector(".cnn-conv-sum-total")?.textContent ?? "";
			const [expr] = match(total.replace(/^total: /, ""), /^(.*) = \S+$/);
			const r = reAdd(expr);
			expectValue(r.sum, r.bound, value, total);
			expectWritten(total, value);
			return;
		}
		case "maxpool": {
			const [n, list] = match(text, /of the (\d+) values in its window: max\((.*)\) = \S+$/);
			const values = list.split(", ").map(num);
			expect(values).toHaveLength(Number(n));
			// the window's table shows the same values
			const cells = [...calc(host).querySelectorAll(".cnn-lab-explorer-window td:not(.is-pad)")].map((td) => num(td.textContent ?? ""));
			expect(cells).toEqual(values);
			expectValue(Math.max(...values), HALF, value, text);
			expectWritten(text, value);
			return;
		}
		case "avgpool":
		case "gap":
		case "adaptiveavgpool": {
			const [expr, d] = match(text, /the mean of its window: \((.*)\) \/ (\d+) = \S+$/);
			const r = reAdd(expr);
			const cells = [...calc(host).querySelectorAll(".cnn-lab-explorer-window td:not(.is-pad)")].map((td) => num(td.textContent ?? ""));
			expect(cells).toEqual(r.terms);
			expectValue(r.sum / Number(d), r.bound / Number(d), value, text);
			expectWritten(text, value);
			return;
		}
		case "batchnorm": {
			const [x, mean, v, eps, g, b] = match(text, /: \((\S+) − (\S+)\) \/ √\((\S+) \+ (\S+)\) · (\S+) \+ (\S+) = \S+$/).map(num);
			const s = Math.sqrt(v + eps);
			const y = ((x - mean) / s) * g + b;
			// how far the written digits of x, mean, var, γ and β may move y
			const bound = HALF * ((2 * Math.abs(g)) / s + (Math.abs(x - mean) * Math.abs(g)) / (2 * s ** 3) + Math.abs(x - mean) / s + 1) * 1.01;
			expectValue(y, bound, value, text);
			expectWritten(text, value);
			return;
		}
		case "dense":
		case "convtranspose": {
			// every listed contribution x · w = p; the sum line adds those products, the rest and the bias
			const table: number[] = [];
			for (const tr of calc(host).querySelectorAll(".cnn-lab-explorer-contrib tr")) {
				const cell = tr.querySelectorAll("td")[1];
				const t = cell?.textContent ?? "";
				if (cell?.classList.contains("cnn-lab-calc-term")) {
					const [xw, prod] = match(t, /^(.*) = (\S+)$/);
					const r = reAdd(xw, " · ");
					expectValue(r.sum, r.bound + HALF, num(prod), t);
					table.push(num(prod));
				} else table.push(num(t));
			}
			const [expr] = match(text, /^(.*) = \S+$/);
			const r = reAdd(expr);
			expect(r.terms).toEqual(table);
			expectValue(r.sum, r.bound, value, text);
			expectWritten(text, value);
			return;
		}
		case "softmax": {
			const [x, max, e, d] = match(text, /e\^\((\S+) − (\S+)\) \/ Σ e\^\(logit − \S+\) = (\S+) \/ (\S+) = \S+$/).map(num);
			expectValue(Math.exp(x - max), HALF * 2 * Math.exp(x - max) * 1.01, e, text);
			const den = sums(host)[1] ?? "";
			const [m2, terms, d2] = match(den, /^Σ e\^\(logit − (\S+)\) = (.*) = (\S+)$/);
			expect(num(m2)).toBe(max);
			expect(num(d2)).toBe(d);
			const r = reAdd(terms);
			expectValue(r.sum, r.bound, d, den);
			expect(r.terms).toContain(e);
			expectValue(e / d, (HALF + (e / d) * (HALF + r.bound)) / d, value, text);
			expectWritten(text, value);
			return;
		}
		case "relu": {
			const [x] = match(text, /max\(0, (\S+)\) = \S+$/).map(num);
			expectValue(Math.max(0, x), HALF, value, text);
			expectWritten(text, value);
			return;
		}
		case "leakyrelu": {
			const [x, a] = match(text, /: (\S+) ≥ 0 \? \S+ : (\S+) · \S+ = \S+$/).map(num);
			expectValue(x >= 0 ? x : a * x, HALF, value, text);
			expectWritten(text, value);
			return;
		}
		case "sigmoid": {
			const [x] = match(text, /1 \/ \(1 \+ e\^−\((\S+)\)\) = \S+$/).map(num);
			expectValue(1 / (1 + Math.exp(-x)), HALF / 4, value, text);
			expectWritten(text, value);
			return;
		}
		case "tanh": {
			const [x] = match(text, /tanh\((\S+)\) = \S+$/).map(num);
			expectValue(Math.tanh(x), HALF, value, text);
			expectWritten(text, value);
			return;
		}
		case "dropout": {
			const [x] = match(text, /passes (\S+) unchanged/).map(num);
			expectValue(x, HALF, value, text);
			return;
		}
		case "flatten": {
			const [i, x] = match(text, /value (\d+) of the previous layer, (\S+)$/);
			expectValue(num(x), HALF, value, text);
			// and it is that value of the layer before
			expectValue(num(x), HALF, ctx.prev?.[Number(i) - 1] ?? NaN, text);
			return;
		}
		case "add": {
			const [b, s] = match(text, /^body (\S+) \+ shortcut (\S+) = \S+$/).map(num);
			expectValue(b + s, 2 * HALF, value, text);
			expectWritten(text, value);
			return;
		}
		case "identity": {
			const [x] = match(text, /unchanged: (\S+)$/).map(num);
			expectValue(x, HALF, value, text);
			expect(Math.abs(x - (ctx.prev ? ctx.prev[0] : NaN))).toBeLessThanOrEqual(HALF);
			return;
		}
		default:
			throw new Error(`no reading for a ${kind}`);
	}
}

// ---- the strip's rows, and the cells clicked ----

/** A stage's rows in the strip as drawn: its output, or (a residual block) its inner outputs depth first, by path. */
function innerRows(inner: readonly Activation[]): Activation[] {
	return inner.flatMap((a) => (a.inner ? innerRows(a.inner) : [a]));
}

/** The layer that made the output at `path` inside `block`. */
function specAt(block: ResidualSpec, path: string): LayerSpec | null {
	const parts = path.split(".");
	let spec: LayerSpec = block;
	for (let k = 0; k + 1 < parts.length; k += 2) {
		if (spec.type !== "residual") return null;
		const next: LayerSpec | undefined = (parts[k] === "body" ? spec.body : spec.shortcut)[Number(parts[k + 1])];
		if (!next) return null;
		spec = next;
	}
	return spec;
}

interface Row {
	el: HTMLElement;
	kind: string;
	shape: readonly number[];
	data: Float32Array;
	what: string;
	prev?: ArrayLike<number>;
}

async function rowsOf(host: HTMLElement, view: ExplorerView): Promise<Row[]> {
	const r = view.current;
	if (!r) throw new Error("no result");
	const strip = host.querySelector(".cnn-lab-explorer-strip") as HTMLElement;
	const stages = (): HTMLElement[] => [...strip.children].filter((e) => e.classList.contains("cnn-lab-explorer-layer") || e.classList.contains("cnn-lab-explorer-block")) as HTMLElement[];
	// a strip of many values is built over several tasks
	await until(() => stages().length === r.stages.length);
	const stageEls = stages();
	expect(stageEls).toHaveLength(r.stages.length);
	const rows: Row[] = [];
	r.stages.forEach((st, i) => {
		if (i === 0 || !st.spec) return;
		const spec = st.spec;
		if (spec.type !== "residual") {
			rows.push({ el: stageEls[i], kind: spec.type, shape: st.shape, data: st.data, what: `stage ${i} (${spec.type})`, prev: r.stages[i - 1].data });
			return;
		}
		const els = [...stageEls[i].querySelectorAll<HTMLElement>(".cnn-lab-explorer-layer")];
		const inner = innerRows(st.inner ?? []);
		expect(els).toHaveLength(inner.length);
		inner.forEach((a, k) => {
			const path = a.path ?? "";
			const kind = path === "add" || path.endsWith(".add") ? "add" : a.label === "identity" ? "identity" : (specAt(spec, path)?.type ?? "?");
			// the identity is the block's input (this block is not nested)
			rows.push({ el: els[k], kind, shape: a.shape, data: a.data, what: `stage ${i} ${path} (${kind})`, ...(kind === "identity" ? { prev: r.stages[i - 1].data } : {}) });
		});
	});
	return rows;
}

/** Clicks `cells` random cells of each row and checks what each one's computation writes. */
async function checkNetwork(spec: ModelSpec, seed: number, cells: number): Promise<Set<string>> {
	const { view, host } = mount(spec);
	const rand = rng(seed);
	const kinds = new Set<string>();
	for (const row of await rowsOf(host, view)) {
		kinds.add(row.kind);
		for (let k = 0; k < cells; k++) {
			let index: number;
			if (row.shape.length === 3) {
				const [c, h, w] = row.shape;
				const ch = Math.floor(rand() * Math.min(c, 8));
				const y = Math.floor(rand() * h);
				const x = Math.floor(rand() * w);
				clickCell(row.el.querySelectorAll("canvas")[ch] as HTMLCanvasElement, h, w, y, x);
				index = (ch * h + y) * w + x;
				expect(host.querySelector(".cnn-lab-explorer-calc-title")?.textContent, row.what).toContain(`channel ${ch + 1}, row ${y + 1}, column ${x + 1} =`);
			} else {
				const units = row.el.querySelectorAll<HTMLButtonElement>("button.cnn-lab-explorer-unit");
				index = Math.floor(rand() * units.length);
				units[index].click();
				expect(host.querySelector(".cnn-lab-explorer-calc-title")?.textContent, row.what).toContain(`unit ${index + 1} =`);
			}
			const prev = row.kind === "identity" ? [row.prev?.[index] ?? NaN] : row.prev;
			try {
				checkWritten(host, row.kind, row.data[index], { prev });
			} catch (e) {
				throw new Error(`${row.what}, cell ${index}: ${(e as Error).message}`);
			}
		}
	}
	view.destroy();
	return kinds;
}

describe("the explorer's written computation, re-added", () => {
	it("every layer kind: conv, grouped, depthwise, transposed conv, batch norm, (leaky) ReLU, pools, residual blocks, gap, dense, sigmoid, dropout, softmax", async () => {
		const kinds = await checkNetwork(ALL, 1, 4);
		expect([...kinds].sort()).toEqual(["add", "avgpool", "batchnorm", "conv", "convtranspose", "dense", "depthwise", "dropout", "gap", "identity", "leakyrelu", "maxpool", "relu", "sigmoid", "softmax", "tanh"]);
	});

	it("padded pools, adaptive bins, flatten", async () => {
		const kinds = await checkNetwork(MORE, 2, 6);
		expect([...kinds].sort()).toEqual(["adaptiveavgpool", "avgpool", "conv", "dense", "flatten", "maxpool", "softmax"]);
	});
});
