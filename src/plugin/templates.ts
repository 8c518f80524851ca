/**
 * What the insert commands put at the cursor: small, working blocks that show what each block kind does and
 * invite editing (the network trains on the bundled digits; the convolution is the textbook 5×5 example).
 */
export const NETWORK_TEMPLATE = [
	"```cnn",
	"input 8x8x1",
	"conv 8 3x3 pad 1",
	"relu",
	"maxpool 2",
	"flatten",
	"dense 10",
	"softmax",
	"train digits epochs 15 batch 32 adam lr 0.01 seed 7",
	"```",
].join("\n");

export const CONV_TEMPLATE = [
	"```cnn-conv",
	"input",
	"  1 2 3 0 1",
	"  0 1 2 3 1",
	"  3 0 1 2 2",
	"  2 3 0 1 0",
	"  1 0 2 1 3",
	"kernel",
	"  1 0 -1",
	"  1 0 -1",
	"  1 0 -1",
	"stride 2x1",
	"pad 1",
	"```",
].join("\n");

export function logTemplate(runsFolder: string): string {
	return ["```cnn-log", `folder ${runsFolder}`, "```"].join("\n");
}

/**
 * Fits a block into the line the cursor is on: a block must start on its own line, so text before the cursor
 * gets a line break first, and text after it a line break after the fence.
 */
export function placeBlock(block: string, before: string, after: string): string {
	const lead = before.trim() === "" ? "" : "\n";
	const tail = after.trim() === "" ? "\n" : "\n\n";
	return `${lead}${block}${tail}`;
}
