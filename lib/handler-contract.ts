/**
 * What the construct and the handler agree on, besides the API's rules (finspace-rules.ts). Imports nothing, so
 * the handler bundle can include it.
 */

/** The custom resource's type in the template. */
export const RESOURCE_TYPE = 'Custom::FinSpaceUserSettings';

/** The handler reads its role's ARN from here, to name the role in authorization failures. */
export const ROLE_ARN_ENV = 'FINSPACE_HANDLER_ROLE_ARN';

/** The resource property holding the settings applied on Delete. */
export const ON_DELETE_PROPERTY = 'onDelete';

/** The attribute (Fn::GetAtt) with the user id UpdateUser returned, also the physical id. */
export const USER_ID_ATTRIBUTE = 'userId';
