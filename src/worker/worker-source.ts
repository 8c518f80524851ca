/**
 * The training worker's code. This file is what TypeScript and the tests see (null: no worker, the inline runner is
 * used); the build makes it the source text of the shared engine function (scripts/shared-engine-plugin.mjs).
 */
export const workerSource: string | null = null;
