import { keyText, RunController, type RunEvent, type RunKey, type RunLog, type RunPlan, type RunServices } from "./run-controller";

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

/** Told of every run's events (the status bar, the views waiting for a run of their block). */
export type HubWatcher<L extends RunLog> = (run: RunController<L>, e: RunEvent | { type: "started" }) => void;

/**
 * Keeps track of every training run in every block: at most `maxConcurrent` train at once (two cores are shared
 * with the app), the others wait in order; one command (and unload) stops them all. It also holds the runs
 * themselves (RunController), by id and by block, so a run outlives the block that started it: a re-rendered or
 * reopened block finds its run here and shows it from the start.
 */
export class TrainingHub<L extends RunLog = RunLog> {
	private limit = 1;
	private nextRunId = 1;
	private readonly byId = new Map<number, RunController<L>>();
	private readonly byKey = new Map<string, RunController<L>>();
	/** Finished runs whose end a view has shown: forgotten when their last view goes (the vault has them then). */
	private readonly shown = new WeakSet<RunController<L>>();
	private readonly watchers = new Set<HubWatcher<L>>();
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

	/** Runs registered with add() (not RunControllers) that are going now. */
	get extraRunning(): number {
		return this.stoppers.size;
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

	/**
	 * Starts a run of a block (queued when no slot is free), or returns the block's run if one is still going: one
	 * block trains once at a time, however many views show it.
	 */
	start(plan: RunPlan, services: RunServices<L>): RunController<L> {
		const existing = this.find(plan.key);
		if (existing?.active) return existing;
		if (existing) this.byId.delete(existing.id);
		const run: RunController<L> = new RunController<L>(this.nextRunId++, plan, services, (e) => this.onRunEvent(run, e));
		this.byId.set(run.id, run);
		this.byKey.set(keyText(plan.key), run);
		this.tell(run, { type: "started" });
		run.setTicket(this.enqueue(run));
		return run;
	}

	/** The block's run: going, or ended and not yet shown by any view. */
	find(key: RunKey): RunController<L> | null {
		return this.byKey.get(keyText(key)) ?? null;
	}

	get(id: number): RunController<L> | null {
		return this.byId.get(id) ?? null;
	}

	/** Runs queued, preparing, training or stopping, oldest first. */
	activeRuns(): RunController<L>[] {
		return [...this.byId.values()].filter((r) => r.active);
	}

	watch(fn: HubWatcher<L>): () => void {
		this.watchers.add(fn);
		return () => this.watchers.delete(fn);
	}

	/** The note holding a block was renamed: its runs follow it, so the block still finds them. */
	renamed(oldPath: string, newPath: string): void {
		for (const run of this.byId.values()) {
			if (run.key.sourcePath !== oldPath) continue;
			this.byKey.delete(keyText(run.key));
			run.key.sourcePath = newPath;
			this.byKey.set(keyText(run.key), run);
		}
	}

	/** Plugin unload: every run ends now, its note closed as stopped with what it finished. */
	dispose(): void {
		// The queue first, so that no waiting run begins in a slot an ending run frees.
		for (const r of this.waiting.splice(0)) r.queued?.(-1);
		for (const run of [...this.byId.values()]) run.abort();
		for (const stop of [...this.stoppers]) stop();
		this.stoppers.clear();
		this.byId.clear();
		this.byKey.clear();
		this.watchers.clear();
	}

	private onRunEvent(run: RunController<L>, e: RunEvent): void {
		if (e.type === "end") {
			// Nothing trained (cancelled, unreadable data, over the limits): the block shows what it showed before.
			if (run.end?.early) this.forget(run);
			else if (run.viewCount > 0) this.shown.add(run);
		} else if (e.type === "detached" && !run.active && run.viewCount === 0) {
			if (this.shown.has(run)) this.forget(run);
		} else if (e.type === "attached" && !run.active) this.shown.add(run);
		this.tell(run, e);
	}

	private forget(run: RunController<L>): void {
		this.byId.delete(run.id);
		const k = keyText(run.key);
		if (this.byKey.get(k) === run) this.byKey.delete(k);
	}

	private tell(run: RunController<L>, e: RunEvent | { type: "started" }): void {
		for (const w of [...this.watchers]) w(run, e);
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
