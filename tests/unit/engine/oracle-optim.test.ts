import { describe, expect, it } from "vitest";
import type { Param } from "../../../src/engine/layer";
import { Adam, Sgd, type Optimizer } from "../../../src/engine/optim";
import { casesOf, expectClose } from "../../support/oracle";

interface T {
	shape: number[];
	data: number[];
}
interface OptCase {
	id: string;
	op: string;
	params: Record<string, number | boolean | number[]>;
	inputs: { params: Record<string, T>; grads: Record<string, T>[] };
	outputs: { params_after: Record<string, T>[]; state_after: Record<string, Record<string, T | number>>[] };
}

// The PyTorch 1.13 vectors live beside the repository; a missing file fails the suite (casesOf throws), never skips.
const cases = [...casesOf("sgd"), ...casesOf("adam")] as unknown as OptCase[];

// The oracle README's optimizer tolerance: atol 1e-6, rtol 1e-5.
const close = (actual: ArrayLike<number>, expected: number[], what: string): void => expectClose(actual, expected, 1e-6, 1e-5, what);

function makeParams(c: OptCase): Param[] {
	return Object.entries(c.inputs.params).map(([name, t]) => ({
		name,
		shape: t.shape,
		value: Float32Array.from(t.data),
		grad: new Float32Array(t.data.length),
		fanIn: 1,
		fanOut: 1,
		init: "zeros" as const,
	}));
}

describe("optimizers against PyTorch 1.13 trajectories", () => {
	it("has the 10 sgd and 7 adam cases", () => {
		expect(cases.filter((c) => c.op === "sgd")).toHaveLength(10);
		expect(cases.filter((c) => c.op === "adam")).toHaveLength(7);
	});

	for (const c of cases) {
		it(`${c.id} (${JSON.stringify(c.params)})`, () => {
			const params = makeParams(c);
			const p = c.params;
			let opt: Optimizer;
			if (c.op === "sgd") {
				expect(p.dampening).toBe(0);
				expect(p.nesterov).toBe(false);
				opt = new Sgd(params, { lr: p.lr as number, momentum: p.momentum as number, weightDecay: p.weight_decay as number });
			} else {
				expect(p.amsgrad).toBe(false);
				const [b1, b2] = p.betas as number[];
				opt = new Adam(params, { lr: p.lr as number, beta1: b1, beta2: b2, eps: p.eps as number, weightDecay: p.weight_decay as number });
			}
			const steps = c.inputs.grads.length;
			expect(steps).toBe(p.steps);
			for (let s = 0; s < steps; s++) {
				for (const q of params) q.grad.set(c.inputs.grads[s][q.name].data);
				opt.step();
				const state = opt.state();
				for (const q of params) {
					close(q.value, c.outputs.params_after[s][q.name].data, `step ${s + 1} ${q.name}`);
					const want = c.outputs.state_after[s][q.name] ?? {};
					expect(Object.keys(state[q.name]).sort(), `state keys of ${q.name}`).toEqual(Object.keys(want).sort());
					for (const [k, v] of Object.entries(want)) {
						const got = state[q.name][k];
						if (typeof v === "number") expect(got, `step ${s + 1} ${q.name}.${k}`).toBe(v);
						else close(got as Float32Array, v.data, `step ${s + 1} ${q.name}.${k}`);
					}
				}
			}
		});
	}
});
