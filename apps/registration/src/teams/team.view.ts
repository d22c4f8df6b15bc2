/** A team as the admin API shows it. */
export interface TeamView {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export const TEAM_COLUMNS = `id, name, description, created_at AS "createdAt", updated_at AS "updatedAt"`;
