/**
 * The step control as a pure state machine, so that first / back / play / next / last, the keys and the
 * animation ticks all follow the same rules and can be tested without a DOM.
 */
export interface StepperState {
	index: number;
	count: number;
	playing: boolean;
}

export type StepAction = "first" | "back" | "next" | "last" | "toggle" | "tick" | "pause" | { goto: number };

export function initialStepper(count: number): StepperState {
	return { index: 0, count, playing: false };
}

function clamp(i: number, count: number): number {
	return Math.max(0, Math.min(count - 1, i));
}

export function reduceStep(s: StepperState, a: StepAction): StepperState {
	if (s.count <= 0) return { index: 0, count: 0, playing: false };
	if (typeof a === "object") return { ...s, index: clamp(a.goto, s.count), playing: false };
	switch (a) {
		case "first":
			return { ...s, index: 0, playing: false };
		case "last":
			return { ...s, index: s.count - 1, playing: false };
		case "back":
			return { ...s, index: clamp(s.index - 1, s.count), playing: false };
		case "next":
			return { ...s, index: clamp(s.index + 1, s.count), playing: false };
		case "pause":
			return { ...s, playing: false };
		case "toggle":
			// Play from the start again when already at the end.
			if (s.playing) return { ...s, playing: false };
			return { ...s, index: s.index >= s.count - 1 ? 0 : s.index, playing: s.count > 1 };
		case "tick": {
			if (!s.playing) return s;
			const index = clamp(s.index + 1, s.count);
			return { ...s, index, playing: index < s.count - 1 };
		}
	}
}

/** Keyboard keys the focused block understands. */
export function keyAction(key: string): StepAction | null {
	switch (key) {
		case "ArrowRight":
		case "ArrowDown":
			return "next";
		case "ArrowLeft":
		case "ArrowUp":
			return "back";
		case " ":
		case "Spacebar":
			return "toggle";
		case "Home":
			return "first";
		case "End":
			return "last";
		default:
			return null;
	}
}

/**
 * How many ticks are due after `elapsed` ms at `speed` steps per second, carrying the remainder:
 * returns [ticks, leftover ms]. At most `max` ticks at once so a long pause does not jump far.
 */
export function dueTicks(carry: number, elapsed: number, speed: number, max = 4): [number, number] {
	const period = 1000 / Math.max(0.1, speed);
	const total = carry + Math.max(0, elapsed);
	const n = Math.floor(total / period);
	if (n > max) return [max, 0];
	return [n, total - n * period];
}

export const SPEEDS = [0.5, 1, 2, 4, 8, 16] as const;
