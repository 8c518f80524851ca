/** The parsed ```cnn-log block and the limits its parser keeps to. */
import type { Diagnostic } from "../diagnostic";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";

export type FilterOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export interface RunFilter {
	key: string;
	op: FilterOp;
	value: string;
}

export interface LogSeries {
	label: string;
	epochs: EpochMetrics[];
	batches: LossPoint[];
}

export type LogBlockSpec =
	| { kind: "runs"; links: { target: string; line: number }[]; diagnostics: Diagnostic[] }
	| { kind: "folder"; folder: string; filters: RunFilter[]; line: number; diagnostics: Diagnostic[] }
	| { kind: "data"; format: "csv" | "keras" | "keras-log"; series: LogSeries; diagnostics: Diagnostic[] }
	| { kind: "empty"; diagnostics: Diagnostic[] };

/** Longest block text parsed: a pasted log larger than this is refused rather than read. */
export const MAX_LOG_CHARS = 2_000_000;
/** Longest `runs` / `folder` line read (run links are short; a longer line is pasted junk). */
export const MAX_DIRECTIVE_CHARS = 4000;

export const err = (line: number, message: string, suggestion?: string): Diagnostic => ({ line, column: 1, severity: "error", message, suggestion });
export const warn = (line: number, message: string): Diagnostic => ({ line, column: 1, severity: "warning", message });
export const info = (line: number, message: string): Diagnostic => ({ line, column: 1, severity: "info", message });
