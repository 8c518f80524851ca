import { t } from "../i18n";
import "../i18n/strings-spec";
import { checkInline, INLINE_PREFIX } from "../spec/inline";
import type { CnnLabHost } from "./host";

/** Replaces inline `cnn: 32 k4 s3 p1` code with its checked formula, wherever it stands (callouts included). */
export function registerInlineCheck(host: CnnLabHost): void {
	host.registerMarkdownPostProcessor((el) => {
		const codes = Array.from(el.querySelectorAll("code"));
		for (const code of codes) {
			if (code.parentElement?.tagName === "PRE") continue;
			const text = code.textContent ?? "";
			if (!INLINE_PREFIX.test(text)) continue;
			const r = checkInline(text);
			const span = createSpan({ cls: ["cnn-lab-inline", r.ok && r.fits ? "is-valid" : "is-flagged"] });
			span.setText(r.text);
			span.setAttr("aria-label", r.detail);
			span.setAttr("title", r.detail);
			span.setAttr("data-cnn-source", text.replace(INLINE_PREFIX, "").trim());
			if (!r.ok) span.addClass("is-unreadable");
			span.setAttr("data-tooltip-position", "top");
			span.setAttr("role", "note");
			if (!r.fits && r.ok) span.setAttr("data-status", t("inline.notInteger"));
			code.replaceWith(span);
		}
	});
}
