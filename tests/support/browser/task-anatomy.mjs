// What one task of the page's thread was made of, from a trace taken with the devtools timeline categories: the CPU
// time of each kind of work inside it (script, style, layout, paint, GC…), how many layout objects its layouts had
// to lay out, and the functions its script entered — so a benchmark says where the milliseconds went, not only how
// many there were. Used by tests/bench/browser/explorer.mjs --tasks and long-tasks.mjs --why.

/** Trace categories that record script, style, layout and paint inside tasks (pass to traceTasks). */
export const ANATOMY_CATEGORIES = "toplevel,v8,blink.user_timing,__metadata,devtools.timeline";

const KINDS = { FunctionCall: "script", TimerFire: "timer", EvaluateScript: "script", v8_compile: "compile", "v8.compile": "compile", UpdateLayoutTree: "style", Layout: "layout", Paint: "paint", PrePaint: "prepaint", Layerize: "layerize", Commit: "commit", ParseHTML: "parse", "V8.GC_SCAVENGER": "gc", MinorGC: "gc", MajorGC: "gc" };

/** "layout 14, style 5, commit 4; layout objects 1364/2325; ran stage:79" for a task of mainThreadTasks. */
export function anatomy(events, task) {
	const end = task.startUs + task.wallMs * 1000;
	const inside = events.filter((e) => e.ph === "X" && `${e.pid}:${e.tid}` === task.thread && e.ts >= task.startUs && e.ts < end && KINDS[e.name]);
	const sum = {};
	// Nested events of the same kind (a FunctionCall inside a TimerFire) count once: the outermost of each kind.
	const last = {};
	for (const e of inside.sort((a, b) => a.ts - b.ts)) {
		const k = KINDS[e.name];
		if (e.ts < (last[k] ?? -Infinity)) continue;
		last[k] = e.ts + e.dur;
		sum[k] = (sum[k] ?? 0) + (e.tdur ?? e.dur) / 1000;
	}
	// A layout's objects: how many it had to lay out of how many there are (a large part: something invalidated much).
	const layouts = inside.filter((e) => e.name === "Layout" && e.args?.beginData).map((e) => `${e.args.beginData.dirtyObjects}/${e.args.beginData.totalObjects}`);
	const parts = Object.entries(sum)
		.filter(([, ms]) => ms >= 1)
		.sort((a, b) => b[1] - a[1])
		.map(([k, ms]) => `${k} ${ms.toFixed(0)}`);
	// The functions the task's script entered (a timer's callback, a frame's), by name and line of the bundle.
	const calls = [...new Set(inside.filter((e) => e.name === "FunctionCall" && e.args?.data).map((e) => `${e.args.data.functionName || "?"}:${e.args.data.lineNumber ?? "?"}`))].slice(0, 3);
	return parts.join(", ") + (layouts.length ? `; layout objects ${layouts.join(" ")}` : "") + (calls.length ? `; ran ${calls.join(" ")}` : "");
}
