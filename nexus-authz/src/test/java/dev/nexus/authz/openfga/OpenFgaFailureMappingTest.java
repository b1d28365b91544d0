package dev.nexus.authz.openfga;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.error.ConfigurationException;
import dev.nexus.core.error.ConflictException;
import dev.nexus.core.error.InvalidInputException;
import dev.nexus.core.error.ProviderException;
import dev.nexus.core.error.RetriableException;
import dev.openfga.sdk.errors.ApiException;
import dev.openfga.sdk.errors.FgaError;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** How SDK failures become Nexus exceptions, one status at a time. */
class OpenFgaFailureMappingTest {

  private static FgaError error(int status, String code, String message, String retryAfter) {
    FgaError error =
        new FgaError("sdk text", status, HttpHeaders.of(Map.of(), (a, b) -> true), "{}");
    error.setApiErrorCode(code);
    error.setApiErrorMessage(message);
    error.setRetryAfterHeader(retryAfter);
    return error;
  }

  @Test
  void validationError_isInvalidInputWithOpenFgasCodeAndMessage() {
    FgaError cause = error(400, "validation_error", "relation 'x' not found", null);

    RuntimeException mapped = OpenFgaAuthorizer.failure("check", new ExecutionException(cause));

    assertThat(mapped)
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("OpenFGA check failed with HTTP 400 (validation_error): relation 'x' not found")
        .hasCause(cause);
  }

  @Test
  void unknownModel_isAConfigurationProblem() {
    RuntimeException mapped =
        OpenFgaAuthorizer.failure(
            "check", error(400, "authorization_model_not_found", "Authorization Model", null));

    assertThat(mapped).isInstanceOf(ConfigurationException.class);
  }

  @Test
  void authenticationFailures_areConfigurationProblems() {
    for (int status : List.of(401, 403)) {
      assertThat(OpenFgaAuthorizer.failure("write", error(status, "unauthenticated", "", null)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("credentials");
    }
  }

  @Test
  void unknownStore_isAConfigurationProblem() {
    assertThat(
            OpenFgaAuthorizer.failure(
                "read", error(404, "store_id_not_found", "store_id not found", null)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("store");
  }

  @Test
  void conflict_isAConflict() {
    assertThat(OpenFgaAuthorizer.failure("write", error(409, "aborted", "", null)))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void rateLimit_isRetriableWithTheServersWait() {
    RuntimeException mapped =
        OpenFgaAuthorizer.failure(
            "check", new CompletionException(error(429, "rate_limit_exceeded", "", "7")));

    assertThat(mapped)
        .isInstanceOfSatisfying(
            RetriableException.class,
            e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
  }

  @Test
  void serverErrors_areRetriableExceptNotImplemented() {
    assertThat(OpenFgaAuthorizer.failure("check", error(503, "unavailable", "", null)))
        .isInstanceOf(RetriableException.class);
    assertThat(OpenFgaAuthorizer.failure("check", error(500, "internal_error", "", null)))
        .isInstanceOf(RetriableException.class);
    assertThat(OpenFgaAuthorizer.failure("check", error(501, "unimplemented", "", null)))
        .isInstanceOf(ProviderException.class);
  }

  @Test
  void networkFailures_areRetriable() {
    assertThat(OpenFgaAuthorizer.failure("check", new ConnectException("refused")))
        .isInstanceOf(RetriableException.class)
        .hasMessage("OpenFGA could not be reached for check");
    assertThat(OpenFgaAuthorizer.failure("check", new ApiException(new ConnectException("x"))))
        .isInstanceOf(RetriableException.class);
  }

  @Test
  void messages_neverCarryTheSdksOwnText() {
    RuntimeException mapped =
        OpenFgaAuthorizer.failure("check", error(503, "unavailable", "", null));

    assertThat(mapped.getMessage()).doesNotContain("sdk text");
  }
}
