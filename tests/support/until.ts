/**
 * Waits until `cond` holds, polling every `every` ms; throws after `ms` so a run that never ends fails its test
 * instead of hanging it. The bound is a deadline, not a measurement: it is generous because CI machines are shared
 * (a test must pass with one core taken by something else), and nothing asserts how long the wait took.
 */
export async function until(cond: () => boolean | Promise<boolean>, ms = 60_000, every = 10): Promise<void> {
	const t0 = Date.now();
	while (!(await cond())) {
		if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${cond.toString().slice(0, 120)}`);
		await new Promise((r) => setTimeout(r, every));
	}
}
