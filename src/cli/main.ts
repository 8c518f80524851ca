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
		// Whatever escaped a command is reported as its message: the user gets no stack trace, and exit 1 (2 is misuse).
		process.stderr.write(`cnn-lab: ${e instanceof Error ? e.message : String(e)}\n`);
		process.exitCode = 1;
	},
);
