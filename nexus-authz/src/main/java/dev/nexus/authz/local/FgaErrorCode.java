package dev.nexus.authz.local;

/**
 * The OpenFGA error codes the embedded evaluator reports, with OpenFGA's numeric value and wire
 * name, so a fake OpenFGA server can answer exactly as OpenFGA does.
 */
public enum FgaErrorCode {
  VALIDATION_ERROR(2000, "validation_error"),
  AUTHORIZATION_MODEL_RESOLUTION_TOO_COMPLEX(2002, "authorization_model_resolution_too_complex"),
  CANNOT_ALLOW_DUPLICATE_TUPLES_IN_ONE_REQUEST(
      2004, "cannot_allow_duplicate_tuples_in_one_request"),
  WRITE_FAILED_DUE_TO_INVALID_INPUT(2017, "write_failed_due_to_invalid_input"),
  TYPE_NOT_FOUND(2021, "type_not_found"),
  RELATION_NOT_FOUND(2022, "relation_not_found"),
  INVALID_TUPLE(2027, "invalid_tuple"),
  INVALID_AUTHORIZATION_MODEL(2056, "invalid_authorization_model");

  private final int number;
  private final String wireName;

  FgaErrorCode(int number, String wireName) {
    this.number = number;
    this.wireName = wireName;
  }

  /** OpenFGA's numeric error code, for example 2002. */
  public int number() {
    return number;
  }

  /** OpenFGA's error code as it appears in the {@code code} field of an error body. */
  public String wireName() {
    return wireName;
  }
}
