import { Notice } from "obsidian";
import { codeParts } from "../render/code-spans";

/**
 * A Notice whose message may mark what to type with backticks ("Put the cursor inside a ```cnn block first."): the
 * marks are drawn as <code>, as in the blocks' own messages, rather than shown raw.
 */
export function showNotice(text: string): Notice {
	const parts = codeParts(text);
	if (!parts.some((p) => p.code)) return new Notice(text);
	const frag = createFragment((f) => {
		for (const p of parts) {
			if (p.code) f.createEl("code", { text: p.text });
			else f.append(p.text);
		}
	});
	return new Notice(frag);
}
