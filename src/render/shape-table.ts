/**
 * The ```cnn block's view: the shape table (one row a layer, each with its formula and its problems under it),
 * the totals, the list of problems with their line numbers and the copy buttons. DOM only; the plugin wires
 * the buttons.
 */
import { t } from "../i18n";
import "../i18n/strings-spec";
import type { CnnAnalysis } from "../notation/cnn/parse";
import { fixesText } from "../notation/cnn/fixes";
import { fmtCount } from "../notation/cnn/shape";
import { paramsText, summarize, totalsLines, type Summary } from "../notation/cnn/summary";
import type { Diagnostic } from "../notation/diagnostic";
import { appendWithCode } from "./code-spans";

export interface ShapeTableView {
	root: HTMLElement;
	summary: Summary;
	buttons: { pytorch: HTMLButtonElement; keras: HTMLButtonElement; table: HTMLButtonElement };
}

// the formula stands next to the output it explains, so a narrow note shows both without scrolling
const COLS = ["spec.col.line", "spec.col.layer", "spec.col.output", "spec.col.formula", "spec.col.filter", "spec.col.params", "spec.col.macs", "spec.col.rf"] as const;
// headers align with their column's numbers
const COL_CLASS: Record<string, string | undefined> = { "spec.col.line": "cnn-spec-num", "spec.col.params": "cnn-spec-num", "spec.col.macs": "cnn-spec-num", "spec.col.rf": "cnn-spec-rf" };
// on a phone the table keeps layer, output and formula (each problem under its row still names its line);
// the rest waits behind the "all columns" toggle
const EXTRA = new Set(["spec.col.line", "spec.col.filter", "spec.col.params", "spec.col.macs", "spec.col.rf"]);
const extraCls = (k: string): string[] => [COL_CLASS[k] ?? "", EXTRA.has(k) ? "cnn-spec-extra" : ""].filter(Boolean);
const ICON: Record<Diagnostic["severity"], string> = { error: "✗", warning: "⚠", info: "ℹ" };

function diagEl(parent: HTMLElement, d: Diagnostic, withLine: boolean, fixes?: { label: string; line: string; shape: string }[]): HTMLElement {
	const el = parent.createDiv({ cls: ["cnn-spec-diag", `cnn-lab-${d.severity}`] });
	// real spaces between the parts, so copied text and screen readers do not run "line 3" into the message
	el.createSpan({ cls: "cnn-spec-diag-icon", text: ICON[d.severity] });
	el.append(" ");
	if (withLine) {
		el.createSpan({ cls: "cnn-spec-diag-line", text: t("spec.lineN", { n: d.line }) });
		el.append(" ");
	}
	appendWithCode(el.createSpan({ cls: "cnn-spec-diag-msg" }), d.message);
	if (fixes && fixes.length > 0) {
		const ul = el.createEl("ul", { cls: "cnn-spec-fixes" });
		for (const f of fixes) {
			const li = ul.createEl("li", { attr: { title: f.line } });
			li.createEl("code", { text: f.label });
			li.createSpan({ text: ` → ${f.shape}` });
		}
	} else if (d.suggestion) {
		appendWithCode(el.createSpan({ cls: "cnn-spec-diag-fix" }), d.suggestion);
	}
	return el;
}

/**
 * A layer line that, when the column is narrow, breaks only before a keyword: "conv 8 3x3 | pad 1", never
 * "conv 8 3x3 pad | 1". Each keyword and its values sit in one unbreakable group; the text stays the same.
 */
function layerCode(parent: HTMLElement, line: string): void {
	const code = parent.createEl("code");
	const groups: string[] = [];
	for (const tok of line.split(/\s+/).filter(Boolean)) {
		// a word starts a new group unless it is a value ("pad same")
		if (groups.length === 0 || (/^[a-z_]/i.test(tok) && !/^(same|valid)$/i.test(tok))) groups.push(tok);
		else groups[groups.length - 1] += ` ${tok}`;
	}
	groups.forEach((g, i) => {
		if (i > 0) code.append(" ");
		code.createSpan({ cls: "cnn-spec-nowrap", text: g });
	});
}

