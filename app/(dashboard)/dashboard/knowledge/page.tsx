import type { Metadata } from "next";
import { PageHeader } from "@/components/dashboard/page-header";
import { Notice } from "@/components/ui/notice";
import { canManageKnowledge } from "@/lib/auth/permissions";
import { withTenant } from "@/lib/db/tenant";
import { listSources } from "@/lib/rag/sources";
import { currentStaff } from "../_lib/session";
import { KnowledgeManager } from "./knowledge-manager";

export const metadata: Metadata = { title: "Knowledge base" };

export default async function KnowledgePage() {
  const staff = await currentStaff();
  const { documents, editable } = await withTenant(staff.claims, async (tx) => ({
    documents: await listSources(tx),
    editable: await canManageKnowledge(tx),
  }));
  return (
    <>
      <PageHeader title="Knowledge base" description="What the assistant answers from. New and changed documents are indexed in the background." />
      {editable ? null : (
        <Notice tone="info" className="mb-6">
          Only owners and admins can add or delete documents.
        </Notice>
      )}
      <KnowledgeManager initial={documents} editable={editable} />
    </>
  );
}
