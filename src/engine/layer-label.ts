import type { LayerSpec } from "./model-spec";

const fmtPair = (p: [number, number]): string => (p[0] === p[1] ? String(p[0]) : `${p[0]}×${p[1]}`);

/** A short name for a layer, as a feature-map view or a log labels it ("conv 8 3×3", "maxpool 2"). */
export function layerLabel(s: LayerSpec): string {
	switch (s.type) {
		case "conv":
			return `conv ${s.filters} ${s.kernel[0]}×${s.kernel[1]}${s.groups && s.groups > 1 ? ` groups ${s.groups}` : ""}`;
		case "depthwise":
			return `depthwise ${s.kernel[0]}×${s.kernel[1]}${s.multiplier !== 1 ? ` multiplier ${s.multiplier}` : ""}`;
		case "convtranspose":
			return `convtranspose ${s.filters} ${s.kernel[0]}×${s.kernel[1]}`;
		case "adaptiveavgpool":
			return `adaptiveavgpool ${s.size[0]}×${s.size[1]}`;
		case "maxpool":
		case "avgpool":
			return `${s.type} ${fmtPair(s.kernel)}`;
		case "dense":
			return `dense ${s.units}`;
		case "leakyrelu":
			return `leakyrelu ${s.slope}`;
		case "dropout":
			return `dropout ${s.p}`;
		case "residual":
			return s.shortcut.length > 0 ? "residual project" : "residual";
		default:
			return s.type;
	}
}
