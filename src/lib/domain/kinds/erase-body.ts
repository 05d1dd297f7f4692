import * as v from 'valibot';
import { recordRef } from './fields.ts';

// The body schema of an erase record (kinds/erase.ts holds its rule).

export const EraseBodySchema = v.strictObject({ post: recordRef });
export type EraseBody = v.InferOutput<typeof EraseBodySchema>;
