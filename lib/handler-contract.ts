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

/**
 * The id of the stack the handler belongs to (Ref AWS::StackId). The handler serves only events whose StackId is
 * this one and whose ResourceType is RESOURCE_TYPE; any other event is answered FAILED without a FinSpace call.
 */
export const STACK_ID_ENV = 'FINSPACE_HANDLER_STACK_ID';

/**
 * The AWS domain of the function's partition (Ref AWS::URLSuffix: amazonaws.com, amazonaws.com.cn, ...). The handler
 * answers only to an https ResponseURL on a host of that domain, as CloudFormation's pre-signed S3 URLs are.
 */
export const URL_SUFFIX_ENV = 'FINSPACE_HANDLER_URL_SUFFIX';

/**
 * An origin (scheme://host[:port]) of a local stand-in for CloudFormation (the local runner, LocalStack) whose
 * ResponseURLs the handler accepts too. Unset in a deployment to AWS.
 */
export const RESPONSE_URL_STAND_IN_ENV = 'FINSPACE_HANDLER_RESPONSE_URL_STAND_IN';

/**
 * The ServiceTimeout, in seconds, the construct gives every custom resource of the provider: the handler takes the
 * shorter of it and the one the event carries as how long CloudFormation waits for a request.
 */
export const SERVICE_TIMEOUT_ENV = 'FINSPACE_HANDLER_SERVICE_TIMEOUT';
