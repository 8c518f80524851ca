// What one long task of the page's thread was made of, from a trace taken with the devtools timeline categories:
// the time of each kind of event directly inside it (script by function, style, layout, paint, GC), so a benchmark
// can say where the milliseconds went rather than only how many there were.

/** Trace categories that record script, style, layout and paint inside tasks (pass to traceTasks). */
export const ANATOMY_CATEGORIES = "toplevel,v8,__metadata,devtools.timeline,disabled-by-default-devtools.timeline";

const KINDS = ["FunctionCall", "TimerFire", "FireAnimationFrame", "EventDispatch", "v8.callFunction", "UpdateLayoutTree", "Layout", "PrePaint", "Paint", "Layerize", "UpdateLayer", "CompositeLayers", "HitTest", "MajorGC", "MinorGC", "V8.GC_SCAVENGER", "ParseHTML", "RunMicrotasks", "v8.compile", "v8.parseOnBackground"];

/** "Layout 21 ms, UpdateLayoutTree 9 ms, FunctionCall stage (main.js:123) 12 ms" for a task of mainThreadTasks. */
export function anatomy(events, task) {
	const [pid, tid] = task.thread.split(":").map(Number);
	const end = task.startUs + task.wallMs * 1000;
	const inside = events.filter((e) => e.ph === "X" && e.pid === pid && e.tid === tid && e.ts >= task.startUs && e.ts < end && KINDS.includes(e.name));
	const sum = new Map();
	for (const e of inside) {
		const f = e.args?.data;
		const where = e.name === "FunctionCall" && f ? ` ${f.functionName || "(anonymous)"} ${String(f.url ?? "").split("/").pop()}:${f.lineNumber ?? ""}` : "";
		const key = e.name + where;
		sum.set(key, (sum.get(key) ?? 0) + (typeof e.tdur === "number" ? e.tdur : e.dur) / 1000);
	}
	return [...sum].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(", ");
}
