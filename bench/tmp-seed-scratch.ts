import { seedManyCaches } from "./lib/cache-seed";
import { createRunTenant } from "./lib/tenants";
const sizes = [...Array(10).fill(10000), 100000];
const tenants = [];
for (const [index, entries] of sizes.entries()) {
  const t = await createRunTenant("bench", { name: `scratch ${index}`, slug: `scratch-${index}`, keep: true });
  tenants.push({ id: t.id, index, entries });
}
console.log(await seedManyCaches(tenants, { adminUrl: process.env.DATABASE_ADMIN_URL!, log: console.log }));
console.log(JSON.stringify(tenants.map((t) => t.id)));
process.exit(0);
