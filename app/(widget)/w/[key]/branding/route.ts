import { AppError } from "@/lib/errors";
import { withErrors } from "@/lib/routes/with-errors";
import { getWidgetBranding } from "../widget-tenant";

const CORS = { "access-control-allow-origin": "*", vary: "origin" };

/**
 * The launcher's colour and label for widget.js, read from any customer site (hence
 * CORS *: it is public branding only). Cheap on purpose: no conversation is started
 * until the visitor opens the chat.
 */
export const GET = withErrors(
  async (_request: Request, { params }: { params: Promise<{ key: string }> }) => {
    const branding = await getWidgetBranding((await params).key);
    if (!branding) throw new AppError("not_found", "No chat widget has this key.");
    return Response.json(
      { name: branding.name, color: branding.color },
      { headers: { ...CORS, "cache-control": "public, max-age=300, stale-while-revalidate=3600" } },
    );
  },
  { headers: CORS },
);
