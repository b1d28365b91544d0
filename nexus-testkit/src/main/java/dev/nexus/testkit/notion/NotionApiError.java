package dev.nexus.testkit.notion;

/** A Notion error answer the fake sends: {@code {"object":"error", status, code, message}}. */
final class NotionApiError extends RuntimeException {

  private final int status;
  private final String code;

  NotionApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static NotionApiError validation(String message) {
    return new NotionApiError(400, "validation_error", message);
  }

  static NotionApiError notFound(String kind, String id) {
    return new NotionApiError(
        404,
        "object_not_found",
        "Could not find "
            + kind
            + " with ID: "
            + id
            + ". Make sure the relevant pages and databases are shared with your integration.");
  }

  static NotionApiError restricted() {
    return new NotionApiError(
        403, "restricted_resource", "API token does not have access to this resource.");
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