/**
 * A formula whose result ("= 28", "= 10.33 → 10") never wraps away from its last sign when the column is narrow.
 * A line with no " = " is a sentence about the row (which inputs a stride floors together, the shortcut of a block):
 * it is set as prose, in the interface font, so it takes a few lines of the column instead of many monospace ones.
 */
function formulaEl(parent: HTMLElement, f: string): void {
	const eq = f.lastIndexOf(" = ");
	const div = parent.createDiv(eq <= 0 ? { cls: "cnn-spec-formula-note" } : {});
	if (eq <= 0) {
		div.setText(f);
		return;
	}
	div.append(f.slice(0, eq + 1));
	div.createSpan({ cls: "cnn-spec-nowrap", text: f.slice(eq + 1) });
}

export function renderShapeTable(parent: HTMLElement, a: CnnAnalysis): ShapeTableView {
	const summary = summarize(a);
	const root = parent.createDiv({ cls: ["cnn-lab", "cnn-spec"] });
	const rows = a.report?.rows ?? [];
	const rowLines = new Set(rows.map((r) => r.layer.line));
	// the problems said under a row, with their fixes: the Problems list names them by line without the fixes again
	const atRow = new Set<Diagnostic>();

	if (summary.input || summary.rows.length > 0) {
		const scroll = root.createDiv({ cls: "cnn-spec-scroll" });
		const table = scroll.createEl("table", { cls: "cnn-spec-table" });
		const hr = table.createEl("thead").createEl("tr");
		let help: HTMLButtonElement | null = null;
		for (const k of COLS) {
			const th = hr.createEl("th", { cls: extraCls(k), text: t(k) });
			// "jump" is the distance in input pixels between neighbouring outputs: say so where it is shown, as a
			// tooltip and, for a touch screen that has none, behind a "?" beside the header
			if (k === "spec.col.rf") {
				th.title = t("spec.jumpExplained");
				th.append(" ");
				help = th.createEl("button", { cls: "cnn-spec-help", text: "?", attr: { "aria-label": t("spec.jumpHelp"), "aria-expanded": "false" } });
			}
		}
		const body = table.createEl("tbody");
		if (summary.input) {
			const tr = body.createEl("tr", { cls: "cnn-spec-input" });
			tr.createEl("td", { cls: ["cnn-spec-num", "cnn-spec-extra"], text: String(summary.input.line) });
			tr.createEl("td", { cls: "cnn-spec-layer" }).createEl("code", { text: summary.input.text || t("spec.inputRow") });
			tr.createEl("td", { cls: "cnn-spec-shape", text: summary.input.shape });
			for (let i = 3; i < COLS.length; i++) tr.createEl("td", { cls: extraCls(COLS[i]) });
		}
		summary.rows.forEach((r, i) => {
			const shapeRow = rows[i];
			const tr = body.createEl("tr", { cls: "cnn-spec-row" });
			if (r.severity) tr.addClass(`is-${r.severity}`);
			// a residual block's rows are indented by depth; its shortcut and add rows are marked as the block's own
			if (r.nest > 0) tr.addClass(`cnn-spec-nest-${Math.min(r.nest, 3)}`);
			if (r.block) tr.addClass(`cnn-spec-${r.block}`);
			tr.createEl("td", { cls: ["cnn-spec-num", "cnn-spec-extra"], text: String(r.line) });
			const layerTd = tr.createEl("td", { cls: "cnn-spec-layer" });
			layerCode(layerTd, r.layer);
			if (r.readAs) layerTd.createDiv({ cls: "cnn-spec-read-as", text: t("spec.readAs", { word: r.readAs }) });
			const out = tr.createEl("td", { cls: "cnn-spec-shape", text: r.output });
			if (r.severity === "error" || r.severity === "warning") out.createSpan({ cls: `cnn-spec-mark cnn-lab-${r.severity}`, text: ` ${ICON[r.severity]}` });
			const ftd = tr.createEl("td", { cls: "cnn-spec-formula" });
			for (const f of r.formulas) formulaEl(ftd, f);
			tr.createEl("td", { cls: ["cnn-spec-filter", "cnn-spec-extra"], text: r.filter });
			tr.createEl("td", { cls: ["cnn-spec-num", "cnn-spec-extra"], text: paramsText(r) });
			tr.createEl("td", { cls: ["cnn-spec-num", "cnn-spec-extra"], text: r.macs === null ? "" : fmtCount(r.macs) });
			const rf = tr.createEl("td", { cls: ["cnn-spec-rf", "cnn-spec-extra"], text: r.rf });
			if (r.rf) rf.title = t("spec.jumpExplained");
			for (const d of shapeRow?.diagnostics ?? a.parsed.diagnostics.filter((x) => x.line === r.line)) {
				const dtr = body.createEl("tr", { cls: "cnn-spec-diag-row" });
				// the row's fixes belong to the rounding note they were made for, not to every note of the row
				// ("2 is not understood" under `MaxPooling2D((2, 2))` offered ceil too)
				const own = d.severity !== "error" && shapeRow?.fixes.length && d.suggestion === fixesText(shapeRow.fixes);
				diagEl(dtr.createEl("td", { attr: { colspan: COLS.length } }), d, false, own ? shapeRow.fixes : undefined);
				atRow.add(d);
			}
		});
		if (help) {
			const button = help;
			const text = root.createDiv({ cls: "cnn-spec-jump-help", text: t("spec.jumpExplained") });
			text.hidden = true;
			button.addEventListener("click", () => {
				text.hidden = !text.hidden;
				button.setAttr("aria-expanded", String(!text.hidden));
			});
		}
		// the totals sit under the scroller, so they stay readable however wide the table gets
		const td = root.createDiv({ cls: "cnn-spec-totals" });
		td.createSpan({ cls: "cnn-spec-total-label", text: `${t("spec.total")}: ` });
		const lines = totalsLines(summary);
		lines.forEach((l, i) => {
			td.createSpan({ cls: "cnn-spec-total", text: l });
			if (i < lines.length - 1) td.createSpan({ text: " · " });
		});
	}

	// the Problems list is what must or should change: errors and warnings. A note (info) is said once, at its
	// row; a problem shown with its fix at its row is listed by line without repeating the fix.
	const diags = a.parsed.diagnostics.filter((d) => d.severity !== "info");
	// a note at no row (the training data fitted to the input) is said under the table, not as a problem
	const notes = a.parsed.diagnostics.filter((d) => d.severity === "info" && !rowLines.has(d.line));
	if (notes.length > 0) {
		const box = root.createDiv({ cls: "cnn-spec-notes" });
		for (const d of notes) diagEl(box, d, true);
	}
	if (diags.length > 0) {
		const box = root.createDiv({ cls: "cnn-spec-problems" });
		box.createDiv({ cls: "cnn-spec-problems-title", text: t("spec.problems") });
		const ul = box.createEl("ul");
		for (const d of diags) {
			const li = ul.createEl("li");
			diagEl(li, atRow.has(d) ? { ...d, suggestion: undefined } : d, true);
			if (!rowLines.has(d.line)) li.addClass("cnn-spec-diag-unrowed");
		}
	}

	const actions = root.createDiv({ cls: "cnn-spec-actions" });
	if (summary.rows.length > 0) {
		// shown only where the compact layout hides columns (a phone, a narrow pane): see spec.css
		const all = actions.createEl("button", { cls: "cnn-spec-columns", text: t("spec.allColumns"), attr: { "aria-pressed": "false" } });
		all.addEventListener("click", () => {
			const on = !root.hasClass("is-all-columns");
			root.toggleClass("is-all-columns", on);
			all.setAttr("aria-pressed", String(on));
			all.setText(t(on ? "spec.fewerColumns" : "spec.allColumns"));
		});
	}
	const pytorch = actions.createEl("button", { cls: "cnn-spec-copy", text: t("spec.copyPyTorch") });
	const keras = actions.createEl("button", { cls: "cnn-spec-copy", text: t("spec.copyKeras") });
	const table = actions.createEl("button", { cls: "cnn-spec-copy", text: t("spec.copyTable") });
	if (!a.parsed.model) {
		pytorch.disabled = true;
		keras.disabled = true;
		pytorch.title = t("spec.exportBlocked");
		keras.title = t("spec.exportBlocked");
	}
	return { root, summary, buttons: { pytorch, keras, table } };
}
