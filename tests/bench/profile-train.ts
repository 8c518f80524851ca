/**
 * Trains W4 (or W5) with our engine for a few seconds and prints samples/s; run under `node --cpu-prof` to see
 * where a training step spends its time:  node --cpu-prof --import tsx tests/bench/profile-train.ts W4
 */
import { oursTrain, oursW4, oursW5 } from "./ours";

const which = process.argv[2] === "W5" ? oursW5 : oursW4;
const seconds = Number(process.argv[3] ?? 4);
const r = oursTrain(process.env.GEMM === "simd" ? "simd" : "js", which, 32, 640);
for (let i = 0; i < 5; i++) r.run();
let n = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
	r.run();
	n++;
}
const ms = performance.now() - t0;
console.log(`${process.argv[2] ?? "W4"}: ${n} batches, ${((n * 32 * 1000) / ms).toFixed(0)} samples/s, ${(ms / n).toFixed(2)} ms/batch`);
