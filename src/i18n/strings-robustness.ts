import { addStrings, type Entry } from "./index";

// Messages of the bounds that keep absurd numbers in a note from allocating or looping before any other check.
export const robustnessStrings = {
	"conv-bounds.padded-too-big": {
		en: "Padding makes the input {h}×{w}; a padded side may be at most {max}. Use a smaller padding (or dilation with `pad same`).",
		zh: "填充后输入为 {h}×{w}；填充后每边最多 {max}。请减小填充（或在 `pad same` 时减小膨胀率）。",
	},
	"log-bounds.link-outside": {
		en: "[[{link}]] cannot be shown: {why}",
		zh: "无法显示 [[{link}]]：{why}",
	},
} satisfies Record<string, Entry>;

addStrings(robustnessStrings);
