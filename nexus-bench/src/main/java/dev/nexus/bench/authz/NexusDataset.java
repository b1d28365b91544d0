package dev.nexus.bench.authz;

import dev.nexus.authz.NexusAuthorizationModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.RelationshipTuple;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.identity.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The benchmark's data under the Nexus model: organizations of {@value #USERS_PER_ORGANIZATION}
 * users (user 0 admin, 1 manager, 2 to 7 members, 8 and 9 guests), each organization with one
 * document shared with its members ({@code organization:oN#member viewer document:dN}), so {@value
 * #TUPLES_PER_ORGANIZATION} tuples per organization.
 */
public final class NexusDataset {

  public static final int USERS_PER_ORGANIZATION = 10;
  public static final int TUPLES_PER_ORGANIZATION = USERS_PER_ORGANIZATION + 2;

  private NexusDataset() {}

  public static Role roleOf(int user) {
    if (user == 0) {
      return Role.ADMIN;
    }
    if (user == 1) {
      return Role.MANAGER;
    }
    return user <= 7 ? Role.MEMBER : Role.GUEST;
  }

  public static ObjectRef organization(int organization) {
    return ObjectRef.of("organization", "o" + organization);
  }

  public static ObjectRef document(int organization) {
    return ObjectRef.of("document", "d" + organization);
  }

  public static SubjectRef user(int organization, int user) {
    return SubjectRef.of("user", "u" + organization + "-" + user);
  }

  /** Hands {@code sink} every tuple of {@code organizations} organizations. */
  public static void forEachTuple(int organizations, Consumer<RelationshipTuple> sink) {
    for (int o = 0; o < organizations; o++) {
      ObjectRef organization = organization(o);
      for (int u = 0; u < USERS_PER_ORGANIZATION; u++) {
        sink.accept(new RelationshipTuple(user(o, u), roleOf(u).wireName(), organization));
      }
      ObjectRef document = document(o);
      sink.accept(
          new RelationshipTuple(
              SubjectRef.of("organization", organization.id()), "organization", document));
      sink.accept(
          new RelationshipTuple(SubjectRef.userset(organization, "member"), "viewer", document));
    }
  }

  /** An embedded evaluator of the Nexus model holding {@code organizations} organizations. */
  public static LocalFgaAuthorizer load(int organizations) {
    LocalFgaAuthorizer fga = NexusAuthorizationModel.embeddedAuthorizer();
    List<RelationshipTuple> batch = new ArrayList<>(10_000);
    forEachTuple(
        organizations,
        tuple -> {
          batch.add(tuple);
          if (batch.size() == 10_000) {
            fga.write(batch, List.of());
            batch.clear();
          }
        });
    fga.write(batch, List.of());
    return fga;
  }
}
