package dev.nexus.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.nexus.misplaced.MisplacedWiring;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

  /** The packages allowed to combine adapters: the composition root and the test tooling. */
  private static final String[] COMBINERS = {
    "dev.nexus.server..", "dev.nexus.testkit..", "dev.nexus.bench.."
  };

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

  @Test
  void onlyTheServerTestkitAndBench_dependOnSeveralAdapters() {
    severalAdaptersRule().check(production);
  }

  @Test
  void severalAdaptersRule_failsForAClassElsewhereThatCombinesTwoAdapters() {
    JavaClasses classes =
        new ClassFileImporter().importClasses(MisplacedWiring.class, Wiring.class);

    assertThat(adaptersOf(classes.get(Wiring.class))).hasSizeGreaterThanOrEqualTo(2);
    assertThat(adaptersOf(classes.get(MisplacedWiring.class)))
        .containsExactly("dev.nexus.authz", "dev.nexus.vault");
    assertThatThrownBy(() -> severalAdaptersRule().check(classes))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(MisplacedWiring.class.getName())
        .hasMessageNotContaining("<" + Wiring.class.getName() + ">");
  }

  /** Classes touching two or more adapters (their own counts) live where wiring belongs. */
  private static ArchRule severalAdaptersRule() {
    return classes()
        .that(dependOnSeveralAdapters())
        .should()
        .resideInAnyPackage(COMBINERS)
        .allowEmptyShould(true)
        .because("only the server wires adapters together (the testkit and bench do for tests)");
  }

  private static DescribedPredicate<JavaClass> dependOnSeveralAdapters() {
    return new DescribedPredicate<>("depend on two or more adapters") {
      @Override
      public boolean test(JavaClass javaClass) {
        return adaptersOf(javaClass).size() >= 2;
      }
    };
  }

  /** The adapters (by root package) a class belongs to or depends on directly. */
  private static Set<String> adaptersOf(JavaClass javaClass) {
    Set<String> adapters = new TreeSet<>();
    adapterOf(javaClass).ifPresent(adapters::add);
    for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
      adapterOf(dependency.getTargetClass()).ifPresent(adapters::add);
    }
    return adapters;
  }

  private static Optional<String> adapterOf(JavaClass javaClass) {
    String name = javaClass.getPackageName();
    return ADAPTERS.stream()
        .map(pattern -> pattern.substring(0, pattern.length() - 2))
        .filter(root -> name.equals(root) || name.startsWith(root + "."))
        .findFirst();
  }
}
