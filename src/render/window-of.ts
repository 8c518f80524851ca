/**
 * The window a node is shown in. A note opened in a pop-out window lives in that window's document: its timers,
 * animation frames and ResizeObservers must come from that window (the main window's are throttled while it is
 * hidden behind the pop-out, and an observer of another window's elements is not what Obsidian's guidelines ask for).
 */
export function windowOf(node: Node): NonNullable<Document["defaultView"]> {
	const doc = node.ownerDocument ?? (node as Document);
	return doc.defaultView ?? window;
}
