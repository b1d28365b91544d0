package dev.nexus.testkit.contract;

import java.util.UUID;

/** Ids no other test uses, so contracts also run against a store shared by many tests. */
final class Unique {

  private Unique() {}

  /** {@code prefix} followed by a random suffix, a valid identifier. */
  static String id(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
  }
}
