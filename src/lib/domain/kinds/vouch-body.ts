import * as v from 'valibot';
import { authorKey } from './fields.ts';

// The body schema of a vouch record (kinds/vouch.ts holds its rule).

export const VouchBodySchema = v.strictObject({ member: authorKey });
export type VouchBody = v.InferOutput<typeof VouchBodySchema>;
