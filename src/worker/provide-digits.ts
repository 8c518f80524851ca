/**
 * Imported for its side effect by every thread that carries the built-in digits (the page, the CLI, the tests);
 * never by the worker bundle, which receives them from the page as arrays. Registered through shared-engine.ts so
 * that on the page the digits reach the engine instance that runs the preview and the fallback.
 */
import { loadDigits } from "../data/digits";
import { provideDigits } from "./shared-engine";

provideDigits(loadDigits);
