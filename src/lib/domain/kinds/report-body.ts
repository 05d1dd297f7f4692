import * as v from 'valibot';
import { recordRef } from './fields.ts';
import { MODERATION_REASONS } from './moderation.ts';

// The body schema of a report record (kinds/report.ts holds its rule).

export const ReportBodySchema = v.strictObject({ post: recordRef, reason: v.picklist(MODERATION_REASONS) });
export type ReportBody = v.InferOutput<typeof ReportBodySchema>;
