/** How much data CNN Lab reads: constants only, so page code can import them without the dataset helpers. */

/** Labels are bytes: at most 256 classes (0..255); a set with more is refused, never wrapped around. */
export const MAX_CLASSES = 256;

/**
 * Most bytes a data file may inflate to, and most bytes its values may take as 32-bit floats (the form the engine
 * trains on): the files and arrays are priced against this before anything of that size is allocated.
 */
export const MAX_DATA_BYTES = 1024 * 1024 * 1024;
