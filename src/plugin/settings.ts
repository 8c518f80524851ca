export type ColormapName = "viridis" | "magma" | "gray" | "coolwarm";

export interface CnnLabSettings {
	runsFolder: string;
	defaultSeed: number;
	colormap: ColormapName;
	/** Limits checked before anything is allocated or trained. */
	maxParameters: number;
	maxActivationMB: number;
	maxMultiplyAddsPerEpoch: number;
	maxRunSeconds: number;
	useWorker: boolean;
	/** Steps per second of the conv stepper when playing. */
	animationSpeed: number;
	decimals: number;
	saveWeights: boolean;
	/** How many blocks may train at once (1–4); the others wait in order. */
	maxConcurrentRuns: number;
}

export const DEFAULT_SETTINGS: CnnLabSettings = {
	runsFolder: "CNN runs",
	defaultSeed: 42,
	colormap: "viridis",
	maxParameters: 5_000_000,
	maxActivationMB: 512,
	maxMultiplyAddsPerEpoch: 2e12,
	maxRunSeconds: 1800,
	useWorker: true,
	animationSpeed: 2,
	decimals: 2,
	saveWeights: true,
	maxConcurrentRuns: 1,
};

/** The limits that are lower on phones and tablets. */
export type LimitKey = "maxParameters" | "maxActivationMB" | "maxMultiplyAddsPerEpoch" | "maxRunSeconds";

/**
 * Default limits on a phone or tablet (Obsidian's Platform.isMobile): a mobile WebView has far less memory than the
 * desktop app (tabs are killed above a few hundred MB) and slower cores, and iOS suspends an app sent to the
 * background, so a run should be small and end within minutes. A fifth of the desktop's parameters and 1/10 of its
 * multiply-adds still train every demo block (the largest, 28×28 digits, needs about 2e10 per epoch).
 */
export const MOBILE_LIMITS: Pick<CnnLabSettings, LimitKey> = {
	maxParameters: 1_000_000,
	maxActivationMB: 128,
	maxMultiplyAddsPerEpoch: 2e11,
	maxRunSeconds: 600,
};

/** The defaults of this device: the desktop's, with the lower limits on mobile. */
export function defaultSettings(mobile: boolean): CnnLabSettings {
	return mobile ? { ...DEFAULT_SETTINGS, ...MOBILE_LIMITS } : { ...DEFAULT_SETTINGS };
}
