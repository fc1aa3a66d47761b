/**
 * Amazon FinSpace's lifecycle, as AWS states it, in one place: the synth-time warning and the handler's failure
 * reasons both say it. Imports nothing, so the handler bundle can include it.
 *
 * Sources: https://docs.aws.amazon.com/finspace/latest/data-api/amazon-finspace-end-of-support.html (end of support),
 * https://docs.aws.amazon.com/finspace/latest/data-api/fs-api-operations-by-topic.html and
 * https://docs.aws.amazon.com/finspace/latest/userguide/data-views.html (the Dataset Browser).
 */

/** The day AWS ended support for Amazon FinSpace; after it, FinSpace resources cannot be accessed. */
export const FINSPACE_END_OF_SUPPORT = '2026-10-07';

/** FinSpace's status in one sentence, for warnings and failure reasons. */
export const FINSPACE_STATUS =
  `AWS ended support for Amazon FinSpace on ${FINSPACE_END_OF_SUPPORT} (no new customers since 2025-10-07) and says FinSpace resources ` +
  'cannot be accessed after that date; the Dataset Browser, whose environments hold the users the FinSpace Data API manages, ' +
  'was announced as discontinued on 2024-11-29 (later given as 2025-03-26).';
