package dev.nexus.authz.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfga.language.DslToJsonTransformer;
import dev.openfga.language.errors.DslErrorsException;
import dev.openfga.language.errors.ParsingError;
import dev.openfga.language.errors.SyntaxError;
import dev.openfga.language.validation.ModelValidator;
import dev.openfga.sdk.api.model.AuthorizationModel;
import dev.openfga.sdk.api.model.Condition;
import dev.openfga.sdk.api.model.Metadata;
import dev.openfga.sdk.api.model.RelationMetadata;
import dev.openfga.sdk.api.model.RelationReference;
import dev.openfga.sdk.api.model.TypeDefinition;
import dev.openfga.sdk.api.model.Userset;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An OpenFGA authorization model (schema 1.1), parsed and compiled for the embedded evaluator.
 * Immutable and safe to share between threads.
 *
 * <p>Limitations: conditions ({@code [user with condition]}) are refused when the model is built,
 * naming the condition, because the evaluator has no CEL engine.
 */
public final class FgaModel {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final String schemaVersion;
  private final Map<String, Map<String, RelationDef>> types;

  private FgaModel(String schemaVersion, Map<String, Map<String, RelationDef>> types) {
    this.schemaVersion = schemaVersion;
    this.types = types;
  }

  /**
   * Parses and validates a model written in the OpenFGA DSL.
   *
   * @throws FgaException with {@link FgaErrorCode#INVALID_AUTHORIZATION_MODEL} when the text is not
   *     a valid model or uses conditions
   */
  public static FgaModel parse(String dsl) {
    Objects.requireNonNull(dsl, "dsl");
    DslToJsonTransformer.Result result;
    try {
      result = new DslToJsonTransformer().parseDsl(dsl);
    } catch (RuntimeException e) {
      throw invalid("the authorization model could not be parsed: " + e.getMessage(), e);
    }
    if (result.IsFailure()) {
      SyntaxError first = result.getErrors().get(0);
      throw invalid("the authorization model has a syntax error: " + first.getMessage(), null);
    }
    return of(result.getAuthorizationModel());
  }

  /**
   * Builds a model from its OpenFGA JSON form, as sent to {@code POST authorization-models}: an
   * object with {@code schema_version}, {@code type_definitions} and optionally {@code conditions}.
   *
   * @throws FgaException with {@link FgaErrorCode#INVALID_AUTHORIZATION_MODEL} when the JSON is not
   *     a valid model or uses conditions
   */
  public static FgaModel fromJson(String json) {
    Objects.requireNonNull(json, "json");
    AuthorizationModel model;
    try {
      model = JSON.readValue(json, AuthorizationModel.class);
    } catch (IOException e) {
      throw invalid("the authorization model is not valid JSON", e);
    }
    return of(model);
  }

  /**
   * Builds a model from the OpenFGA SDK's representation.
   *
   * @throws FgaException with {@link FgaErrorCode#INVALID_AUTHORIZATION_MODEL} when the model is
   *     not valid or uses conditions
   */
  public static FgaModel of(AuthorizationModel model) {
    Objects.requireNonNull(model, "model");
    refuseConditions(model);
    String version = model.getSchemaVersion();
    if (!"1.1".equals(version) && !"1.2".equals(version)) {
      throw invalid(
          "the authorization model has schema version " + version + ", only 1.1 is supported",
          null);
    }
    if (model.getTypeDefinitions() == null || model.getTypeDefinitions().isEmpty()) {
      throw invalid("the authorization model defines no type", null);
    }
    try {
      ModelValidator.validateJson(model);
    } catch (DslErrorsException e) {
      throw invalid("the authorization model is not valid: " + describe(e.getErrors()), e);
    } catch (RuntimeException e) {
      throw invalid("the authorization model is not valid: " + e.getMessage(), e);
    }
    return compile(model);
  }

  /** The model's schema version, {@code 1.1}. */
  public String schemaVersion() {
    return schemaVersion;
  }

  /** The names of the model's types. */
  public Set<String> types() {
    return Collections.unmodifiableSet(types.keySet());
  }

