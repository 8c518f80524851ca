/**
 * Colours for canvases and charts, read from Obsidian's CSS variables so that they follow the theme.
 * Views subscribe to theme changes; the plugin calls notifyThemeChange() on the workspace's 'css-change' event.
 */
export interface Palette {
	text: string;
	muted: string;
	faint: string;
	border: string;
	background: string;
	backgroundAlt: string;
	accent: string;
	error: string;
	warning: string;
	success: string;
	/** Distinct colours for chart series (train, validation, previous run…). */
	series: string[];
	isDark: boolean;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
	const v = style.getPropertyValue(name).trim();
	return v === "" ? fallback : v;
}

export function readPalette(el: HTMLElement): Palette {
	const view = el.ownerDocument.defaultView;
	const style = view ? view.getComputedStyle(el) : null;
	const get = (n: string, f: string): string => (style ? cssVar(style, n, f) : f);
	const isDark = el.ownerDocument.body.classList.contains("theme-dark");
	return {
		text: get("--text-normal", isDark ? "#dadada" : "#222222"),
		muted: get("--text-muted", isDark ? "#b3b3b3" : "#5c5c5c"),
		faint: get("--text-faint", isDark ? "#666666" : "#ababab"),
		border: get("--background-modifier-border", isDark ? "#363636" : "#e0e0e0"),
		background: get("--background-primary", isDark ? "#1e1e1e" : "#ffffff"),
		backgroundAlt: get("--background-secondary", isDark ? "#262626" : "#f6f6f6"),
		accent: get("--interactive-accent", "#7b6cd9"),
		error: get("--text-error", "#e93147"),
		warning: get("--text-warning", "#ec7500"),
		success: get("--text-success", "#08b94e"),
		series: [
			get("--color-blue", "#086ddd"),
			get("--color-orange", "#ec7500"),
			get("--color-green", "#08b94e"),
			get("--color-purple", "#7852ee"),
			get("--color-red", "#e93147"),
			get("--color-cyan", "#00bfbc"),
		],
		isDark,
	};
}

const listeners = new Set<() => void>();

/** Returns the unsubscribe function; register it with the view's component so it ends on unload. */
export function onThemeChange(cb: () => void): () => void {
	listeners.add(cb);
	return () => listeners.delete(cb);
}

export function notifyThemeChange(): void {
	for (const cb of [...listeners]) cb();
}

export function themeListenerCount(): number {
	return listeners.size;
}
