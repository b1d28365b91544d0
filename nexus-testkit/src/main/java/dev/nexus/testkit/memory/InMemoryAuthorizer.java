package dev.nexus.testkit.memory;

import dev.nexus.core.authorization.Authorizer;
import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.Decision;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * An {@link Authorizer} and {@link RelationshipStore} held in memory, with a deliberately
 * simplified evaluator. It is NOT an OpenFGA implementation: the full Nexus model, with OpenFGA's
 * semantics (computed usersets, tuple-to-userset, intersection, exclusion, ...), is evaluated by
 * the embedded OpenFGA evaluator in nexus-authz ({@code dev.nexus.authz.local}). Use this one where
 * a test needs roles and a few object tuples and nothing more.
 *
 * <p>{@link #check} allows when any of these holds, counting the request's contextual tuples as
 * stored for that one check:
 *
 * <ul>
 *   <li>the exact tuple is stored; a {@code user:*} subject matches every user, and a userset
 *       subject ({@code group:eng#member}) matches whoever has that relation on that object;
 *   <li>the object is {@code organization:O}, the relation is a role ({@code admin}, {@code
 *       manager}, {@code member}, {@code guest}) and the subject holds that role or a higher one
 *       there (admin > manager > member > guest);
 *   <li>the object is {@code organization:O}, the relation is one of the capabilities in the table
 *       below, and the subject holds at least the capability's minimum role there.
 * </ul>
 *
 * <table>
 *   <caption>Minimum role per capability</caption>
 *   <tr><th>guest</th><td>can_read_mail, can_read_notion, can_create_notion_pages</td></tr>
 *   <tr><th>member</th><td>can_send_mail, can_modify_mail, can_update_notion_pages</td></tr>
 *   <tr><th>manager</th><td>can_approve_calls, can_view_audit</td></tr>
 *   <tr><th>admin</th><td>can_manage_members</td></tr>
 * </table>
 *
 * <p>It knows no types: a relation it has no rule for is simply not held (where the real evaluator
 * refuses a relation the model lacks). Thread-safe: writes are atomic under a write lock.
 */
public final class InMemoryAuthorizer implements Authorizer, RelationshipStore {

  /** The minimum role that holds each capability, matching the Nexus authorization model. */
  public static final Map<Capability, Role> CAPABILITY_MINIMUM_ROLE =
      Map.of(
          Capability.READ_MAIL, Role.GUEST,
          Capability.READ_NOTION, Role.GUEST,
          Capability.CREATE_NOTION_PAGES, Role.GUEST,
          Capability.SEND_MAIL, Role.MEMBER,
          Capability.MODIFY_MAIL, Role.MEMBER,
          Capability.UPDATE_NOTION_PAGES, Role.MEMBER,
          Capability.APPROVE_CALLS, Role.MANAGER,
          Capability.VIEW_AUDIT, Role.MANAGER,
          Capability.MANAGE_MEMBERS, Role.ADMIN);

  private static final Map<String, Role> MINIMUM_ROLE_BY_RELATION = byRelation();

  private static final int MAX_DEPTH = 25;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<ObjectRef, Set<RelationshipTuple>> byObject = new HashMap<>();

  @Override
  public void write(List<RelationshipTuple> writes, List<RelationshipTuple> deletes) {
    List<RelationshipTuple> added = List.copyOf(writes);
    List<RelationshipTuple> removed = List.copyOf(deletes);
    lock.writeLock().lock();
    try {
      for (RelationshipTuple tuple : removed) {
        Set<RelationshipTuple> on = byObject.get(tuple.object());
        if (on != null) {
          on.remove(tuple);
          if (on.isEmpty()) {
            byObject.remove(tuple.object());
          }
        }
      }
      for (RelationshipTuple tuple : added) {
        byObject.computeIfAbsent(tuple.object(), o -> new LinkedHashSet<>()).add(tuple);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<RelationshipTuple> read(ObjectRef object) {
    Objects.requireNonNull(object, "object");
    lock.readLock().lock();
    try {
      return List.copyOf(byObject.getOrDefault(object, Set.of()));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void scan(Consumer<RelationshipTuple> sink) {
    Objects.requireNonNull(sink, "sink");
    List<RelationshipTuple> all = new ArrayList<>();
    lock.readLock().lock();
    try {
      byObject.values().forEach(all::addAll);
    } finally {
      lock.readLock().unlock();
    }
    all.forEach(sink);
  }

  @Override
  public Decision check(CheckRequest request) {
    Objects.requireNonNull(request, "request");
    boolean allowed;
    lock.readLock().lock();
    try {
      allowed =
          holds(
              request.subject(),
              request.relation(),
              request.object(),
              request.contextualTuples(),
              new HashSet<>(),
              0);
    } finally {
      lock.readLock().unlock();
    }
    String question = request.relation() + " on " + request.object();
    return allowed
        ? Decision.allow(request.subject() + " has " + question)
        : Decision.deny(request.subject() + " does not have " + question);
  }

  @Override
  public List<ObjectRef> listObjects(SubjectRef subject, String relation, String type) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(relation, "relation");
    Objects.requireNonNull(type, "type");
    List<ObjectRef> found = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (ObjectRef object : byObject.keySet()) {
        if (object.type().equals(type)
            && holds(subject, relation, object, List.of(), new HashSet<>(), 0)) {
          found.add(object);
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return List.copyOf(found);
  }

  /** Evaluates under the read lock; {@code visiting} breaks cycles of usersets. */
  private boolean holds(
      SubjectRef subject,
      String relation,
      ObjectRef object,
      List<RelationshipTuple> contextual,
      Set<String> visiting,
      int depth) {
    String question = subject + " " + relation + " " + object;
    if (depth > MAX_DEPTH || !visiting.add(question)) {
      return false;
    }
    try {
      if (direct(subject, relation, object, contextual, visiting, depth)) {
        return true;
      }
      if (!Capability.ORGANIZATION_TYPE.equals(object.type())) {
        return false;
      }
      Optional<Role> needed = minimumRole(relation);
      if (needed.isEmpty()) {
        return false;
      }
      for (Role role : Role.values()) {
        if (role.includes(needed.get())
            && !role.wireName().equals(relation)
            && direct(subject, role.wireName(), object, contextual, visiting, depth)) {
          return true;
        }
      }
      return false;
    } finally {
      visiting.remove(question);
    }
  }

  private boolean direct(
      SubjectRef subject,
      String relation,
      ObjectRef object,
      List<RelationshipTuple> contextual,
      Set<String> visiting,
      int depth) {
    List<RelationshipTuple> candidates = new ArrayList<>(byObject.getOrDefault(object, Set.of()));
    for (RelationshipTuple tuple : contextual) {
      if (tuple.object().equals(object)) {
        candidates.add(tuple);
      }
    }
    for (RelationshipTuple tuple : candidates) {
      if (!tuple.relation().equals(relation)) {
        continue;
      }
      SubjectRef holder = tuple.subject();
      if (holder.equals(subject)) {
        return true;
      }
      if (holder.isWildcard()
          && holder.type().equals(subject.type())
          && subject.userset().isEmpty()) {
        return true;
      }
      if (holder.userset().isPresent()
          && holds(
              subject,
              holder.relation(),
              ObjectRef.of(holder.type(), holder.id()),
              contextual,
              visiting,
              depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /** The lowest role holding {@code relation} on an organization, if it is a role or capability. */
  private static Optional<Role> minimumRole(String relation) {
    for (Role role : Role.values()) {
      if (role.wireName().equals(relation)) {
        return Optional.of(role);
      }
    }
    return Optional.ofNullable(MINIMUM_ROLE_BY_RELATION.get(relation));
  }

  private static Map<String, Role> byRelation() {
    Map<String, Role> map = new HashMap<>();
    CAPABILITY_MINIMUM_ROLE.forEach((capability, role) -> map.put(capability.relation(), role));
    return Map.copyOf(map);
  }
}
