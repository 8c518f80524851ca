import type { Diagnostic, Severity } from "../diagnostic";
import type { Token } from "../tokenize";

/** Collects diagnostics for one block, with a cap so that a pathological block cannot flood the view. */
export class DiagnosticList {
	readonly items: Diagnostic[] = [];
	private dropped = 0;
	constructor(private readonly cap = 60) {}

	add(d: Diagnostic): void {
		if (this.items.length < this.cap) this.items.push(d);
		else this.dropped++;
	}

	at(line: number, tok: Token | null, severity: Severity, message: string, suggestion?: string): void {
		const d: Diagnostic = { line, column: tok ? tok.column : 1, severity, message };
		if (tok) d.endColumn = tok.endColumn;
		if (suggestion !== undefined) d.suggestion = suggestion;
		this.add(d);
	}

	/** Drops the diagnostics a more specific one replaces. */
	remove(replaced: (d: Diagnostic) => boolean): void {
		for (let i = this.items.length - 1; i >= 0; i--) if (replaced(this.items[i])) this.items.splice(i, 1);
	}

	get droppedCount(): number {
		return this.dropped;
	}

	hasErrors(): boolean {
		return this.items.some((d) => d.severity === "error");
	}
}
