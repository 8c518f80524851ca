/** Keeps track of every training run in every block, so that one command (and unload) can stop them all. */
export class TrainingHub {
	private readonly stoppers = new Set<() => void>();

	add(stop: () => void): () => void {
		this.stoppers.add(stop);
		return () => this.stoppers.delete(stop);
	}

	get running(): number {
		return this.stoppers.size;
	}

	stopAll(): void {
		for (const stop of [...this.stoppers]) stop();
		this.stoppers.clear();
	}
}
