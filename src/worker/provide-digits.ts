/**
 * Imported for its side effect by every thread that carries the built-in digits (the page, the CLI, the tests);
 * never by the worker bundle, which receives them from the page as arrays.
 */
import { loadDigits } from "../data/digits";
import { provideDigits } from "./datasets";

provideDigits(loadDigits);
