package dev.nexus.testkit.contract;

import dev.nexus.core.authorization.Capability;
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

/** Runs the toolkit contract on a two-tool sample toolkit defined here, as a check of it. */
class SampleToolkitContractTest extends ToolkitContract {

  @Override
  protected Toolkit createToolkit() {
    return new Toolkit() {
      @Override
      public String name() {
        return "sample";
      }

      @Override
      public List<Tool> tools() {
        return List.of(
            tool(
                new ToolSpec(
                    "sample_read",
                    "Reads a sample.",
                    ParameterSchema.of(Parameter.requiredString("id", "The sample id.")),
                    Capability.READ_MAIL,
                    RiskClass.READ)),
            tool(
                new ToolSpec(
                    "sample_send",
                    "Sends a sample.",
                    ParameterSchema.of(Parameter.stringArray("to", "The recipients.", true)),
                    Capability.SEND_MAIL,
                    RiskClass.WRITE)));
      }

      @Override
      public Optional<OAuthProvider> oauthProvider() {
        return Optional.empty();
      }
    };
  }

  private static Tool tool(ToolSpec spec) {
    return new Tool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public ToolResult execute(ToolContext context, ToolArguments arguments) {
        return ToolResult.success("sample");
      }
    };
  }
}
