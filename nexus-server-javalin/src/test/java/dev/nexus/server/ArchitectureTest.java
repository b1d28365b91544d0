package dev.nexus.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the hexagon a hexagon. The server module sees every module, so its test class path holds
 * the production classes of all of them.
 */
class ArchitectureTest {

  private static final List<String> ADAPTERS =
      List.of(
          "dev.nexus.authz..",
          "dev.nexus.vault..",
          "dev.nexus.connectors.gmail..",
          "dev.nexus.connectors.notion..");

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.nexus");
  }

  @Test
  void core_dependsOnTheJdkAlone() {
    classes()
        .that()
        .resideInAPackage("dev.nexus.core..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "dev.nexus.core..")
        .check(production);
  }

  @Test
  void agentRuntime_importsNoThirdPartyPackage() {
    classes()
        .that()
        .resideInAPackage("dev.nexus.agent")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "dev.nexus.core..", "dev.nexus.agent")
        .check(production);
  }

  @Test
  void core_andRuntime_knowNoAdapter() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.nexus.core..", "dev.nexus.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.nexus.authz..",
            "dev.nexus.vault..",
            "dev.nexus.connectors..",
            "dev.nexus.server..",
            "dev.nexus.testkit..")
        .check(production);
  }

  @Test
  void adapters_doNotDependOnEachOther() {
    for (String adapter : ADAPTERS) {
      String[] others =
          ADAPTERS.stream().filter(a -> !a.equals(adapter)).toList().toArray(new String[0]);
      noClasses()
          .that()
          .resideInAPackage(adapter)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .orShould()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.nexus.agent..", "dev.nexus.server..", "dev.nexus.testkit..")
          .allowEmptyShould(true)
          .because("an adapter depends on nexus-core and its own client only")
          .check(production);
    }
  }
}
