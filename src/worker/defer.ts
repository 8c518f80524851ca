/** After this long of MessageChannel turns, one turn goes through a timer. */
const TIMER_TURN_MS = 50;

/**
 * Yields to the event loop and then runs fn. A MessageChannel turn is used where there is one: unlike setTimeout it
 * is not clamped to 4 ms when nested, so a worker loses almost no time. Some runtimes (Node's worker threads) run
 * channel messages back to back without giving other message sources a turn, so at least every TIMER_TURN_MS one
 * turn is a timer: a `stop` from the page is then always seen. Timers come from `self`: a worker has no window.
 */
export function makeDefer(now: () => number = () => Date.now()): { defer: (fn: () => void) => () => void; close: () => void } {
	const timer = (fn: () => void): (() => void) => {
		const id = self.setTimeout(fn, 0);
		return () => self.clearTimeout(id);
	};
	if (typeof MessageChannel === "undefined") return { defer: timer, close: () => undefined };
	const channel = new MessageChannel();
	const queue: (() => void)[] = [];
	let lastTimer = now();
	channel.port1.onmessage = () => {
		const fn = queue.shift();
		if (fn) fn();
	};
	return {
		defer: (fn) => {
			if (now() - lastTimer >= TIMER_TURN_MS) {
				lastTimer = now();
				return timer(fn);
			}
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
