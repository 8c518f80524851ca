/**
 * Loader for the PyTorch reference vectors (../shared/oracle/pytorch-vectors.json and pytorch-vectors-2.json beside
 * the repository, as CI lays it out). A missing file is an error, never a reason to skip: the oracle is the proof
 * of correctness.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Tensor } from "../../src/engine/tensor";

export interface OracleTensor {
	shape: number[];
	data: number[];
}

export interface OracleCase {
	id: string;
	op: string;
	params: Record<string, unknown>;
	inputs: Record<string, OracleTensor | null>;
	outputs: Record<string, OracleTensor>;
	grad_outputs: Record<string, OracleTensor>;
	gradients: Record<string, OracleTensor | null>;
	note?: string;
}

export const ORACLE_PATH = resolve(__dirname, "../../../shared/oracle/pytorch-vectors.json");
/** The second wave: grouped and transposed convolutions, batch norm, adaptive pooling, attribution. */
export const ORACLE2_PATH = resolve(__dirname, "../../../shared/oracle/pytorch-vectors-2.json");

const cached = new Map<string, OracleCase[]>();

/** Every case of an oracle file (the first by default); throws with the expected path when the file is absent. */
export function oracleCases(path: string = ORACLE_PATH): OracleCase[] {
	const hit = cached.get(path);
	if (hit) return hit;
	if (!existsSync(path)) {
		throw new Error(`PyTorch oracle vectors not found at ${path}: put the shared/ folder beside the repository (../shared/oracle/)`);
	}
	const cases = (JSON.parse(readFileSync(path, "utf8")) as { cases: OracleCase[] }).cases;
	cached.set(path, cases);
	return cases;
}

/** The cases of one op; throws when there are none (a renamed op must not pass silently). */
export function casesOf(op: string, path: string = ORACLE_PATH): OracleCase[] {
	const list = oracleCases(path).filter((c) => c.op === op);
	if (list.length === 0) throw new Error(`the oracle has no ${op} cases`);
	return list;
}

/** An oracle tensor as an engine tensor (float32). */
export function toTensor(t: OracleTensor): Tensor {
	return { shape: t.shape.slice(), data: Float32Array.from(t.data) };
}

/** Throws naming the first element outside |a − e| ≤ atol + rtol·|e|. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string): void {
	if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
	for (let i = 0; i < expected.length; i++) {
		const tol = atol + rtol * Math.abs(expected[i]);
		const a = actual[i];
		if (!(Math.abs(a - expected[i]) <= tol)) {
			throw new Error(`${what}[${i}]: got ${a}, expected ${expected[i]} (tolerance ${tol.toExponential(2)})`);
		}
	}
}
