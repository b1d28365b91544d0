package dev.nexus.authz;

import dev.nexus.authz.local.FgaModel;
import dev.nexus.authz.local.LocalFgaAuthorizer;
import dev.nexus.core.authorization.RelationshipStore;
import dev.nexus.core.error.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Nexus authorization model, an OpenFGA DSL file shipped in this module ({@value #RESOURCE}).
 * Both the OpenFGA adapter and the embedded evaluator use it; docs/authorization.md explains it
 * relation by relation.
 */
public final class NexusAuthorizationModel {

  /** The class-path resource holding the model's DSL. */
  public static final String RESOURCE = "/dev/nexus/authz/nexus-model.fga";

  public static final String USER = "user";
  public static final String ORGANIZATION = "organization";
  public static final String CONNECTION = "connection";
  public static final String DOCUMENT = "document";
  public static final String APPROVAL = "approval";

  /** The relation linking a connection, document or approval to its organization. */
  public static final String ORGANIZATION_RELATION = "organization";

  private static final String DSL = load();
  private static volatile FgaModel compiled;

  private NexusAuthorizationModel() {}

  /** The model in OpenFGA's DSL, as shipped. */
  public static String dsl() {
    return DSL;
  }

  /** The model parsed and compiled for the embedded evaluator (parsed once, then shared). */
  public static FgaModel model() {
    FgaModel model = compiled;
    if (model == null) {
      model = FgaModel.parse(DSL);
      compiled = model;
    }
    return model;
  }

  /** An embedded evaluator of the Nexus model over an empty in-memory index. */
  public static LocalFgaAuthorizer embeddedAuthorizer() {
    return new LocalFgaAuthorizer(model());
  }

  /**
   * An embedded evaluator of the Nexus model on top of a durable store: it loads every tuple of
   * {@code durable} now and writes through it.
   */
  public static LocalFgaAuthorizer embeddedAuthorizer(RelationshipStore durable) {
    return LocalFgaAuthorizer.writingThrough(model(), durable);
  }

  private static String load() {
    try (InputStream in = NexusAuthorizationModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new ConfigurationException(
            "the authorization model resource " + RESOURCE + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("the authorization model resource could not be read", e);
    }
  }
}
