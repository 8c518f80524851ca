import type { TrainingHub } from "../training/hub";
import type { RunHandle } from "./run-store";

/** Whether this session is writing the run with this id: a run note saying `running` that it is not, was interrupted. */
export type LiveRuns = (runId: string) => boolean;

/** The runs the plugin's hub is training now (queued runs have no note yet, ended ones wrote their last status). */
export function liveIn(hub: TrainingHub<RunHandle>): LiveRuns {
	return (runId) => hub.activeRuns().some((r) => r.log?.record.runId === runId);
}
