export { ApiAccess, FinSpaceUserSettings, FinSpaceUserType } from './finspace-user-settings';
export type { FinSpaceUserSettingsProps, FinSpaceUserSettingsValues } from './finspace-user-settings';
export { FinSpaceUserSettingsProvider } from './finspace-user-settings-provider';
export type { FinSpaceUserSettingsProviderProps, IFinSpaceUserSettingsProvider } from './finspace-user-settings-provider';
