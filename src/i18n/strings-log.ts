import { addStrings } from "./index";

addStrings({
	"log.path.bad": { en: 'The folder "{path}" cannot be used: {why}', zh: "无法使用文件夹“{path}”：{why}" },
	"log.path.url": { en: "it is a web address, not a vault folder.", zh: "这是网址，不是库内文件夹。" },
	"log.path.absolute": { en: "it is an absolute path; give a folder inside the vault, such as CNN runs.", zh: "这是绝对路径；请填写库内文件夹，例如 CNN runs。" },
	"log.path.parent": { en: '".." would leave the vault.', zh: "“..”会离开库。" },
	"log.path.hidden": { en: "folders whose names start with a dot are hidden from the vault.", zh: "以点开头的文件夹在库中是隐藏的。" },
	"log.path.chars": { en: 'names cannot contain * " < > : | ?', zh: '名称不能包含 * " < > : | ?' },
	"log.error.folderIsFile": {
		en: 'The runs folder "{path}" is a file. Rename that file, or choose another folder in Settings → CNN Lab → Runs folder.',
		zh: "运行记录文件夹“{path}”是一个文件。请重命名该文件，或在 设置 → CNN Lab → 运行记录文件夹 中另选文件夹。",
	},
	"log.error.notOurs": { en: '"{path}" exists and was not written by CNN Lab for this run; it is left untouched.', zh: "“{path}”已存在且不是 CNN Lab 为本次运行写的；未改动它。" },
	"log.error.noName": { en: 'No free note name left in "{folder}".', zh: "“{folder}”中没有可用的笔记名。" },
	"log.error.noFolder": { en: 'There is no folder "{path}" in the vault.', zh: "库中没有文件夹“{path}”。" },
	"log.error.notFolder": { en: '"{path}" is a file, not a folder.', zh: "“{path}”是文件，不是文件夹。" },
	"log.notice.saveFailed": {
		en: "CNN Lab could not save the run log: {error}. The run is kept in memory; use Save log to try again.",
		zh: "CNN Lab 无法保存运行记录：{error}。数据仍保留在内存中；可点击“保存记录”重试。",
	},
	"log.notice.replaced": { en: 'The run note "{path}" was replaced by other text; the run is saved under a new name instead.', zh: "运行笔记“{path}”已被其他内容替换；本次运行改存为新笔记。" },
});
