/**
 * The engine context: what a computation needs to know about where it runs — the kernels (backend.ts) and the
 * language of the messages made for the user. It is passed explicitly (Sequential.build, createLayer, the
 * functional ops' optional last argument) instead of living in module variables; a thread makes one per model or
 * shares one, as it likes. Fields may be added later (a thread pool, say) without changing any signature.
 */
import { langOf, type Lang } from "../i18n/lang";
import { createJsBackend, TS_BACKEND, type Backend } from "./backend";

export interface EngineContext {
	readonly backend: Backend;
	/** The language of the messages the engine's callers word for the user (failures, data notes). */
	readonly lang: Lang;
}

/**
 * A context on `backend` (default: TypeScript kernels with buffers of their own) in `lang` (an app language code
 * such as "zh-CN", or "en" when omitted).
 */
export function createEngineContext(options: { backend?: Backend; lang?: string | null } = {}): EngineContext {
	return Object.freeze({ backend: options.backend ?? createJsBackend(), lang: langOf(options.lang) });
}

/** English on the stateless TypeScript backend: the default of the functional ops. */
export const TS_CONTEXT: EngineContext = Object.freeze({ backend: TS_BACKEND, lang: "en" });
