package dev.nexus.authz.openfga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexus.core.error.ConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OpenFgaSettingsTest {

  private final OpenFgaSettings settings =
      OpenFgaSettings.of("http://localhost:8080", "01HSTORE", new OpenFgaCredentials.None());

  @Test
  void defaults_useTheLatestModelThreeRetriesAndNoCache() {
    assertThat(settings.modelId()).isEmpty();
    assertThat(settings.maxRetries()).isEqualTo(3);
    assertThat(settings.minimumRetryDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.checkCacheTtl()).isZero();
  }

  @Test
  void blankModelId_meansTheLatestModel() {
    assertThat(settings.withAuthorizationModelId(" ").modelId()).isEmpty();
  }

  @Test
  void apiUrlWithoutScheme_isRefused() {
    assertThatThrownBy(
            () -> OpenFgaSettings.of("localhost:8080", "s", new OpenFgaCredentials.None()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("http://");
  }

  @Test
  void outOfRangeValues_areRefused() {
    assertThatThrownBy(() -> settings.withRetries(16, Duration.ofMillis(1)))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> settings.withRetries(1, Duration.ZERO))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> settings.withCheckCache(Duration.ofMinutes(6)))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> settings.withRequestTimeout(Duration.ZERO))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void blankSecrets_areRefused() {
    assertThatThrownBy(() -> new OpenFgaCredentials.ApiToken(" "))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> new OpenFgaCredentials.ClientCredentials("iss", "aud", "id", ""))
        .isInstanceOf(ConfigurationException.class);
  }
}
