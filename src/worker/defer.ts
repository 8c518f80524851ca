/**
 * Yields to the event loop and then runs fn. A MessageChannel turn is used where there is one: unlike setTimeout it
 * is not clamped to 4 ms when nested, so a worker loses almost no time while still seeing a `stop` message.
 */
export function makeDefer(): { defer: (fn: () => void) => () => void; close: () => void } {
	if (typeof MessageChannel === "undefined") {
		// This runs in the worker (and Node), where there is no `window` to take timers from.
		return {
			defer: (fn) => {
				const id = globalThis.setTimeout(fn, 0);
				return () => globalThis.clearTimeout(id);
			},
			close: () => undefined,
		};
	}
	const channel = new MessageChannel();
	const queue: (() => void)[] = [];
	channel.port1.onmessage = () => {
		const fn = queue.shift();
		if (fn) fn();
	};
	return {
		defer: (fn) => {
			let live = true;
			queue.push(() => {
				if (live) fn();
			});
			channel.port2.postMessage(0);
			return () => {
				live = false;
			};
		},
		close: () => {
			queue.length = 0;
			channel.port1.close();
			channel.port2.close();
		},
	};
}
