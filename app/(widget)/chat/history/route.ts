import { getVisitorHistory } from "@/lib/chat/history";
import { withVisitor } from "@/lib/routes/with-visitor";

/** A returning visitor's conversation: its messages in order and its tickets' states. */
export const GET = withVisitor(async (_request, { visitor }) => Response.json(await getVisitorHistory(visitor)), { tokenInQuery: true });
