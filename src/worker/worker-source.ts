/**
 * The training worker's bundled code. This file is what TypeScript and the tests see (null: no worker, the inline
 * runner is used); the build replaces it with the IIFE bundle of src/worker/worker.ts (see esbuild.config.mjs).
 */
export const workerSource: string | null = null;
