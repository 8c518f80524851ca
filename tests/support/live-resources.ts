/**
 * What a view can leave running after it unloads, counted at its source: the window's and the document's event
 * listeners, timeouts, intervals, animation frames and observers. The DOM tests that prove "nothing is left after
 * unload" install this once (beforeAll) and compare a snapshot taken before a render with one after its unload.
 * Animation frames run at 60 Hz from the real clock; observers exist in Obsidian but not in jsdom, so stand-ins count
 * them (an IntersectionObserver may report its element on screen at once, as a block scrolled into view is).
 */
export interface LiveResources {
	/** Listeners by "window:type" / "document:type" ; the same (type, listener, capture) twice is one, as in the DOM. */
	listeners: Map<string, number>;
	timeouts: Set<number>;
	intervals: Set<number>;
	frames: Set<number>;
	observers: number;
}

export interface LiveCounter {
	live: LiveResources;
	/** Non-zero counts by kind (listeners by target and type). */
	snapshot(): Record<string, number>;
	/** Puts the window's own functions back. */
	restore(): void;
}

export function countLiveResources(opts: { intersecting: boolean }): LiveCounter {
	const live: LiveResources = { listeners: new Map(), timeouts: new Set(), intervals: new Set(), frames: new Set(), observers: 0 };
	const restore: (() => void)[] = [];
	countListeners(window, "window", live, restore);
	countListeners(document, "document", live, restore);
	countTimers(live, restore);
	countObservers(live, restore, opts.intersecting);
	return {
		live,
		snapshot: () => {
			const out: Record<string, number> = { timeouts: live.timeouts.size, intervals: live.intervals.size, frames: live.frames.size, observers: live.observers };
			for (const [k, v] of live.listeners) if (v !== 0) out[k] = v;
			return out;
		},
		restore: () => {
			for (const r of restore.splice(0).reverse()) r();
		},
	};
}

function countListeners(target: EventTarget, name: string, live: LiveResources, restore: (() => void)[]): void {
	const add = target.addEventListener.bind(target);
	const remove = target.removeEventListener.bind(target);
	const held = new Set<string>();
	const ids = new WeakMap<object, number>();
	let next = 1;
	const key = (type: string, l: unknown, o?: boolean | AddEventListenerOptions): string => {
		if ((l && typeof l === "object") || typeof l === "function") {
			if (!ids.has(l as object)) ids.set(l as object, next++);
		}
		const capture = typeof o === "boolean" ? o : !!o?.capture;
		return `${type}|${ids.get(l as object) ?? 0}|${capture}`;
	};
	const bump = (type: string, by: number): void => {
		const k = `${name}:${type}`;
		live.listeners.set(k, (live.listeners.get(k) ?? 0) + by);
	};
	target.addEventListener = (type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | AddEventListenerOptions) => {
		const k = key(type, l, o);
		if (!held.has(k)) {
			held.add(k);
			bump(type, 1);
		}
		add(type, l, o);
	};
	target.removeEventListener = (type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | EventListenerOptions) => {
		if (held.delete(key(type, l, o))) bump(type, -1);
		remove(type, l, o);
	};
	restore.push(() => {
		target.addEventListener = add;
		target.removeEventListener = remove;
	});
}

/**
 * A timeout jsdom itself sets: an element's focus() moves the selection, and jsdom fires its selectionchange event a
 * task later, as a browser does on its own. Not the view's to stop, so not counted.
 */
function fromJsdom(): boolean {
	return /[\\/]jsdom[\\/]lib[\\/]jsdom[\\/]living[\\/]selection[\\/]/.test(new Error().stack ?? "");
}

function countTimers(live: LiveResources, restore: (() => void)[]): void {
	const w = window as unknown as Record<string, unknown>;
	const saved = Object.fromEntries(["setTimeout", "clearTimeout", "setInterval", "clearInterval", "requestAnimationFrame", "cancelAnimationFrame"].map((k) => [k, w[k]]));
	restore.push(() => Object.assign(w, saved));
	const st = window.setTimeout.bind(window);
	const ct = window.clearTimeout.bind(window);
	const si = window.setInterval.bind(window);
	const ci = window.clearInterval.bind(window);
	w.setTimeout = (fn: () => void, ms?: number, ...a: unknown[]) => {
		if (!ms && fromJsdom()) return st(fn, ms, ...a);
		const id: number = st(() => {
			live.timeouts.delete(id);
			fn(...(a as []));
		}, ms);
		live.timeouts.add(id);
		return id;
	};
	w.clearTimeout = (id: number) => {
		live.timeouts.delete(id);
		ct(id);
	};
	w.setInterval = (fn: () => void, ms?: number) => {
		const id: number = si(fn, ms);
		live.intervals.add(id);
		return id;
	};
	w.clearInterval = (id: number) => {
		live.intervals.delete(id);
		ci(id);
	};
	w.requestAnimationFrame = (fn: FrameRequestCallback) => {
		const id: number = st(() => {
			live.frames.delete(id);
			fn(performance.now());
		}, 16);
		live.frames.add(id);
		return id;
	};
	w.cancelAnimationFrame = (id: number) => {
		live.frames.delete(id);
		ct(id);
	};
}

function countObservers(live: LiveResources, restore: (() => void)[], intersecting: boolean): void {
	const w = window as unknown as Record<string, unknown>;
	const saved = { IntersectionObserver: w.IntersectionObserver, ResizeObserver: w.ResizeObserver };
	restore.push(() => Object.assign(w, saved));
	class Counting {
		private on = true;
		constructor(private readonly cb?: (entries: { isIntersecting: boolean }[]) => void) {
			live.observers++;
		}
		observe(): void {
			if (intersecting && this.cb) queueMicrotask(() => this.on && this.cb?.([{ isIntersecting: true }]));
		}
		unobserve(): void {}
		disconnect(): void {
			if (this.on) live.observers--;
			this.on = false;
		}
	}
	// Sizes never change in jsdom: a resize observer only counts.
	class CountingResize extends Counting {
		constructor() {
			super();
		}
	}
	w.IntersectionObserver = Counting;
	w.ResizeObserver = CountingResize;
}
