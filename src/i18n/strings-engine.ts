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
} satisfies Record<string, Entry>;

addStrings(engineStrings);
