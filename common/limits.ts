/** Limits shared by the API and the UI, so both enforce the same numbers. */
export const limits = {
  passwordMinLength: 12,
  passwordMaxLength: 256,
  emailMaxLength: 254,
  displayNameMaxLength: 120,
  totpCodeLength: 6,
  auditPageSize: 100,
  /** One web chat message, and one advocate's reply. */
  chatMessageMaxLength: 2000,
} as const
