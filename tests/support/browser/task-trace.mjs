// The page thread's tasks as Chromium's tracing records them: each task's wall time and the CPU time the thread
// itself spent in it. The Long Tasks API gives wall time only, and on a shared machine wall time includes the time
// the thread waited for a core (another process, the worker, the compositor). The CPU time is what the page's code
// costs; the wall time is what a user on this machine felt. The browser checks report both.

/** Starts tracing the page's renderer; `stop()` returns its main-thread tasks, in page-clock milliseconds. */
export async function traceTasks(page, categories = "toplevel,v8,__metadata") {
	const cdp = await page.context().newCDPSession(page);
	const events = [];
	cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
	const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
	await cdp.send("Tracing.start", { categories, transferMode: "ReportEvents" });
	return {
		async stop() {
			await cdp.send("Tracing.end");
			await done;
			await cdp.detach().catch(() => {});
			return Object.assign(mainThreadTasks(events), { events });
		},
	};
}

/** A garbage collection's pause on the thread: V8's own trace events (the outermost one counts). */
const GC = /^(MajorGC|MinorGC|V8\.GC|V8\.GC_)/;

/**
 * Top-level tasks (complete events named RunTask) of every thread Chromium names CrRendererMain, each with the CPU
 * time of the garbage collections inside it (`gcMs`) and the rest (`codeMs`): the page's code, style, layout, paint.
 * A GC pause is the runtime's: its length follows the heap, and on a busy machine the main thread does the marking its
 * helper threads could not get a core for.
 */
export function mainThreadTasks(events) {
	const main = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
	const onMain = (e) => e.ph === "X" && main.has(`${e.pid}:${e.tid}`) && typeof e.dur === "number";
	const tasks = outermost(events.filter((e) => onMain(e) && /(^|::)RunTask$/.test(e.name)));
	const gcs = outermost(events.filter((e) => onMain(e) && GC.test(e.name)));
	const cpu = (e) => (typeof e.tdur === "number" ? e.tdur : e.dur) / 1000;
	let g = 0;
	return tasks.map((t) => {
		const end = t.ts + t.dur;
		let gcMs = 0;
		while (g < gcs.length && gcs[g].ts < t.ts) g++;
		for (let k = g; k < gcs.length && gcs[k].ts < end; k++) if (gcs[k].tid === t.tid && gcs[k].pid === t.pid) gcMs += cpu(gcs[k]);
		const cpuMs = cpu(t);
		return { startUs: t.ts, wallMs: t.dur / 1000, cpuMs, gcMs, codeMs: Math.max(0, cpuMs - gcMs), thread: `${t.pid}:${t.tid}` };
	});
}

/** The events not inside another of the list on the same thread (nested RunTasks, nested GC phases count once). */
function outermost(list) {
	const sorted = [...list].sort((a, b) => a.ts - b.ts);
	const end = new Map();
	return sorted.filter((e) => {
		const key = `${e.pid}:${e.tid}`;
		if (e.ts < (end.get(key) ?? -Infinity)) return false;
		end.set(key, e.ts + e.dur);
		return true;
	});
}

/** "68 ms wall / 41 ms CPU (30 ms GC)" for the longest tasks by each measure, and every task over `over` ms. */
export function describeTasks(tasks, over = 50) {
	const fmt = (t) => `${Math.round(t.wallMs)} ms wall / ${Math.round(t.cpuMs)} ms CPU (${Math.round(t.gcMs)} ms GC)`;
	const longest = (key) => tasks.reduce((m, t) => (t[key] > m[key] ? t : m), { wallMs: 0, cpuMs: 0, gcMs: 0, codeMs: 0 });
	const long = tasks.filter((t) => t.wallMs > over);
	return `${tasks.length} tasks; longest by wall ${fmt(longest("wallMs"))}, by CPU ${fmt(longest("cpuMs"))}, by CPU outside GC ${fmt(longest("codeMs"))}; ${long.length} over ${over} ms of wall time`;
}
