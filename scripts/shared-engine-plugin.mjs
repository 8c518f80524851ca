// The esbuild plugin that puts the engine into main.js once, for both the page and the training worker.
//
// src/worker/shared-engine.ts (the page's only door to the engine code that the worker also runs) is bundled on its
// own as an IIFE and wrapped in one function with no free variables but the platform's globals:
//
//   function cnnLabEngine() { var engine = (() => { …the engine, session, worker start… })(); return engine; }
//   const shared = cnnLabEngine();              // the page's engine
//   export const { TrainingSession, … } = shared;
//   export const workerSource = "(" + cnnLabEngine.toString() + ")().startWorker(self);";
//
// Function.prototype.toString returns a function's source text exactly (ECMAScript 2019), so the worker runs the
// very code the page runs, and the client starts it from a Blob URL as before. src/worker/worker-source.ts, which
// is null for TypeScript and the tests, becomes a re-export of that string.
import esbuild from "esbuild";
import { resolve } from "node:path";

const FILTER_ENGINE = /src[\\/]worker[\\/]shared-engine\.ts$/;
const FILTER_SOURCE = /src[\\/]worker[\\/]worker-source\.ts$/;

/** @param {{ minify: boolean }} options */
export function sharedEnginePlugin({ minify }) {
	return {
		name: "shared-engine",
		setup(build) {
			build.onLoad({ filter: FILTER_SOURCE }, () => ({
				contents: `export { workerSource } from "./shared-engine";`,
				loader: "js",
				resolveDir: resolve("src/worker"),
			}));
			build.onLoad({ filter: FILTER_ENGINE }, async (args) => {
				/** @type {import("esbuild").BuildOptions & { write: false, metafile: true }} */
				const common = { entryPoints: [args.path], bundle: true, target: "es2020", charset: "utf8", write: false, metafile: true, logLevel: "silent" };
				// The export names, from an ESM build's metafile (an IIFE's metafile does not list them).
				const esm = await esbuild.build({ ...common, format: "esm" });
				const names = Object.values(esm.metafile.outputs)[0].exports;
				const iife = await esbuild.build({ ...common, format: "iife", globalName: "engine", minify, treeShaking: true });
				const code = iife.outputFiles[0].text;
				const contents = [
					"function cnnLabEngine() {",
					code,
					"return engine;",
					"}",
					"const shared = cnnLabEngine();",
					...names.map((n) => `export const ${n} = shared.${n};`),
					`export const workerSource = "(" + cnnLabEngine.toString() + ")().startWorker(self);";`,
				].join("\n");
				return { contents, loader: "js", resolveDir: resolve("src/worker"), watchFiles: Object.keys(iife.metafile.inputs).map((p) => resolve(p)) };
			});
		},
	};
}
