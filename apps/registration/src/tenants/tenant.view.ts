/** A tenant as the admin API shows it. */
export interface TenantView {
  id: string;
  name: string;
  status: 'active' | 'suspended';
  createdAt: Date;
  updatedAt: Date;
}

export const TENANT_COLUMNS = `id, name, status, created_at AS "createdAt", updated_at AS "updatedAt"`;
