import * as v from 'valibot';
import { authorKey } from './fields.ts';
import { ROLE_ACTIONS } from './role.ts';

// The body schema of a role record (kinds/role.ts holds its rule).

export const RoleBodySchema = v.strictObject({
  action: v.picklist(ROLE_ACTIONS),
  member: authorKey,
});
export type RoleBody = v.InferOutput<typeof RoleBodySchema>;
