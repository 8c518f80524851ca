/** Entry point of the `cnn-lab` command (bundled for Node by scripts/build-cli.mjs into cli/cnn-lab.mjs). */
import { runCli } from "./run";

runCli(process.argv.slice(2), {
	out: (s) => process.stdout.write(s),
	err: (s) => process.stderr.write(s),
	cwd: process.cwd(),
}).then(
	(code) => {
		process.exitCode = code;
	},
	(e: unknown) => {
		process.stderr.write(`cnn-lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
		process.exitCode = 2;
	},
);
