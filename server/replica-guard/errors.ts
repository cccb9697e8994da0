/** The refusal: exit non-zero, log at ERROR with this message. */
export class ReplicaGuardError extends Error {
  override name = 'ReplicaGuardError';
}
