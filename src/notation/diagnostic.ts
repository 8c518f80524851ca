/** What every block language reports about what the user wrote. */
export type Severity = "error" | "warning" | "info";

/** A problem found in what the user wrote. Lines and columns are 1-based, relative to the block's first line. */
export interface Diagnostic {
	line: number;
	column: number;
	endColumn?: number;
	severity: Severity;
	message: string;
	/** A concrete fix in the user's own syntax where one exists, e.g. "conv 8 4x4 stride 3 pad 1 → 11×11×8". */
	suggestion?: string;
}
