/**
 * What fitToInput (src/data/fit.ts) does to images of one shape for a network whose input is another, in plain
 * words. Apart from fit.ts so that the cnn block can say it when it renders without taking the data code into the
 * page (the page/engine import boundary).
 */
import "../i18n/strings-data";
import { translate, type Lang } from "../i18n";

/** [C, H, W] of the images, and of the network's input; the words in `lang`. */
export function fitChanges(from: readonly [number, number, number], to: readonly [number, number, number], lang: Lang): string[] {
	const changes: string[] = [];
	if (from[0] !== to[0]) changes.push(translate(lang, from[0] === 1 ? "data.fit.replicated" : "data.fit.grayed", { from: from[0], to: to[0] }));
	if (from[1] !== to[1] || from[2] !== to[2]) changes.push(translate(lang, "data.fit.resized", { from: `${from[1]}×${from[2]}`, to: `${to[1]}×${to[2]}` }));
	return changes;
}
