import { describe, expect, it } from "vitest";
import { dueTicks, initialStepper, keyAction, reduceStep, type StepAction, type StepperState } from "../../../src/render/conv/stepper";

const run = (s: StepperState, ...a: StepAction[]): StepperState => a.reduce(reduceStep, s);

describe("step control", () => {
	const s0 = initialStepper(15);
	it("starts at the first step, paused", () => {
		expect(s0).toEqual({ index: 0, count: 15, playing: false });
	});
	it("next / back / first / last move within 1..15", () => {
		expect(run(s0, "next", "next").index).toBe(2);
		expect(run(s0, "back").index).toBe(0);
		expect(run(s0, "last").index).toBe(14);
		expect(run(s0, "last", "next").index).toBe(14);
		expect(run(s0, "last", "first").index).toBe(0);
		expect(run(s0, { goto: 99 }).index).toBe(14);
	});
	it("play advances one step per tick and stops by itself at the last step", () => {
		let s = run(s0, "toggle");
		expect(s.playing).toBe(true);
		for (let i = 0; i < 13; i++) s = reduceStep(s, "tick");
		expect(s).toEqual({ index: 13, count: 15, playing: true });
		s = reduceStep(s, "tick");
		expect(s).toEqual({ index: 14, count: 15, playing: false });
		expect(reduceStep(s, "tick").index).toBe(14);
	});
	it("play at the end starts over; any manual move pauses", () => {
		expect(run(s0, "last", "toggle")).toEqual({ index: 0, count: 15, playing: true });
		expect(run(s0, "toggle", "next")).toEqual({ index: 1, count: 15, playing: false });
		expect(run(s0, "toggle", "toggle").playing).toBe(false);
	});
	it("ticks do nothing while paused; a single step cannot play", () => {
		expect(run(s0, "tick", "tick").index).toBe(0);
		expect(run(initialStepper(1), "toggle").playing).toBe(false);
	});
	it("maps arrows, space, home and end", () => {
		expect(["ArrowRight", "ArrowLeft", " ", "Home", "End", "a"].map(keyAction)).toEqual(["next", "back", "toggle", "first", "last", null]);
	});
	it("paces ticks by speed and carries the remainder", () => {
		expect(dueTicks(0, 400, 2)).toEqual([0, 400]);
		expect(dueTicks(400, 200, 2)).toEqual([1, 100]);
		expect(dueTicks(0, 10_000, 2)[0]).toBe(4);
	});
});
