export { ApiAccess, END_OF_SUPPORT_WARNING_ID, FinSpaceUserSettings, FinSpaceUserType } from './finspace-user-settings';
export type { FinSpaceUserSettingsProps, FinSpaceUserSettingsValues } from './finspace-user-settings';
export { FinSpaceUserSettingsProvider, GET_PROGRAMMATIC_ACCESS_CREDENTIALS_ACTION } from './finspace-user-settings-provider';
export type { FinSpaceUserSettingsProviderProps, InvokeGuardrailOptions } from './finspace-user-settings-provider';
export { API_ACCESS_VALUES, USER_TYPE_VALUES, checkField } from './finspace-rules';
export { RESOURCE_TYPE } from './handler-contract';
