/**
 * A pasted nn.Sequential whose items are classes of the user's own (`BasicBlock(64, 64)`, `Bottleneck(…)`): those are
 * residual blocks as a rule, and their forward() is code the importer does not read. Each such item is named at its
 * line, with the notation's way to write it, instead of being left out silently.
 */
import type { Diagnostic } from "../../notation/diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-residual";
import type { PyCall } from "./python-calls";

const SEQUENTIAL = /^(?:torch\.)?(?:nn\.)?Sequential$/;
// a class name (capitalised, no framework prefix): torch's own layers are nn.X, and bare X is checked against them
const OWN_CLASS = /^[A-Z]\w*$/;

export function blockItems(calls: PyCall[], isFrameworkLayer: (name: string) => boolean): Diagnostic[] {
	const out: Diagnostic[] = [];
	for (const c of calls) {
		if (!SEQUENTIAL.test(c.name)) continue;
		for (const a of c.args) {
			if (a.k !== "call" || !OWN_CLASS.test(a.call.name) || isFrameworkLayer(a.call.name)) continue;
			out.push({ line: a.call.line, column: a.call.column, endColumn: a.call.column + a.call.name.length, severity: "error", message: t("res.pastedBlock", { name: a.call.name }) });
		}
	}
	return out;
}
