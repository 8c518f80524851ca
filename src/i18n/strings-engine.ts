import { addStrings, type Entry } from "./index";

// The trainer's failures, worded in the worker (src/worker/engine-job.ts) from the trainer's structured fields.
export const engineStrings = {
	"engine.fail.loss": { en: "the loss became {value} at epoch {epoch}, batch {batch}", zh: "损失在第 {epoch} 轮第 {batch} 批变成了 {value}" },
	"engine.fail.gradients": { en: "the gradients became {value} at epoch {epoch}, batch {batch}", zh: "梯度在第 {epoch} 轮第 {batch} 批变成了 {value}" },
	"engine.fail.exploded": { en: "the loss exploded to {loss} at epoch {epoch}, batch {batch}", zh: "损失在第 {epoch} 轮第 {batch} 批爆炸到 {loss}" },
	"engine.fail.fixLr": { en: "lower the learning rate (now {lr}) or check the data for huge values", zh: "请调低学习率（当前为 {lr}），或检查数据中是否有极大的值" },
	"engine.fail.data": {
		en: "the data holds {value} (image {sample}) at epoch {epoch}, batch {batch} — check the data for missing or broken values",
		zh: "数据中含有 {value}（第 {sample} 张图像），出现在第 {epoch} 轮第 {batch} 批——请检查数据中缺失或损坏的值",
	},
	"engine.wasm.memory": {
		en: "training would need {need} of WebAssembly memory for a batch of {batch} (layer {layer}, {type}); WebAssembly gives CNN Lab at most {max} — lower the batch on the train line: batch {fit} fits",
		zh: "训练在批大小为 {batch} 时需要 {need} 的 WebAssembly 内存（第 {layer} 层，{type}）；WebAssembly 最多给 CNN Lab {max}——请在 train 行调低批大小：batch {fit} 可以放下",
	},
	"engine.wasm.memoryOne": {
		en: "training would need {need} of WebAssembly memory even for a batch of 1 (layer {layer}, {type}); WebAssembly gives CNN Lab at most {max} — make that layer smaller (less padding, fewer filters or a smaller input)",
		zh: "即使批大小为 1，训练也需要 {need} 的 WebAssembly 内存（第 {layer} 层，{type}）；WebAssembly 最多给 CNN Lab {max}——请把这一层改小（更少的填充、更少的滤波器或更小的输入）",
	},
	"engine.wasm.grow": {
		en: "the WebAssembly memory could not grow to {need} (it holds {have}; at most {max}) — lower the batch on the train line (now {batch}) or make the network smaller",
		zh: "WebAssembly 内存无法增长到 {need}（当前 {have}，最多 {max}）——请在 train 行调低批大小（当前 {batch}），或把网络改小",
	},
} satisfies Record<string, Entry>;

addStrings(engineStrings);
