package dev.nexus.authz.auth0;

import com.auth0.client.mgmt.ManagementApi;
import com.auth0.client.mgmt.core.ManagementApiException;
import com.auth0.client.mgmt.core.ManagementException;
import com.auth0.client.mgmt.core.OAuthTokenException;
import com.auth0.client.mgmt.core.OptionalNullable;
import com.auth0.client.mgmt.organizations.members.types.AssignOrganizationMemberRolesRequestContent;
import com.auth0.client.mgmt.organizations.members.types.DeleteOrganizationMemberRolesRequestContent;
import com.auth0.client.mgmt.organizations.types.CreateOrganizationMemberRequestContent;
import com.auth0.client.mgmt.organizations.types.DeleteOrganizationMembersRequestContent;
import com.auth0.client.mgmt.organizations.types.ListOrganizationMembersRequestParameters;
import com.auth0.client.mgmt.types.CreateOrganizationRequestContent;
import com.auth0.client.mgmt.types.ListRolesRequestParameters;
import com.auth0.client.mgmt.types.OrganizationMember;
import com.auth0.client.mgmt.types.OrganizationMemberRole;
import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.NotFoundException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.RetriableException;
import dev.nexus.core.identity.Membership;
import dev.nexus.core.identity.Organization;
import dev.nexus.core.identity.OrganizationDirectory;
import dev.nexus.core.identity.OrganizationId;
import dev.nexus.core.identity.Role;
import dev.nexus.core.identity.UserId;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Organizations and members kept in Auth0 through its Management API.
 *
 * <p>A Nexus organization id is either an Auth0 organization id ({@code org_...}, as Auth0 puts it
 * in the {@code org_id} claim) or an Auth0 organization name (lower-case letters, digits, {@code -}
 * and {@code _}, at most 50 characters), which is how organizations created from Nexus are named:
 * Auth0 chooses the ids itself. The display name is the Nexus organization name; whether it is
 * personal and when it was created are kept in the organization's metadata ({@code nexus_personal},
 * {@code nexus_created_at}). Roles are Auth0 roles named {@code admin}, {@code manager}, {@code
 * member} and {@code guest}, which must exist in the tenant; a member holds one of them.
 *
 * <p>Limitations: {@link #membership} and {@link #members} page through the whole member list (the
 * Management API has no single-member lookup), which is fine for teams, not for organizations of
 * tens of thousands. Organizations created in Auth0 outside Nexus report the epoch as their
 * creation time. A member holding no Nexus role is listed as a guest.
 */
