// The few parts of ConvNetJS 0.3 (no bundled types) the benchmark uses.
declare module "convnetjs" {
	export class Vol {
		constructor(sx: number, sy: number, depth: number, c?: number);
		sx: number;
		sy: number;
		depth: number;
		w: Float64Array;
		dw: Float64Array;
	}
	export class ConvLayer {
		constructor(opt: Record<string, number | string>);
		forward(v: Vol, training: boolean): Vol;
	}
	export class Net {
		makeLayers(defs: Record<string, number | string>[]): void;
		forward(v: Vol, training: boolean): Vol;
	}
	export class Trainer {
		constructor(net: Net, opt: Record<string, number | string>);
		train(x: Vol, y: number): { loss: number };
	}
	const convnetjs: { Vol: typeof Vol; ConvLayer: typeof ConvLayer; Net: typeof Net; Trainer: typeof Trainer };
	export default convnetjs;
}
