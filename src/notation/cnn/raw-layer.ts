import type { Pair } from "../../engine/model-spec";
import type { LayerWord } from "./layer-words";

/**
 * A layer as read from its line, before shapes are known: `pad same` can only become numbers once the
 * input size is known, and the filter depth is checked against the incoming channels.
 */
export interface RawLayer {
	/**
	 * "unknown": a line whose first word is no layer and nothing like one; its row stays, without a shape.
	 * "residual" / "end": where a residual block starts (its row is the shortcut's) and where its add is.
	 */
	word: Exclude<LayerWord, "input"> | "unknown" | "residual" | "end";
	line: number;
	column: number;
	text: string;
	filters?: number;
	kernel?: Pair;
	/** Filter depth when written (`conv 16 3x3x3`). */
	depth?: number;
	depthColumn?: number;
	stride?: Pair;
	pad?: Pair | "same" | "valid";
	/** Bottom/right padding when it differs from the top/left (imported code). */
	padEnd?: Pair;
	dilation?: Pair;
	ceil?: boolean;
	countIncludePad?: boolean;
	bias?: boolean;
	/** Channel groups of a convolution (`groups 4`). */
	groups?: number;
	/** Filters per input channel of a depthwise convolution (`multiplier 2`). */
	multiplier?: number;
	/** A transposed convolution's extra bottom / right rows (`outpad 1`). */
	outputPad?: Pair;
	/** adaptiveavgpool's output grid (`adaptiveavgpool 4x4`). */
	outSize?: Pair;
	/** Batch norm written as BatchNorm1d (1) or BatchNorm2d (2); absent for `batchnorm` / `bn`. */
	bnDims?: 1 | 2;
	momentum?: number;
	eps?: number;
	units?: number;
	p?: number;
	slope?: number;
	/** An activation written on the same line (`conv 8 3x3 relu`, `dense 10 activation softmax`): a layer of its own after this one. */
	activation?: "relu" | "sigmoid" | "tanh" | "softmax" | "leakyrelu";
	/** The word as typed when it was a typo read as this layer (`maxpol` as maxpool). */
	guessedFrom?: string;
	/** How many residual blocks hold this layer (absent: none); a block's own `residual` and `end` count the blocks around it. */
	nest?: number;
	/** `residual project`: the shortcut is a 1×1 conv (and batch norm) instead of the identity. */
	project?: boolean;
	/** The line named a layer but its numbers could not be read: shapes stop here. */
	broken?: boolean;
}
