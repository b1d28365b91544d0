package dev.nexus.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.authorization.Capability;
import dev.nexus.core.identity.Role;
import dev.nexus.core.tool.Parameter;
import dev.nexus.core.tool.Tool;
import dev.nexus.core.tool.ToolSpec;
import dev.nexus.core.tool.Toolkit;
import dev.nexus.core.vault.OAuthProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Toolkit} must offer the agent: well-described tools with unique names, each
 * needing a capability of the Nexus model, and an OAuth provider asking for some scopes when it has
 * one. It checks the declarations only; each connector tests its tools' behaviour itself.
 */
public abstract class ToolkitContract {

  private Toolkit toolkit;

  /** The toolkit under test. */
  protected abstract Toolkit createToolkit();

  @BeforeEach
  void setUp() {
    toolkit = createToolkit();
  }

  @Test
  void name_isAShortLowerCaseWord() {
    assertThat(toolkit.name()).matches("[a-z][a-z0-9-]{0,31}");
  }

  @Test
  void tools_haveUniqueNames() {
    List<String> names = specs().stream().map(ToolSpec::name).toList();

    assertThat(names).isNotEmpty().doesNotHaveDuplicates();
  }

  @Test
  void tools_andTheirParameters_areDescribedForTheModel() {
    for (ToolSpec spec : specs()) {
      assertThat(spec.description()).as(spec.name()).isNotBlank();
      for (Parameter parameter : spec.parameters().parameters()) {
        assertThat(parameter.description()).as(spec.name() + "." + parameter.name()).isNotBlank();
      }
    }
  }

  @Test
  void tools_needACapabilityOfTheModel() {
    Set<Capability> known = new HashSet<>(AuthorizerContract.CAPABILITIES.get(Role.ADMIN));

    for (ToolSpec spec : specs()) {
      assertThat(known).as(spec.name()).contains(spec.capability());
    }
  }

  @Test
  void tools_answerTheSameSpecEveryTime() {
    List<ToolSpec> first = specs();
    List<ToolSpec> second = specs();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void oauthProvider_whenPresent_asksForSomeScopes() {
    for (OAuthProvider provider : toolkit.oauthProvider().stream().toList()) {
      assertThat(provider.scopes()).isNotEmpty();
      assertThat(provider.provider()).isNotNull();
    }
  }

  private List<ToolSpec> specs() {
    return toolkit.tools().stream().map(Tool::spec).toList();
  }
}
