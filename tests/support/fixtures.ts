import { randomUUID } from "node:crypto";
import { staffClaims, visitorClaims, type RequestClaims, type StaffRole } from "@/lib/db/claims";
import { withService } from "@/lib/db/tenant";
import { createStaffMember, createTenant } from "@/lib/tenants/provision";

export interface TestTenant {
  id: string;
  slug: string;
  widgetKey: string;
  owner: RequestClaims;
  ownerId: string;
  staff(role: StaffRole): Promise<RequestClaims>;
  visitor(conversationId?: string): RequestClaims;
}

/** A fresh tenant with an owner, provisioned the way the CLI does it. */
export async function createTestTenant(label = "t"): Promise<TestTenant> {
  const slug = `${label}-${randomUUID().slice(0, 8)}`.toLowerCase();
  const tenant = await withService((tx) => createTenant(tx, { name: `Tenant ${slug}`, slug }));
  const addStaff = async (role: StaffRole) => {
    const email = `${role}-${randomUUID().slice(0, 8)}@${slug}.test`;
    const { userId } = await withService((tx) =>
      createStaffMember(tx, { tenantId: tenant.id, email, password: null, role }),
    );
    return { userId, claims: staffClaims({ userId, tenantId: tenant.id, role, email }) };
  };
  const owner = await addStaff("owner");
  return {
    id: tenant.id,
    slug,
    widgetKey: tenant.widgetKey,
    owner: owner.claims,
    ownerId: owner.userId,
    staff: async (role) => (await addStaff(role)).claims,
    visitor: (conversationId = randomUUID()) => visitorClaims({ tenantId: tenant.id, conversationId }),
  };
}
