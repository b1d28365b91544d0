package dev.nexus.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexus.core.vault.Pkce;
import org.junit.jupiter.api.Test;

class PkceTest {

  @Test
  void challenge_isUnpaddedBase64UrlOfSha256() {
    // Expected value computed independently with Python's hashlib and base64.
    assertThat(Pkce.challenge("nexus-test-verifier-0123456789-abcdefghijklm"))
        .isEqualTo("Hz1G08MflxJAKkyFp1chjRJSU-Y8zMgVqQqvOPQbxDA");
  }

  @Test
  void newVerifier_isFortyThreeUrlSafeCharacters() {
    String verifier = Pkce.newVerifier();

    assertThat(verifier).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(Pkce.newVerifier()).isNotEqualTo(verifier);
  }
}
