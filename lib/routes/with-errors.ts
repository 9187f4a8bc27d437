import { errorResponse } from "@/lib/errors";

/**
 * The one place a route's errors become responses: an AppError answers with its status
 * and safe message as JSON, anything else with a 500 that names no internals. `headers`
 * go on error responses too (a public route's CORS headers, for instance).
 */
export function withErrors<A extends unknown[]>(
  handler: (...args: A) => Promise<Response>,
  options: { headers?: Record<string, string> } = {},
): (...args: A) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      const response = errorResponse(error);
      for (const [name, value] of Object.entries(options.headers ?? {})) response.headers.set(name, value);
      return response;
    }
  };
}