  /** The names of the relations of {@code type}; empty when the type is not in the model. */
  public Set<String> relations(String type) {
    Map<String, RelationDef> relations = types.get(type);
    return relations == null ? Set.of() : Collections.unmodifiableSet(relations.keySet());
  }

  /** Whether the model has {@code relation} on {@code type}. */
  public boolean hasRelation(String type, String relation) {
    return relation(type, relation) != null;
  }

  boolean hasType(String type) {
    return types.containsKey(type);
  }

  RelationDef relation(String type, String relation) {
    Map<String, RelationDef> relations = types.get(type);
    return relations == null ? null : relations.get(relation);
  }

  private static void refuseConditions(AuthorizationModel model) {
    Map<String, Condition> conditions = model.getConditions();
    if (conditions != null && !conditions.isEmpty()) {
      throw invalid(
          "the authorization model defines condition '"
              + conditions.keySet().iterator().next()
              + "', and the embedded evaluator does not support conditions",
          null);
    }
    for (TypeDefinition type : nullToEmpty(model.getTypeDefinitions())) {
      for (RelationReference reference :
          directReferences(type).values().stream().flatMap(List::stream).toList()) {
        if (reference.getCondition() != null && !reference.getCondition().isEmpty()) {
          throw invalid(
              "the authorization model uses condition '"
                  + reference.getCondition()
                  + "' on type "
                  + type.getType()
                  + ", and the embedded evaluator does not support conditions",
              null);
        }
      }
    }
  }

  private static FgaModel compile(AuthorizationModel model) {
    Map<String, Map<String, RelationDef>> types = new LinkedHashMap<>();
    for (TypeDefinition definition : model.getTypeDefinitions()) {
      Names.intern(definition.getType());
      Map<String, List<RelationReference>> references = directReferences(definition);
      Map<String, RelationDef> relations = new LinkedHashMap<>();
      Map<String, Userset> rewrites =
          definition.getRelations() == null ? Map.of() : definition.getRelations();
      for (Map.Entry<String, Userset> entry : rewrites.entrySet()) {
        relations.put(
            entry.getKey(),
            relation(
                definition.getType(),
                entry.getKey(),
                entry.getValue(),
                references.getOrDefault(entry.getKey(), List.of())));
      }
      types.put(definition.getType(), relations);
    }
    FgaModel compiled = new FgaModel(model.getSchemaVersion(), types);
    compiled.link();
    return compiled;
  }

  private static RelationDef relation(
      String type, String name, Userset rewrite, List<RelationReference> references) {
    List<String> objects = new ArrayList<>();
    List<String> wildcards = new ArrayList<>();
    List<String> usersetTypes = new ArrayList<>();
    List<String> usersetRelations = new ArrayList<>();
    for (RelationReference reference : references) {
      if (reference.getWildcard() != null) {
        wildcards.add(reference.getType());
      } else if (reference.getRelation() != null && !reference.getRelation().isEmpty()) {
        usersetTypes.add(reference.getType());
        usersetRelations.add(reference.getRelation());
      } else {
        objects.add(reference.getType());
      }
    }
    // Names are interned, as in the in-memory index, so most comparisons are by identity.
    return new RelationDef(
        type.intern(),
        name.intern(),
        rewrite(type, name, rewrite),
        interned(objects),
        interned(wildcards),
        interned(usersetTypes),
        interned(usersetRelations));
  }

  private static Rewrite rewrite(String type, String name, Userset userset) {
    if (userset == null) {
      throw invalid("relation " + type + "#" + name + " has no definition", null);
    }
    if (userset.getThis() != null) {
      return Rewrite.Direct.INSTANCE;
    }
    if (userset.getComputedUserset() != null) {
      return new Rewrite.Computed(userset.getComputedUserset().getRelation());
    }
    if (userset.getTupleToUserset() != null) {
      return new Rewrite.TupleToUserset(
          userset.getTupleToUserset().getTupleset().getRelation(),
          userset.getTupleToUserset().getComputedUserset().getRelation());
    }
    if (userset.getUnion() != null) {
      return new Rewrite.Union(children(type, name, userset.getUnion().getChild()));
    }
    if (userset.getIntersection() != null) {
      return new Rewrite.Intersection(children(type, name, userset.getIntersection().getChild()));
    }
    if (userset.getDifference() != null) {
      return new Rewrite.Difference(
          rewrite(type, name, userset.getDifference().getBase()),
          rewrite(type, name, userset.getDifference().getSubtract()));
    }
    throw invalid("relation " + type + "#" + name + " has an empty definition", null);
  }

