/** Words of the train line's training practice: schedules, early stopping, the test set, augmentation. */
import { addStrings, type Entry } from "./index";

export const trainPracticeStrings = {
	"practice.scheduleNeedsKind": {
		en: "`schedule` needs a kind: step N GAMMA, cosine or onecycle max LR",
		zh: "`schedule` 需要指明类型：step N GAMMA、cosine 或 onecycle max LR",
	},
	"practice.scheduleTwice": {
		en: "a second learning-rate schedule on the line: `{word}` replaces the one before",
		zh: "这一行有第二个学习率调度：`{word}` 取代了前一个",
	},
	"practice.onecycleNeedsMax": {
		en: "onecycle needs its peak rate: `onecycle max 0.01` (PyTorch's max_lr)",
		zh: "onecycle 需要峰值学习率：`onecycle max 0.01`（PyTorch 的 max_lr）",
	},
	"practice.onecycleWarmup": {
		en: "onecycle warms up by itself (30 % of the steps): `warmup {n}` is ignored",
		zh: "onecycle 自带预热（前 30% 的步数）：`warmup {n}` 被忽略",
	},
	"practice.onecycleLr": {
		en: "with onecycle the rate starts at max/25 = {start}: `lr {lr}` is not used",
		zh: "使用 onecycle 时学习率从 max/25 = {start} 开始：`lr {lr}` 不会被使用",
	},
	"practice.warmupTooLong": {
		en: "warmup {n} covers all {epochs} epochs: the schedule after it never starts",
		zh: "warmup {n} 占满了全部 {epochs} 个 epoch：之后的调度不会开始",
	},
	"practice.patienceNeedsVal": {
		en: "patience watches the validation loss, but `val 0` holds nothing out: early stopping is off",
		zh: "patience 观察验证集损失，但 `val 0` 没有留出验证集：早停不起作用",
	},
	"practice.patienceTooLong": {
		en: "patience {n} is not shorter than the {epochs} epochs: the run never stops early (it still ends on its best epoch's weights)",
		zh: "patience {n} 不短于 {epochs} 个 epoch：训练不会提前停止（但仍以最佳 epoch 的权重结束）",
	},
} satisfies Record<string, Entry>;

addStrings(trainPracticeStrings);
