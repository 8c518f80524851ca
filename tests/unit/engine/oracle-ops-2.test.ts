import { describe, expect, it } from "vitest";
import * as F from "../../../src/engine/functional";
import type { Tensor } from "../../../src/engine/tensor";
import { casesOf, expectClose, ORACLE2_PATH, toTensor, type OracleCase } from "../../support/oracle";
import { ctx } from "../../support/engine";

// The second wave of PyTorch vectors; tolerances from the oracle README (float32 engine vs float64 truth).
const FWD = { atol: 1e-5, rtol: 1e-4 };
const GRAD = { atol: 1e-4, rtol: 1e-4 };

type Pair = [number, number];

const cases = (op: string): (readonly [string, OracleCase])[] => casesOf(op, ORACLE2_PATH).map((c) => [c.id, c] as const);

function inp(c: OracleCase, name: string): Tensor {
	const t = c.inputs[name];
	if (!t) throw new Error(`${c.id}: no input ${name}`);
	return toTensor(t);
}

function maybe(c: OracleCase, name: string): Tensor | null {
	const t = c.inputs[name];
	return t ? toTensor(t) : null;
}

function checkFwd(c: OracleCase, name: string, actual: Tensor): void {
	const e = c.outputs[name];
	expect(actual.shape, `${c.id} ${name} shape`).toEqual(e.shape);
	expectClose(actual.data, e.data, FWD.atol, FWD.rtol, `${c.id} ${name}`);
}

function checkGrad(c: OracleCase, name: string, actual: Tensor): void {
	const e = c.gradients[name];
	if (!e) throw new Error(`${c.id}: no gradient ${name}`);
	expect(actual.shape, `${c.id} d${name} shape`).toEqual(e.shape);
	expectClose(actual.data, e.data, GRAD.atol, GRAD.rtol, `${c.id} d${name}`);
}

const p2 = (c: OracleCase, k: string): Pair => c.params[k] as Pair;

describe("PyTorch oracle 2: grouped and depthwise conv2d", () => {
	it.each(cases("conv2d"))("%s", (_id, c) => {
		expect(c.params.groups as number).toBeGreaterThan(1);
		const x = inp(c, "x");
		const w = inp(c, "weight");
		const b = maybe(c, "bias");
		const opts = { stride: p2(c, "stride"), pad: p2(c, "padding"), dilation: p2(c, "dilation"), groups: c.params.groups as number };
		checkFwd(c, "y", F.conv2d(x, w, b, opts, ctx));
		const g = F.conv2dBackward(x, w, toTensor(c.grad_outputs.y), opts, ctx);
		checkGrad(c, "x", g.dx);
		checkGrad(c, "weight", g.dw);
		if (b) checkGrad(c, "bias", g.db);
		else expect(c.gradients.bias).toBeNull();
	});
});

describe("PyTorch oracle 2: conv_transpose2d", () => {
	it.each(cases("conv_transpose2d"))("%s", (_id, c) => {
		const x = inp(c, "x");
		const w = inp(c, "weight");
		const b = maybe(c, "bias");
		const opts = {
			stride: p2(c, "stride"), pad: p2(c, "padding"), outputPad: p2(c, "output_padding"), dilation: p2(c, "dilation"),
			groups: c.params.groups as number,
		};
		checkFwd(c, "y", F.convTranspose2d(x, w, b, opts, ctx));
		const g = F.convTranspose2dBackward(x, w, toTensor(c.grad_outputs.y), opts, ctx);
		checkGrad(c, "x", g.dx);
		checkGrad(c, "weight", g.dw);
		if (b) checkGrad(c, "bias", g.db);
		else expect(c.gradients.bias).toBeNull();
	});
});

describe("PyTorch oracle 2: batch norm", () => {
	it.each(cases("batch_norm"))("%s", (_id, c) => {
		const x = inp(c, "x");
		const gamma = inp(c, "weight");
		const beta = inp(c, "bias");
		const rm = inp(c, "running_mean");
		const rv = inp(c, "running_var");
		const opts = { training: c.params.training as boolean, momentum: c.params.momentum as number, eps: c.params.eps as number };
		const r = F.batchNorm(x, gamma, beta, rm, rv, opts);
		checkFwd(c, "y", r.y);
		if (opts.training) {
			checkFwd(c, "running_mean_after", r.runningMean);
			checkFwd(c, "running_var_after", r.runningVar);
		} else {
			// Evaluation leaves the running statistics alone.
			expect(Array.from(r.runningMean.data)).toEqual(Array.from(rm.data));
			expect(Array.from(r.runningVar.data)).toEqual(Array.from(rv.data));
		}
		const g = F.batchNormBackward(x, gamma, beta, rm, rv, toTensor(c.grad_outputs.y), opts);
		checkGrad(c, "x", g.dx);
		checkGrad(c, "weight", g.dgamma);
		checkGrad(c, "bias", g.dbeta);
	});
});

describe("PyTorch oracle 2: adaptive average pooling", () => {
	it.each(cases("adaptive_avg_pool2d"))("%s", (_id, c) => {
		const x = inp(c, "x");
		const out = c.params.output_size as Pair;
		checkFwd(c, "y", F.adaptiveAvgPool2d(x, out));
		checkGrad(c, "x", F.adaptiveAvgPool2dBackward(x, toTensor(c.grad_outputs.y), out));
	});
});
