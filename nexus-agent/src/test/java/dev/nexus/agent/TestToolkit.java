package dev.nexus.agent;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.authorization.CheckRequest;
import dev.nexus.core.authorization.ObjectRef;
import dev.nexus.core.authorization.SubjectRef;
import dev.nexus.core.error.OutcomeUnknownException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.identity.Principal;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.ParameterSchema;
import dev.nexus.core.tool.RiskClass;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolArguments;
import dev.nexus.core.tool.ToolContext;
import dev.nexus.core.tool.ToolResult;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.OAuthProvider;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A toolkit of plain in-process tools that record every execution, so tests can count exactly how
 * often a call ran and as whom. {@code read_mail} and {@code send_mail} can be told to fail, or to
 * end with an unknown outcome, as a real connector's call can.
 */
final class TestToolkit implements Toolkit {

  /** How a tool's execution ends. */
  enum Outcome {
    /** The tool does its work and answers success. */
    SUCCEED,
    /** The tool throws a provider error: nothing happened. */
    FAIL,
    /** The tool throws {@link OutcomeUnknownException}: the request left, the answer never came. */
    OUTCOME_UNKNOWN
  }

  static final String FAILURE_MESSAGE = "The mail provider refused the request (HTTP 400).";
  static final String UNKNOWN_MESSAGE = "The mail provider did not answer after the request left.";

  final AtomicInteger reads = new AtomicInteger();
  volatile Outcome readOutcome = Outcome.SUCCEED;
  volatile Outcome sendOutcome = Outcome.SUCCEED;
  final AtomicInteger sends = new AtomicInteger();
  final ConcurrentLinkedQueue<String> sentBy = new ConcurrentLinkedQueue<>();
  final AtomicInteger pagesCreated = new AtomicInteger();
  volatile Function<ToolArguments, ToolResult> readMail =
      args -> ToolResult.success("3 messages: Lunch?, Invoice 42, Weekly report");

  private final List<Tool> tools =
      List.of(
          tool(
              new ToolSpec(
                  "read_mail",
                  "Reads the latest mail.",
                  ParameterSchema.of(Parameter.integer("count", "How many", false, 1, 50)),
                  Capability.READ_MAIL,
                  RiskClass.READ),
              (context, args) -> {
                reads.incrementAndGet();
                end(readOutcome);
                return readMail.apply(args);
              }),
          tool(
              new ToolSpec(
                  "send_mail",
                  "Sends a mail.",
                  ParameterSchema.of(
                      Parameter.requiredString("to", "Recipient"),
                      Parameter.requiredString("body", "Text")),
                  Capability.SEND_MAIL,
                  RiskClass.WRITE),
              (context, args) -> {
                sends.incrementAndGet();
                sentBy.add(context.principal().user().value());
                end(sendOutcome);
                return ToolResult.success("Sent to " + args.string("to"));
              }),
          tool(
              new ToolSpec(
                  "create_page",
                  "Creates a page.",
                  ParameterSchema.of(Parameter.requiredString("title", "Title")),
                  Capability.CREATE_NOTION_PAGES,
                  RiskClass.WRITE),
              (context, args) -> {
                pagesCreated.incrementAndGet();
                return ToolResult.success("Created " + args.string("title"));
              }),
          new Tool() {
            @Override
            public ToolSpec spec() {
              return new ToolSpec(
                  "read_document",
                  "Reads one document.",
                  ParameterSchema.of(Parameter.requiredString("id", "Document id")),
                  Capability.READ_NOTION,
                  RiskClass.READ);
            }

            @Override
            public List<CheckRequest> accessChecks(Principal principal, ToolArguments arguments) {
              return List.of(
                  CheckRequest.of(
                      SubjectRef.user(principal.user()),
                      "viewer",
                      ObjectRef.of("document", arguments.string("id"))));
            }

            @Override
            public ToolResult execute(ToolContext context, ToolArguments arguments) {
              return ToolResult.success("Document " + arguments.string("id"));
            }
          });

  @Override
  public String name() {
    return "test";
  }

  @Override
  public List<Tool> tools() {
    return tools;
  }

  @Override
  public Optional<OAuthProvider> oauthProvider() {
    return Optional.empty();
  }

  /** Throws as {@code outcome} says, or returns when the tool should succeed. */
  private static void end(Outcome outcome) {
    switch (outcome) {
      case SUCCEED -> {}
      case FAIL -> throw new ProviderException(FAILURE_MESSAGE);
      case OUTCOME_UNKNOWN -> throw new OutcomeUnknownException(UNKNOWN_MESSAGE);
    }
  }

  private interface Body {
    ToolResult run(ToolContext context, ToolArguments arguments);
  }

  private static Tool tool(ToolSpec spec, Body body) {
    return new Tool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public ToolResult execute(ToolContext context, ToolArguments arguments) {
        return body.run(context, arguments);
      }
    };
  }
}
