import { DEFAULT_SETTINGS, MOBILE_LIMITS, type CnnLabSettings } from "./settings";
import { settingSections, type SettingDef } from "./setting-definitions";

/**
 * Settings as saved in data.json, checked field by field with the settings tab's own rules: a value of the wrong
 * type or out of range (a sync conflict, a hand edit, an older version) falls back to its default instead of
 * reaching the blocks (`colormap: "rainbow"` made every cnn-conv block throw a TypeError while drawing).
 */
export function settingsFromData(raw: unknown, defaults: CnnLabSettings = DEFAULT_SETTINGS): CnnLabSettings {
	const out: CnnLabSettings = { ...defaults };
	if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return out;
	const data = raw as Record<string, unknown>;
	const target = out as unknown as Record<string, unknown>;
	for (const section of settingSections()) {
		for (const def of section.items) {
			const v = accept(def, data[def.key]);
			// data.json of 0.1.0 saved every value: a limit at the desktop default there is the default, not a choice.
			if (v !== undefined && !(def.key in MOBILE_LIMITS && v === DEFAULT_SETTINGS[def.key])) target[def.key] = v;
		}
	}
	return out;
}

/**
 * What goes into data.json: the settings that differ from this device's defaults. data.json syncs between devices,
 * so a limit left at its default then stays each device's own (lower on a phone) instead of the desktop's reaching it.
 */
export function settingsToData(settings: CnnLabSettings, defaults: CnnLabSettings): Partial<CnnLabSettings> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(settings)) if (v !== defaults[k as keyof CnnLabSettings]) out[k] = v;
	return out;
}

function accept(def: SettingDef, v: unknown): unknown {
	switch (def.kind) {
		case "text":
		case "folder":
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
