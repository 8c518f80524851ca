import type { Diagnostic } from "../diagnostic";

/** Grids are [channel][row][col]. */
export type Planes = number[][][];

export interface NumberInput {
	kind: "numbers";
	planes: Planes;
	line: number;
}

export interface ImageInput {
	kind: "image";
	/** The link text inside ![[…]] (or a plain vault path). */
	link: string;
	mode: "gray" | "rgb";
	/** Longest side after downscaling. */
	size: number;
	line: number;
}

export interface KernelSpec {
	/** "sobel-x", "box 5"… for a named kernel; "kernel 1", "kernel 2"… for written numbers. */
	label: string;
	/** Named kernels hold one plane that is applied to every input channel. */
	named: boolean;
	planes: Planes;
	/** The weights are whole numbers divided by this (box 3: 9, gaussian 3: 16); 1 otherwise. Shown as "(…)/9". */
	divisor: number;
	line: number;
}

export type ChainStage =
	| { kind: "relu"; line: number }
	| { kind: "maxpool" | "avgpool"; size: [number, number]; stride: [number, number]; line: number };

/** Asymmetric padding [top, bottom, left, right]; `same` is resolved once the input size is known. */
export type PadSpec = { kind: "fixed"; top: number; bottom: number; left: number; right: number } | { kind: "same" };

export interface ConvBlockSpec {
	input: NumberInput | ImageInput | null;
	kernels: KernelSpec[];
	stride: [number, number];
	pad: PadSpec;
	dilation: [number, number];
	/** One bias per kernel (a single value is used for all). */
	bias: number[];
	chain: ChainStage[];
	/**
	 * `groups G` or `depthwise` (G = the input's channels, known only once an image is read): the filters and the
	 * channels are split into G groups, filter j seeing only its group's channels. Absent: one group.
	 */
	groups?: { kind: "count"; n: number; line: number } | { kind: "depthwise"; line: number };
	/**
	 * `transposed` (and `outpad N`): PyTorch's conv_transpose2d with this stride, pad and dilation, stepped as "A
	 * guide to convolution arithmetic" draws it — over the input stretched with stride − 1 zeros between values.
	 */
	transposed?: { line: number; outpad: [number, number]; outpadLine: number };
	diagnostics: Diagnostic[];
}
