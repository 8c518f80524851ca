import { INLINE_PREFIX } from "../notation/inline/inline";
import { analyzeCnn, type CnnAnalysis } from "../notation/cnn/parse";
import { scanNote, type NoteBlock } from "./note-blocks";

export type Picked = { ok: true; block: NoteBlock; analysis: CnnAnalysis; count: number } | { ok: false; message: string };

/** The ```cnn block `--block N` names (the first one without it), analysed. */
export function pickBlock(file: string, text: string, n: number | null): Picked {
	const { blocks } = scanNote(text, INLINE_PREFIX);
	if (blocks.length === 0) return { ok: false, message: `${file}: no \`\`\`cnn block in this note` };
	const index = n ?? 1;
	const block = blocks[index - 1];
	if (!block) return { ok: false, message: `${file}: there is no block ${index}; the note has ${blocks.length} \`\`\`cnn block${blocks.length === 1 ? "" : "s"}` };
	return { ok: true, block, analysis: analyzeCnn(block.source), count: blocks.length };
}