  private static Rewrite[] children(String type, String name, List<Userset> children) {
    if (children == null || children.isEmpty()) {
      throw invalid("relation " + type + "#" + name + " has an empty union or intersection", null);
    }
    Rewrite[] compiled = new Rewrite[children.size()];
    for (int i = 0; i < compiled.length; i++) {
      compiled[i] = rewrite(type, name, children.get(i));
    }
    return compiled;
  }

  /** Resolves every relation name in the compiled rewrites to its definition. */
  private void link() {
    for (Map<String, RelationDef> relations : types.values()) {
      for (RelationDef relation : relations.values()) {
        for (int i = 0; i < relation.usersetTypes.length; i++) {
          relation.usersetTargets[i] =
              relation(relation.usersetTypes[i], relation.usersetRelations[i]);
          if (relation.usersetTargets[i] == null) {
            throw invalid(
                "relation "
                    + relation
                    + " allows an undefined userset "
                    + relation.usersetTypes[i]
                    + "#"
                    + relation.usersetRelations[i],
                null);
          }
        }
        link(relation, relation.rewrite);
      }
    }
  }

  private void link(RelationDef owner, Rewrite rewrite) {
    if (rewrite instanceof Rewrite.Computed computed) {
      computed.target = relation(owner.type, computed.relation);
      if (computed.target == null) {
        throw invalid(
            "relation " + owner + " refers to undefined relation " + computed.relation, null);
      }
    } else if (rewrite instanceof Rewrite.TupleToUserset ttu) {
      ttu.tupleset = relation(owner.type, ttu.tuplesetRelation);
      if (ttu.tupleset == null) {
        throw invalid(
            "relation " + owner + " refers to undefined relation " + ttu.tuplesetRelation, null);
      }
      List<RelationDef> targets = new ArrayList<>();
      for (String type : ttu.tupleset.objectTypes) {
        RelationDef target = relation(type, ttu.computedRelation);
        if (target != null) {
          targets.add(target);
        }
      }
      ttu.targets = targets.toArray(RelationDef[]::new);
      ttu.targetTypes = targets.stream().mapToInt(target -> target.typeId).toArray();
    } else if (rewrite instanceof Rewrite.Union union) {
      for (Rewrite child : union.children) {
        link(owner, child);
      }
    } else if (rewrite instanceof Rewrite.Intersection intersection) {
      for (Rewrite child : intersection.children) {
        link(owner, child);
      }
    } else if (rewrite instanceof Rewrite.Difference difference) {
      link(owner, difference.base);
      link(owner, difference.subtract);
    }
  }

  private static Map<String, List<RelationReference>> directReferences(TypeDefinition type) {
    Metadata metadata = type.getMetadata();
    if (metadata == null || metadata.getRelations() == null) {
      return Map.of();
    }
    Map<String, List<RelationReference>> references = new HashMap<>();
    for (Map.Entry<String, RelationMetadata> entry : metadata.getRelations().entrySet()) {
      List<RelationReference> direct =
          entry.getValue() == null ? null : entry.getValue().getDirectlyRelatedUserTypes();
      references.put(entry.getKey(), direct == null ? List.of() : direct);
    }
    return references;
  }

  private static String[] interned(List<String> names) {
    return names.stream().map(String::intern).toArray(String[]::new);
  }

  private static String describe(List<? extends ParsingError> errors) {
    if (errors == null || errors.isEmpty()) {
      return "unknown error";
    }
    return errors.get(0).getMessage();
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static FgaException invalid(String message, Throwable cause) {
    return cause == null
        ? new FgaException(FgaErrorCode.INVALID_AUTHORIZATION_MODEL, message)
        : new FgaException(FgaErrorCode.INVALID_AUTHORIZATION_MODEL, message, cause);
  }
}
