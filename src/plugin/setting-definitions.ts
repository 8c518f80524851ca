import { MOBILE_LIMITS, type CnnLabSettings, type ColormapName } from "./settings";
import { joinText, t } from "../i18n";
import { checkVaultFolder } from "./runs/paths";
import "../i18n/strings-plugin";

/**
 * Every setting once, as data: the declarative settings API (Obsidian 1.13+) and the classic display() both
 * render from this list, so the two can never disagree.
 */
export type SettingKey = keyof CnnLabSettings;

interface Base {
	key: SettingKey;
	name: string;
	desc?: string;
}
export type SettingDef =
	| (Base & { kind: "text"; validate: (v: string) => string | null; parse: (v: string) => string })
	/** A vault folder: a text field with the vault's folders suggested, checked like text. */
	| (Base & { kind: "folder"; validate: (v: string) => string | null; parse: (v: string) => string })
	| (Base & { kind: "number"; validate: (v: number) => string | null; min?: number; max?: number; step?: number })
	| (Base & { kind: "toggle" })
	| (Base & { kind: "dropdown"; options: Record<string, string> })
	| (Base & { kind: "slider"; min: number; max: number; step: number; format: (v: number) => string });

export interface SettingSection {
	heading: string | null;
	desc?: string;
	items: SettingDef[];
}

/**
 * Why the runs folder cannot be used, or null: the writer's own check (checkVaultFolder), so the field refuses at
 * once, with the reason, every folder the writer would later refuse (`.obsidian/runs`, `runs?`, `runs|x`, `../x`).
 */
export function runsFolderProblem(v: string): string | null {
	const r = checkVaultFolder(v);
	return r.ok ? null : r.error;
}

/** Most training runs at once: each takes a core, and the machine's cores are shared with the app. */
export const MAX_CONCURRENT_RUNS = 4;

const positive = (v: number): string | null => (Number.isFinite(v) && v > 0 ? null : t("settings.positive"));

export function settingSections(): SettingSection[] {
	const colormaps: ColormapName[] = ["viridis", "magma", "gray", "coolwarm"];
	return [
		{
			heading: null,
			items: [
				{ key: "runsFolder", kind: "folder", name: t("settings.runsFolder.name"), desc: t("settings.runsFolder.desc"), validate: runsFolderProblem, parse: (v) => v.trim().replace(/\\/g, "/").replace(/\/+$/, "") },
				{ key: "defaultSeed", kind: "number", name: t("settings.seed.name"), desc: t("settings.seed.desc"), min: 0, step: 1, validate: (v) => (Number.isInteger(v) && v >= 0 && v <= 0xffffffff ? null : t("settings.seed.bad")) },
				{ key: "useWorker", kind: "toggle", name: t("settings.worker.name"), desc: t("settings.worker.desc") },
				{ key: "saveWeights", kind: "toggle", name: t("settings.saveWeights.name"), desc: t("settings.saveWeights.desc") },
				{ key: "maxConcurrentRuns", kind: "number", name: t("settings.concurrent.name"), desc: t("settings.concurrent.desc"), min: 1, max: MAX_CONCURRENT_RUNS, step: 1, validate: (v) => (Number.isInteger(v) && v >= 1 && v <= MAX_CONCURRENT_RUNS ? null : t("settings.concurrent.bad", { max: MAX_CONCURRENT_RUNS })) },
			],
		},
		{
			heading: t("settings.limits.heading"),
			// two sentences: no space after the first's 。 in Chinese
			desc: joinText([
				t("settings.limits.desc"),
				t("settings.limits.mobile", { params: MOBILE_LIMITS.maxParameters.toLocaleString("en-US"), mb: MOBILE_LIMITS.maxActivationMB, macs: MOBILE_LIMITS.maxMultiplyAddsPerEpoch.toExponential().replace("+", ""), s: MOBILE_LIMITS.maxRunSeconds }),
			]),
			items: [
				{ key: "maxParameters", kind: "number", name: t("settings.maxParameters.name"), min: 1, validate: positive },
				{ key: "maxActivationMB", kind: "number", name: t("settings.maxActivation.name"), min: 1, validate: positive },
				{ key: "maxMultiplyAddsPerEpoch", kind: "number", name: t("settings.maxMacs.name"), desc: t("settings.maxMacs.desc"), min: 1, validate: positive },
				{ key: "maxRunSeconds", kind: "number", name: t("settings.maxSeconds.name"), desc: t("settings.maxSeconds.desc"), min: 1, validate: positive },
			],
		},
		{
			heading: t("settings.display.heading"),
			items: [
				{ key: "colormap", kind: "dropdown", name: t("settings.colormap.name"), desc: t("settings.colormap.desc"), options: Object.fromEntries(colormaps.map((c) => [c, t(`settings.colormap.${c}`)])) },
				{ key: "decimals", kind: "number", name: t("settings.decimals.name"), desc: t("settings.decimals.desc"), min: 0, max: 6, step: 1, validate: (v) => (Number.isInteger(v) && v >= 0 && v <= 6 ? null : t("settings.decimals.bad")) },
				{ key: "animationSpeed", kind: "slider", name: t("settings.speed.name"), desc: t("settings.speed.desc"), min: 0.5, max: 10, step: 0.5, format: (v) => (v === 1 ? t("settings.speed.value.one") : t("settings.speed.value", { n: v })) },
			],
		},
	];
}

/** Reads a number the way people type it ("2e12", "5 000 000", "5,000,000"); NaN when it is not one. */
export function parseNumberInput(s: string): number {
	const clean = s.trim().replace(/[\s,_\u00a0\u202f]/g, "");
	return clean === "" ? NaN : Number(clean);
}
