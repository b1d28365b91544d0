package dev.nexus.core.authorization;

import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Principal;

/**
 * A kind of action, named by a relation on the organization object of the authorization model (for
 * example {@code can_send_mail} on {@code organization:acme}). Which roles hold which capability is
 * decided by the model and its tuples, not by code.
 */
public record Capability(String relation) {

  public static final Capability READ_MAIL = new Capability("can_read_mail");
  public static final Capability SEND_MAIL = new Capability("can_send_mail");
  public static final Capability MODIFY_MAIL = new Capability("can_modify_mail");
  public static final Capability READ_NOTION = new Capability("can_read_notion");
  public static final Capability CREATE_NOTION_PAGES = new Capability("can_create_notion_pages");
  public static final Capability UPDATE_NOTION_PAGES = new Capability("can_update_notion_pages");
  public static final Capability APPROVE_CALLS = new Capability("can_approve_calls");
  public static final Capability MANAGE_MEMBERS = new Capability("can_manage_members");
  public static final Capability VIEW_AUDIT = new Capability("can_view_audit");

  /** The object type that capabilities are relations of. */
  public static final String ORGANIZATION_TYPE = "organization";

  public Capability {
    if (relation == null || !relation.matches("can_[a-z0-9_]{1,60}")) {
      throw new InvalidInputException("capability must be a relation named can_<action>");
    }
  }

  /** The object this capability is checked on, {@code organization:<id>}. */
  public static ObjectRef organizationObject(OrganizationId organization) {
    return ObjectRef.of(ORGANIZATION_TYPE, organization.value());
  }

  /** The check of this capability for a principal in their own organization. */
  public CheckRequest checkFor(Principal principal) {
    return CheckRequest.of(
        SubjectRef.user(principal.user()), relation, organizationObject(principal.organization()));
  }

  @Override
  public String toString() {
    return relation;
  }
}
