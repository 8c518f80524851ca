import type { Entry } from "./index";

export const common = {
	"common.error": { en: "Error", zh: "错误" },
	"common.warning": { en: "Warning", zh: "警告" },
	"common.line": { en: "line {n}", zh: "第 {n} 行" },
	"common.copy": { en: "Copy", zh: "复制" },
	"common.copied": { en: "Copied", zh: "已复制" },
} satisfies Record<string, Entry>;
