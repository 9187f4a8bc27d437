import { z } from "zod";

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. NUL in
 * particular cannot be stored in a PostgreSQL text or jsonb value, and none of them
 * belongs in a chat message, a name or an answer.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/** The one schema for text a caller sends: a string without control characters (422 otherwise). */
export function text(message = "must not contain control characters (such as NUL)") {
  return z.string().refine((value) => !hasControlCharacters(value), { message, abort: true });
}
