import { t } from "../i18n";
import "../i18n/strings-spec";
import { checkInline, INLINE_PREFIX } from "../notation/inline/inline";
import { plainText } from "../render/code-spans";
import type { CnnLabHost } from "./host";
import { inlineCheckLivePreview } from "./inline-check-live";

/** The span that stands in for `cnn: …` code: the formula with ✓ or ✗, the explanation and fixes as its tooltip. */
export function renderInlineCheck(code: string): HTMLElement {
	const r = checkInline(code);
	const span = createSpan({ cls: ["cnn-lab-inline", r.ok && r.fits ? "is-valid" : "is-flagged"] });
	span.setText(r.text);
	// a tooltip shows plain text: the detail's code spans are quoted rather than left as raw backticks
	const detail = plainText(r.detail);
	span.setAttr("aria-label", detail);
	span.setAttr("title", detail);
	span.setAttr("data-cnn-source", code.replace(INLINE_PREFIX, "").trim());
	if (!r.ok) span.addClass("is-unreadable");
	span.setAttr("data-tooltip-position", "top");
	span.setAttr("role", "note");
	if (!r.fits && r.ok) span.setAttr("data-status", t("inline.notInteger"));
	return span;
}

/**
 * Replaces inline `cnn: 32 k4 s3 p1` code with its checked formula wherever it stands (callouts included): in the
 * reading view through a post processor, in Live Preview through an editor extension.
 */
export function registerInlineCheck(host: CnnLabHost): void {
	host.registerMarkdownPostProcessor((el) => {
		const codes = Array.from(el.querySelectorAll("code"));
		for (const code of codes) {
			if (code.parentElement?.tagName === "PRE") continue;
			const text = code.textContent ?? "";
			if (!INLINE_PREFIX.test(text)) continue;
			code.replaceWith(renderInlineCheck(text));
		}
	});
	// the test stand-in of the app has no editor
	if (typeof host.registerEditorExtension === "function") host.registerEditorExtension(inlineCheckLivePreview(renderInlineCheck));
}
