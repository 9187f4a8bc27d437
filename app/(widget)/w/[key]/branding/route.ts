import { errorResponse, AppError } from "@/lib/errors";
import { getWidgetBranding } from "../widget-tenant";

const CORS = { "access-control-allow-origin": "*", vary: "origin" };

/**
 * The launcher's colour and label for widget.js, read from any customer site (hence
 * CORS *: it is public branding only). Cheap on purpose: no conversation is started
 * until the visitor opens the chat.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ key: string }> }) {
  try {
    const branding = await getWidgetBranding((await params).key);
    if (!branding) throw new AppError("not_found", "No chat widget has this key.");
    return Response.json(
      { name: branding.name, color: branding.color },
      { headers: { ...CORS, "cache-control": "public, max-age=300, stale-while-revalidate=3600" } },
    );
  } catch (error) {
    const response = errorResponse(error);
    for (const [name, value] of Object.entries(CORS)) response.headers.set(name, value);
    return response;
  }
}
