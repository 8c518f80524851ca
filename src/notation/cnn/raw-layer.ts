import type { Pair } from "../../engine/model-spec";
import type { LayerWord } from "./layer-words";

/**
 * A layer as read from its line, before shapes are known: `pad same` can only become numbers once the
 * input size is known, and the filter depth is checked against the incoming channels.
 */
export interface RawLayer {
	/** "unknown": a line whose first word is no layer and nothing like one; its row stays, without a shape. */
	word: Exclude<LayerWord, "input"> | "unknown";
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
	units?: number;
	p?: number;
	slope?: number;
	/** An activation written on the same line (`conv 8 3x3 relu`, `dense 10 activation softmax`): a layer of its own after this one. */
	activation?: "relu" | "sigmoid" | "tanh" | "softmax" | "leakyrelu";
	/** The word as typed when it was a typo read as this layer (`maxpol` as maxpool). */
	guessedFrom?: string;
	/** The line named a layer but its numbers could not be read: shapes stop here. */
	broken?: boolean;
}
