package dev.nexus.authz.auth0;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.identity.UserId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class Auth0TokenPolicyTest {

  @Test
  void forTenant_addsTheTrailingSlashAndTheKeyLocation() {
    Auth0TokenPolicy policy = Auth0TokenPolicy.forTenant("https://acme.eu.auth0.com", "api");

    assertThat(policy.issuer()).isEqualTo("https://acme.eu.auth0.com/");
    assertThat(policy.jwksUri()).hasToString("https://acme.eu.auth0.com/.well-known/jwks.json");
    assertThat(policy.leeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.maxTokenLength()).isEqualTo(8192);
  }

  @Test
  void roleClaim_mustBeNamespaced() {
    Auth0TokenPolicy policy = Auth0TokenPolicy.forTenant("https://acme.auth0.com/", "api");

    assertThatThrownBy(() -> policy.withRoleClaim("role"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("namespaced");
    assertThat(policy.withRoleClaim("https://nexus.example/role").roleClaimName())
        .contains("https://nexus.example/role");
  }

  @Test
  void leewayAndSize_mustStayInRange() {
    Auth0TokenPolicy policy = Auth0TokenPolicy.forTenant("https://acme.auth0.com/", "api");

    assertThatThrownBy(() -> policy.withLeeway(Duration.ofMinutes(6)))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> policy.withLeeway(Duration.ofSeconds(-1)))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> policy.withMaxTokenLength(100))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void personalOrganizationId_isStablePerUserAndDistinctAcrossUsers() {
    assertThat(PersonalOrganizations.idFor(UserId.of("auth0|alice")))
        .isEqualTo(PersonalOrganizations.idFor(UserId.of("auth0|alice")))
        .isNotEqualTo(PersonalOrganizations.idFor(UserId.of("auth0|bob")));
    assertThat(PersonalOrganizations.idFor(UserId.of("auth0|alice")).value())
        .matches("personal-[0-9a-f]{32}");
  }
}
