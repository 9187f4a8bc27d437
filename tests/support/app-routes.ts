/**
 * The app's route handlers found from the file tree, the way Next.js maps them: route
 * groups `(name)` leave the URL, `[param]` is a dynamic segment. Tests call a handler by
 * URL and method without naming its file, so moving a route between groups keeps them valid.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

const APP = path.resolve(import.meta.dirname, "../../app");
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface AppRoute {
  /** e.g. /admin/tickets/[id]/reply */
  pattern: string;
  file: string;
  methods: Method[];
  handler(method: Method): Handler;
}

function routeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) routeFiles(full, out);
    else if (name === "route.ts") out.push(full);
  }
  return out;
}

export function urlPatternOf(file: string): string {
  const segments = path.relative(APP, path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.+\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** Every route handler module, imported. */
export async function loadAppRoutes(): Promise<AppRoute[]> {
  const routes: AppRoute[] = [];
  for (const file of routeFiles(APP).sort()) {
    const handlers = (await import(file)) as Partial<Record<Method, Handler>>;
    const methods = METHODS.filter((m) => typeof handlers[m] === "function");
    routes.push({ pattern: urlPatternOf(file), file, methods, handler: (m) => handlers[m]! });
  }
  return routes;
}

/** The URL with its dynamic segments filled in, and the params object Next would pass. */
export function fillPattern(pattern: string, value: (param: string) => string): { url: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const url = pattern.replace(/\[([^\]]+)\]/g, (_m, name: string) => {
    params[name] = value(name);
    return encodeURIComponent(params[name]);
  });
  return { url, params };
}
