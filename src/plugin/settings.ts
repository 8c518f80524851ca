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
	saveWeights: false,
	maxConcurrentRuns: 1,
};
