/**
 * A mistake in how a command was called: the CLI prints the message and a pointer to the command's
 * help (`hint`, when the command words it in the caller's language), and exits 2.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}
