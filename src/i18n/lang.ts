/** The languages CNN Lab's strings exist in. Its own module so the engine can name the type without the tables. */
export type Lang = "en" | "zh";

/** An app language code as one of the languages CNN Lab has: Simplified Chinese for "zh…", English otherwise. */
export function langOf(code: string | null | undefined): Lang {
	return code && code.toLowerCase().startsWith("zh") ? "zh" : "en";
}
