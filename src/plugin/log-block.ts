import type { CnnLabHost } from "./host";

// Placeholder until the block lands; keeps main.ts stable while the parts are built in parallel.
export function registerLogBlock(host: CnnLabHost): void {
	void host;
}
