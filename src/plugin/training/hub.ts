/** A run as the hub sees it: started when a slot is free, stopped by "stop all" or unload. */
export interface HubRun {
	/** Called once when the run may start. */
	begin(): void;
	/** Stop now (running) — the run calls its ticket's release() when it has ended. */
	stop(): void;
	/** Called while queued when the queue moves, with how many runs are ahead; and with -1 when dropped. */
	queued?(ahead: number): void;
}

export interface HubTicket {
	/** Frees the slot (or leaves the queue); the next queued run begins. Safe to call twice. */
	release(): void;
}

/**
 * Keeps track of every training run in every block: at most `maxConcurrent` train at once (two cores are shared
 * with the app), the others wait in order; one command (and unload) stops them all.
 */
export class TrainingHub {
	private limit = 1;
	private readonly stoppers = new Set<() => void>();
	private readonly active = new Set<HubRun>();
	private readonly waiting: HubRun[] = [];

	/** How many runs may train at once (the "Concurrent training runs" setting); raising it starts waiting runs. */
	get maxConcurrent(): number {
		return this.limit;
	}

	set maxConcurrent(n: number) {
		this.limit = Number.isFinite(n) ? Math.max(1, Math.floor(n)) : 1;
		this.next();
	}

	/** Registers a stop function that stopAll() calls (for anything that is not queued, e.g. the CLI). */
	add(stop: () => void): () => void {
		this.stoppers.add(stop);
		return () => this.stoppers.delete(stop);
	}

	/** Runs that are training now (queued ones are not counted). */
	get running(): number {
		return this.stoppers.size + this.active.size;
	}

	get queuedCount(): number {
		return this.waiting.length;
	}

	/** Asks for a slot: `run.begin()` is called at once when one is free, otherwise when one frees up. */
	enqueue(run: HubRun): HubTicket {
		let released = false;
		const ticket: HubTicket = {
			release: () => {
				if (released) return;
				released = true;
				const at = this.waiting.indexOf(run);
				if (at >= 0) {
					this.waiting.splice(at, 1);
					this.notifyQueue();
				}
				if (this.active.delete(run)) {
					this.next();
					// With a lowered limit nothing may begin, but the waiting runs now have fewer ahead of them.
					this.notifyQueue();
				}
			},
		};
		this.waiting.push(run);
		this.next();
		if (this.waiting.includes(run)) this.notifyQueue();
		return ticket;
	}

	stopAll(): void {
		const dropped = this.waiting.splice(0);
		for (const r of dropped) r.queued?.(-1);
		for (const r of [...this.active]) r.stop();
		for (const stop of [...this.stoppers]) stop();
		this.stoppers.clear();
	}

	private next(): void {
		while (this.active.size < this.limit && this.waiting.length > 0) {
			const r = this.waiting.shift() as HubRun;
			this.active.add(r);
			r.begin();
			this.notifyQueue();
		}
	}

	private notifyQueue(): void {
		this.waiting.forEach((r, i) => r.queued?.(i + this.active.size));
	}
}
