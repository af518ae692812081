import { htcdsFields } from './codes.ts'

/**
 * The HTCDS 2.0 code lists as Relais uses them. Values are the standard's value names, verbatim
 * (they are what exports carry); labels are in `common/locales/<lang>/cases.json` under
 * `htcds.<field>.<value>`.
 */
export { htcdsFields }
export type HtcdsField = keyof typeof htcdsFields
export type HtcdsValue<F extends HtcdsField> = (typeof htcdsFields)[F]['values'][number]

export const traffickingTypes = htcdsFields.vic_TypeOfExploitation.values
export type TraffickingType = HtcdsValue<'vic_TypeOfExploitation'>

export const traffickingStatuses = htcdsFields.vic_TraffickingStatus.values
export type TraffickingStatus = HtcdsValue<'vic_TraffickingStatus'>

export const methodsOfControl = htcdsFields.vic_MethodsOfControl.values
export type MethodOfControl = HtcdsValue<'vic_MethodsOfControl'>

export const recruitmentMethods = htcdsFields.vic_MethodOfRecruitment.values
export type RecruitmentMethod = HtcdsValue<'vic_MethodOfRecruitment'>

/** ISIC Rev. 4 sections, as HTCDS names them (`A_AgricultureForestryAndFishing`, …). */
export const industries = htcdsFields.vic_ForcedLabourIndustry.values
export type Industry = HtcdsValue<'vic_ForcedLabourIndustry'>

export const onlinePlatforms = htcdsFields.vic_ExploitationWebsitesAndApps.values
export type OnlinePlatform = HtcdsValue<'vic_ExploitationWebsitesAndApps'>

export type HtcdsRelationship = HtcdsValue<'vic_RelationshipToTrafficker'>
export type HtcdsCaseStatus = HtcdsValue<'cas_Status'>

/**
 * The genders a person may give: HTCDS's list without `NonSpecifiedUnknown`, which Relais records as
 * the answer state `unknown` (and exports under that name); a refusal is the state `declined`.
 */
export const genders = htcdsFields.prs_Gender.values.filter(
  (value): value is Exclude<HtcdsValue<'prs_Gender'>, 'NonSpecifiedUnknown'> =>
    value !== 'NonSpecifiedUnknown',
)
export type Gender = (typeof genders)[number]
