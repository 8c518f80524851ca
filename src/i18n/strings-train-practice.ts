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
	"practice.testNeedsData": {
		en: "`test` needs data of its own: `test mnist` (an IDX folder's t10k files), `test data/test.csv` or `test FOLDER` of class folders",
		zh: "`test` 需要自己的数据：`test mnist`（IDX 文件夹中的 t10k 文件）、`test data/test.csv` 或按类别分文件夹的 `test 文件夹`",
	},
	"practice.testBuiltin": {
		en: "`test {name}`: the built-in sets have no test data of their own, and a part held out of the training data is validation (`val`), not a test set — a test set needs data of its own (`test mnist`, `test FILE`); ignored",
		zh: "`test {name}`：内置数据集没有自己的测试数据；从训练数据中留出的部分是验证集（`val`），不是测试集——测试集需要自己的数据（`test mnist`、`test 文件`）；已忽略",
	},
	"practice.augmentNeedsWhat": {
		en: "`augment` needs what to do: any of shift N, flip, rotate DEGREES, noise SD",
		zh: "`augment` 需要指明做什么：shift N、flip、rotate 角度、noise 标准差中的任意几项",
	},
	"practice.testSamePair": {
		en: "{path}: the test set names the same files as the training set ({file}); a test set needs data of its own (a t10k pair beside the train pair, or another file)",
		zh: "{path}：测试集与训练集是同一批文件（{file}）；测试集需要自己的数据（训练文件旁的 t10k 文件，或另一个文件）",
	},
	"practice.testClasses": {
		en: "the test set {name} has {n} classes but the training data {train}: they must name the same classes",
		zh: "测试集 {name} 有 {n} 个类别，而训练数据有 {train} 个：两者的类别必须相同",
	},
	"practice.metric.testAcc": { en: "Test accuracy", zh: "测试集准确率" },
	"practice.metric.testLoss": { en: "Test loss", zh: "测试集损失" },
	"practice.testSamples": {
		en: "Test images: {n} shown, {wrong} wrong",
		zh: "测试集图像：显示 {n} 张，{wrong} 张错误",
	},
	"practice.testConfusion": {
		en: "Confusion matrix (test set, {n} images)",
		zh: "混淆矩阵（测试集，{n} 张图像）",
	},
	"practice.augmentPreview": {
		en: "Augmented training images (what a batch sees): {what}",
		zh: "增强后的训练图像（一个批次看到的样子）：{what}",
	},
} satisfies Record<string, Entry>;

addStrings(trainPracticeStrings);
