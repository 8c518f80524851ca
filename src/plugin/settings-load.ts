import { DEFAULT_SETTINGS, type CnnLabSettings } from "./settings";
import { settingSections, type SettingDef } from "./setting-definitions";

/**
 * Settings as saved in data.json, checked field by field with the settings tab's own rules: a value of the wrong
 * type or out of range (a sync conflict, a hand edit, an older version) falls back to its default instead of
 * reaching the blocks (`colormap: "rainbow"` made every cnn-conv block throw a TypeError while drawing).
 */
export function settingsFromData(raw: unknown): CnnLabSettings {
	const out: CnnLabSettings = { ...DEFAULT_SETTINGS };
	if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return out;
	const data = raw as Record<string, unknown>;
	const target = out as unknown as Record<string, unknown>;
	for (const section of settingSections()) {
		for (const def of section.items) {
			const v = accept(def, data[def.key]);
			if (v !== undefined) target[def.key] = v;
		}
	}
	return out;
}

function accept(def: SettingDef, v: unknown): unknown {
	switch (def.kind) {
		case "text":
			return typeof v === "string" && def.validate(v) === null ? def.parse(v) : undefined;
		case "number":
			return typeof v === "number" && def.validate(v) === null && (def.min === undefined || v >= def.min) && (def.max === undefined || v <= def.max) ? v : undefined;
		case "toggle":
			return typeof v === "boolean" ? v : undefined;
		case "dropdown":
			return typeof v === "string" && Object.prototype.hasOwnProperty.call(def.options, v) ? v : undefined;
		case "slider":
			return typeof v === "number" && v >= def.min && v <= def.max ? v : undefined;
	}
}
