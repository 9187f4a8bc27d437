import "server-only";
import { unstable_rethrow } from "next/navigation";
import { isAppError } from "@/lib/errors";

/** What every Control Center server action answers: a message to show, never a crash. */
export interface ActionState {
  ok?: string;
  error?: string;
  /** The AppError code of a failure (e.g. "conflict"), so a form can offer the way out. */
  code?: string;
  /** Bumps on every answer so a form can tell a new result from the previous one. */
  at?: number;
}

/**
 * Runs an action body and turns expected failures (AppError: validation, forbidden, not
 * found, conflict) into a message for the form. Anything else is logged and reported
 * generically, without internals.
 */
export async function runAction(body: () => Promise<string>): Promise<ActionState> {
  try {
    return { ok: await body(), at: Date.now() };
  } catch (error) {
    unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
    if (isAppError(error)) return { error: error.message, code: error.code, at: Date.now() };
    console.error("[dashboard action]", error);
    return { error: "Something went wrong on our side. Please try again.", at: Date.now() };
  }
}
