package dev.nexus.core.authorization;

import java.util.List;

/**
 * Answers relationship questions against the Nexus authorization model (an OpenFGA model). The
 * model decides what each role may do, so changing who may do what is a matter of tuples.
 */
public interface Authorizer {

  /**
   * Whether the subject has the relation on the object.
   *
   * @throws dev.nexus.core.error.RetriableException when the authorization service is unavailable
   * @throws dev.nexus.core.error.InvalidInputException when the request names a type or relation
   *     the model does not have
   */
  Decision check(CheckRequest request);

  /**
   * Checks several requests; the answer at index {@code i} belongs to the request at {@code i}. The
   * default asks one by one; adapters with a batch API override it.
   */
  default List<Decision> batchCheck(List<CheckRequest> requests) {
    return requests.stream().map(this::check).toList();
  }

  /**
   * The ids of every object of {@code type} on which the subject has the relation, in no particular
   * order; empty when there are none.
   */
  List<ObjectRef> listObjects(SubjectRef subject, String relation, String type);
}
