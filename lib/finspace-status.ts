/**
 * Amazon FinSpace's lifecycle, as AWS states it, for the synth-time warning and the handler's failure reasons (README,
 * When FinSpace is gone). Imports nothing (the handler bundle includes it).
 */

/**
 * The day AWS ended support for Amazon FinSpace; after it, FinSpace resources cannot be accessed.
 * https://docs.aws.amazon.com/finspace/latest/data-api/amazon-finspace-end-of-support.html
 */
export const FINSPACE_END_OF_SUPPORT = '2026-10-07';

/**
 * FinSpace's status in one sentence, for warnings and failure reasons. The Dataset Browser's end:
 * https://docs.aws.amazon.com/finspace/latest/data-api/fs-api-operations-by-topic.html and
 * https://docs.aws.amazon.com/finspace/latest/userguide/data-views.html
 */
export const FINSPACE_STATUS =
  `AWS ended support for Amazon FinSpace on ${FINSPACE_END_OF_SUPPORT} (no new customers since 2025-10-07) and says FinSpace resources ` +
  'cannot be accessed after that date; the Dataset Browser, whose environments hold the users the FinSpace Data API manages, ' +
  'was announced as discontinued on 2024-11-29 (later given as 2025-03-26).';