public final class Auth0OrganizationDirectory implements OrganizationDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(Auth0OrganizationDirectory.class);

  private static final Pattern AUTH0_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,49}");
  private static final Pattern HTTP_STATUS = Pattern.compile("HTTP (\\d{3})");
  private static final String PERSONAL = "nexus_personal";
  private static final String CREATED_AT = "nexus_created_at";

  private final ManagementApi api;
  private final Map<Role, String> roleIds = new EnumMap<>(Role.class);

  /** A directory over an already built Management API client. */
  public Auth0OrganizationDirectory(ManagementApi api) {
    this.api = Objects.requireNonNull(api, "api");
  }

  /**
   * A directory for a tenant, authenticating with a machine-to-machine application's client
   * credentials (scopes: create/read/delete organizations, create/read/delete organization members
   * and member roles, read roles). {@code tenantUrl} is {@code https://TENANT} or a fake's base
   * URL. The client does not retry: callers see a {@link RetriableException} and decide.
   */
  public static Auth0OrganizationDirectory connect(
      String tenantUrl, String clientId, String clientSecret) {
    Objects.requireNonNull(tenantUrl, "tenantUrl");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientSecret, "clientSecret");
    String base = tenantUrl.replaceAll("/+$", "");
    ManagementApi api =
        ManagementApi.builder()
            .url(base + "/api/v2")
            .clientCredentials(clientId, clientSecret)
            .maxRetries(0)
            .timeout(10)
            .build();
    return new Auth0OrganizationDirectory(api);
  }

  @Override
  public Organization createIfAbsent(Organization organization) {
    Objects.requireNonNull(organization, "organization");
    Optional<Organization> existing = find(organization.id());
    if (existing.isPresent()) {
      return existing.get();
    }
    String name = auth0Name(organization.id());
    Map<String, OptionalNullable<String>> metadata = new HashMap<>();
    metadata.put(PERSONAL, OptionalNullable.of(Boolean.toString(organization.personal())));
    metadata.put(CREATED_AT, OptionalNullable.of(organization.createdAt().toString()));
    try {
      call(
          "create organization",
          () ->
              api.organizations()
                  .create(
                      CreateOrganizationRequestContent.builder()
                          .name(name)
                          .displayName(organization.name())
                          .metadata(metadata)
                          .build()));
      return organization;
    } catch (ConflictException e) {
      // Another caller created it between our lookup and our create: theirs is the one stored.
      return find(organization.id())
          .orElseThrow(() -> new RetriableException("the organization is being created"));
    }
  }

  @Override
  public Optional<Organization> find(OrganizationId id) {
    Objects.requireNonNull(id, "id");
    try {
      return Optional.of(load(id));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public Membership putMember(OrganizationId organization, UserId user, Role role) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(role, "role");
    String orgId = auth0Id(organization);
    call(
        "add member",
        () -> {
          api.organizations()
              .members()
              .create(
                  orgId,
                  CreateOrganizationMemberRequestContent.builder()
                      .addMembers(user.value())
                      .build());
          return null;
        });

    String wanted = roleId(role);
    List<String> stale = new ArrayList<>();
    boolean holdsWanted = false;
    for (com.auth0.client.mgmt.types.Role held :
        call(
            "list member roles",
            () ->
                api.organizations()
                    .members()
                    .roles()
                    .list(orgId, user.value())
                    .streamItems()
                    .toList())) {
      String heldId = held.getId().orElse("");
      if (heldId.equals(wanted)) {
        holdsWanted = true;
      } else if (nexusRole(held.getName().orElse("")).isPresent()) {
        stale.add(heldId);
      }
    }
    if (!stale.isEmpty()) {
      call(
          "remove member roles",
          () -> {
            api.organizations()
                .members()
                .roles()
                .delete(
                    orgId,
                    user.value(),
                    DeleteOrganizationMemberRolesRequestContent.builder().roles(stale).build());
            return null;
          });
    }
    if (!holdsWanted) {
      call(
          "assign member role",
          () -> {
            api.organizations()
                .members()
                .roles()
                .assign(
                    orgId,
                    user.value(),
                    AssignOrganizationMemberRolesRequestContent.builder().addRoles(wanted).build());
            return null;
          });
    }
    return new Membership(organization, user, role);
  }

  @Override
  public boolean removeMember(OrganizationId organization, UserId user) {
    if (membership(organization, user).isEmpty()) {
      return false;
    }
    String orgId = auth0Id(organization);
    call(
        "remove member",
        () -> {
          api.organizations()
              .members()
              .delete(
                  orgId,
                  DeleteOrganizationMembersRequestContent.builder()
                      .addMembers(user.value())
                      .build());
          return null;
        });
    return true;
  }

  @Override
  public Optional<Membership> membership(OrganizationId organization, UserId user) {
    Objects.requireNonNull(user, "user");
    return members(organization).stream().filter(m -> m.user().equals(user)).findFirst();
  }

  @Override
  public List<Membership> members(OrganizationId organization) {
    Objects.requireNonNull(organization, "organization");
    List<OrganizationMember> members;
    try {
      members = listMembers(auth0Id(organization));
    } catch (NotFoundException e) {
      return List.of();
    }
    List<Membership> result = new ArrayList<>();
    for (OrganizationMember member : members) {
      Optional<String> userId = member.getUserId();
      if (userId.isEmpty()) {
        continue;
      }
      Role role =
          member.getRoles().orElse(List.of()).stream()
              .map(OrganizationMemberRole::getName)
              .flatMap(Optional::stream)
              .map(Auth0OrganizationDirectory::nexusRole)
              .flatMap(Optional::stream)
              .max(Comparator.naturalOrder())
              .orElse(Role.GUEST);
      result.add(new Membership(organization, UserId.of(userId.get()), role));
    }
    result.sort(Comparator.comparing(m -> m.user().value()));
    return List.copyOf(result);
  }

  private List<OrganizationMember> listMembers(String orgId) {
    return call(
        "list members",
        () ->
            api.organizations()
                .members()
                .list(
                    orgId,
                    ListOrganizationMembersRequestParameters.builder()
                        .fields("user_id,roles")
                        .includeFields(true)
                        .take(50)
                        .build())
                .streamItems()
                .toList());
  }

  private Organization load(OrganizationId id) {
    String value = id.value();
    if (value.startsWith("org_")) {
      var found = call("get organization", () -> api.organizations().get(value));
      return toOrganization(
          id, found.getName(), found.getDisplayName(), found.getMetadata().orElse(Map.of()));
    }
    String name = auth0Name(id);
    var found = call("get organization by name", () -> api.organizations().getByName(name));
    return toOrganization(
        id, found.getName(), found.getDisplayName(), found.getMetadata().orElse(Map.of()));
  }

  private String auth0Id(OrganizationId id) {
    Objects.requireNonNull(id, "organization");
    if (id.value().startsWith("org_")) {
      return id.value();
    }
    String name = auth0Name(id);
    return call("get organization by name", () -> api.organizations().getByName(name))
        .getId()
        .orElseThrow(() -> new ProviderException("Auth0 answered an organization without an id"));
  }

  private static Organization toOrganization(
      OrganizationId id,
      Optional<String> name,
      Optional<String> displayName,
      Map<String, OptionalNullable<String>> metadata) {
    String shown = displayName.filter(s -> !s.isBlank()).or(() -> name).orElse(id.value());
    boolean personal = "true".equals(metadataValue(metadata, PERSONAL));
    Instant createdAt = Instant.EPOCH;
    String created = metadataValue(metadata, CREATED_AT);
    if (created != null) {
      try {
        createdAt = Instant.parse(created);
      } catch (DateTimeParseException e) {
        createdAt = Instant.EPOCH;
      }
    }
    return new Organization(id, shown, personal, createdAt);
  }

  private static String metadataValue(Map<String, OptionalNullable<String>> metadata, String key) {
    OptionalNullable<String> value = metadata.get(key);
    return value == null ? null : value.getValueOrNull();
  }

  private static String auth0Name(OrganizationId id) {
    if (id.value().startsWith("org_")) {
      throw new InvalidInputException(
          "Auth0 chooses organization ids (org_...) itself; create organizations by name");
    }
    if (!AUTH0_NAME.matcher(id.value()).matches()) {
      throw new InvalidInputException(
          "an organization id kept in Auth0 must be an Auth0 organization id (org_...) or 1 to 50"
              + " lower-case letters, digits, - and _");
    }
    return id.value();
  }

  private synchronized String roleId(Role role) {
    String cached = roleIds.get(role);
    if (cached != null) {
      return cached;
    }
    String id =
        call(
                "find role",
                () ->
                    api.roles()
                        .list(
                            ListRolesRequestParameters.builder()
                                .nameFilter(role.wireName())
                                .build())
                        .streamItems()
                        .toList())
            .stream()
            .filter(r -> r.getName().map(role.wireName()::equals).orElse(false))
            .map(r -> r.getId().orElse(null))
            .filter(Objects::nonNull)
            .findFirst()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "the Auth0 tenant has no role named " + role.wireName()));
    roleIds.put(role, id);
    return id;
  }

  private static Optional<Role> nexusRole(String auth0RoleName) {
    try {
      return Optional.of(Role.parse(auth0RoleName.toLowerCase(Locale.ROOT)));
    } catch (InvalidInputException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs one Management API call, mapping every Auth0 failure to a Nexus exception: 404 not found,
   * 409 conflict, 400 invalid input, 401/403 configuration (wrong credentials or scopes), 429 and
   * 5xx and network failures retriable, anything else a provider refusal. The cause is kept; the
   * message never carries Auth0's response body.
   */
  private <T> T call(String operation, Supplier<T> call) {
    long started = System.nanoTime();
    String outcome = "ok";
    try {
      return call.get();
    } catch (ManagementApiException e) {
      outcome = "http " + e.statusCode();
      throw mapStatus(operation, e.statusCode(), retryAfter(e), e);
    } catch (OAuthTokenException e) {
      outcome = "token failure";
      Matcher status = HTTP_STATUS.matcher(String.valueOf(e.getMessage()));
      if (status.find()) {
        int code = Integer.parseInt(status.group(1));
        if (code == 400 || code == 401 || code == 403) {
          throw new ConfigurationException(
              "Auth0 refused the management client credentials (HTTP " + code + ")", e);
        }
      }
      throw new RetriableException(
          "Auth0 management token could not be obtained for " + operation, null, e);
    } catch (ManagementException e) {
      outcome = "network failure";
      throw new RetriableException("Auth0 could not be reached to " + operation, null, e);
    } finally {
      LOG.debug(
          "auth0 management {}: {} in {} ms",
          operation,
          outcome,
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static RuntimeException mapStatus(
      String operation, int status, Duration retryAfter, Exception cause) {
    String what = "Auth0 " + operation + " failed with HTTP " + status;
    if (status == 404) {
      return new NotFoundException("the organization or member does not exist in Auth0", cause);
    }
    if (status == 409) {
      return new ConflictException(what + ": it already exists", cause);
    }
    if (status == 400) {
      return new InvalidInputException(what + ": Auth0 rejected the request", cause);
    }
    if (status == 401 || status == 403) {
      return new ConfigurationException(
          what + ": check the management client's credentials and scopes", cause);
    }
    if (status == 429 || status >= 500) {
      return new RetriableException(what, retryAfter, cause);
    }
    return new ProviderException(what, cause);
  }

  private static Duration retryAfter(ManagementApiException e) {
    Map<String, List<String>> headers = e.headers() == null ? Map.of() : e.headers();
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      if ("retry-after".equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
        try {
          return Duration.ofSeconds(Long.parseLong(header.getValue().get(0).trim()));
        } catch (NumberFormatException ignored) {
          return null;
        }
      }
    }
    return null;
  }
}
