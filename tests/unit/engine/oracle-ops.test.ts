import { describe, expect, it } from "vitest";
import * as F from "../../../src/engine/functional";
import type { Tensor } from "../../../src/engine/tensor";
import { casesOf, expectClose, toTensor, type OracleCase, type OracleTensor } from "../../support/oracle";
import { ctx } from "../../support/engine";

// Tolerances from the oracle README (float32 engine vs float64 truth).
const FWD = { atol: 1e-5, rtol: 1e-4 };
const GRAD = { atol: 1e-4, rtol: 1e-4 };

type Pair = [number, number];

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
	const e: OracleTensor = c.outputs[name];
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

describe("PyTorch oracle: conv2d", () => {
	it.each(casesOf("conv2d").map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const x = inp(c, "x");
		const w = inp(c, "weight");
		const b = maybe(c, "bias");
		const opts = { stride: p2(c, "stride"), pad: p2(c, "padding"), dilation: p2(c, "dilation") };
		checkFwd(c, "y", F.conv2d(x, w, b, opts, ctx));
		const g = F.conv2dBackward(x, w, toTensor(c.grad_outputs.y), opts, ctx);
		checkGrad(c, "x", g.dx);
		checkGrad(c, "weight", g.dw);
		if (b) checkGrad(c, "bias", g.db);
		else expect(c.gradients.bias).toBeNull();
	});
});

describe("PyTorch oracle: pooling", () => {
	it.each(casesOf("max_pool2d").map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const x = inp(c, "x");
		const opts = { kernel: p2(c, "kernel_size"), stride: p2(c, "stride"), pad: p2(c, "padding"), ceil: c.params.ceil_mode as boolean };
		checkFwd(c, "y", F.maxPool2d(x, opts));
		checkGrad(c, "x", F.maxPool2dBackward(x, toTensor(c.grad_outputs.y), opts));
	});
	it.each(casesOf("avg_pool2d").map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const x = inp(c, "x");
		const opts = {
			kernel: p2(c, "kernel_size"), stride: p2(c, "stride"), pad: p2(c, "padding"),
			ceil: c.params.ceil_mode as boolean, countIncludePad: c.params.count_include_pad as boolean,
		};
		checkFwd(c, "y", F.avgPool2d(x, opts));
		checkGrad(c, "x", F.avgPool2dBackward(x, toTensor(c.grad_outputs.y), opts));
	});
});

describe("PyTorch oracle: activations", () => {
	const table: Record<string, { fwd: (x: Tensor, c: OracleCase) => Tensor; bwd: (x: Tensor, dy: Tensor, c: OracleCase) => Tensor }> = {
		relu: { fwd: (x) => F.relu(x), bwd: (x, dy) => F.reluBackward(x, dy) },
		leaky_relu: {
			fwd: (x, c) => F.leakyRelu(x, c.params.negative_slope as number),
			bwd: (x, dy, c) => F.leakyReluBackward(x, dy, c.params.negative_slope as number),
		},
		sigmoid: { fwd: (x) => F.sigmoid(x), bwd: (x, dy) => F.sigmoidBackward(x, dy) },
		tanh: { fwd: (x) => F.tanh(x), bwd: (x, dy) => F.tanhBackward(x, dy) },
	};
	for (const [op, fns] of Object.entries(table)) {
		it.each(casesOf(op).map((c) => [c.id, c] as const))("%s", (_id, c) => {
			const x = inp(c, "x");
			checkFwd(c, "y", fns.fwd(x, c));
			checkGrad(c, "x", fns.bwd(x, toTensor(c.grad_outputs.y), c));
		});
	}
});

describe("PyTorch oracle: linear", () => {
	it.each(casesOf("linear").map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const x = inp(c, "x");
		const w = inp(c, "weight");
		const b = maybe(c, "bias");
		checkFwd(c, "y", F.linear(x, w, b, ctx));
		const g = F.linearBackward(x, w, toTensor(c.grad_outputs.y), ctx);
		checkGrad(c, "x", g.dx);
		checkGrad(c, "weight", g.dw);
		if (b) checkGrad(c, "bias", g.db);
		else expect(c.gradients.bias).toBeNull();
	});
});

describe("PyTorch oracle: softmax cross-entropy", () => {
	it.each(casesOf("softmax_cross_entropy").map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const r = F.softmaxCrossEntropy(inp(c, "logits"), inp(c, "labels").data);
		expectClose([r.loss], c.outputs.loss.data, FWD.atol, FWD.rtol, `${c.id} loss`);
		checkFwd(c, "losses", r.losses);
		checkFwd(c, "probs", r.probs);
		checkGrad(c, "logits", r.dlogits);
	});
});
