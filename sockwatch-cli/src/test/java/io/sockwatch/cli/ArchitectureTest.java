package io.sockwatch.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core's boundary, checked on the compiled classes so that it stays: the CLI and the Kubernetes
 * module (and every later one) read the kernel, judge and watch only through the front door,
 * package {@code io.sockwatch}, and the records it returns, {@code io.sockwatch.model..};
 * everything else in the core is engine. The records depend on nothing but each other, the engine
 * never reaches up to the front door or a sink, and no two packages import each other.
 */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.sockwatch");

  /** The front door and its records: what a sink may use. */
  private static final String[] API = {"io.sockwatch", "io.sockwatch.model.."};

  /** Everything of the core behind the front door. */
  private static final DescribedPredicate<JavaClass> ENGINE =
      resideInAPackage("io.sockwatch..")
          .and(not(resideInAnyPackage(API)))
          .and(
              not(
                  resideInAnyPackage(
                      "io.sockwatch.cli..", "io.sockwatch.k8s..", "io.sockwatch.testkit..")))
          .as("are in the core's engine (any package but io.sockwatch and io.sockwatch.model..)");

  @Test
  void theCliUsesOnlyTheFrontDoorAndItsRecords() {
    noClasses()
        .that()
        .resideInAPackage("io.sockwatch.cli..")
        .should()
        .dependOnClassesThat(ENGINE)
        .because("the CLI goes through io.sockwatch's front door (README, Layout)")
        .check(MAIN);
  }

  @Test
  void theKubernetesModuleUsesOnlyTheFrontDoorItsRecordsAndItself() {
    noClasses()
        .that()
        .resideInAPackage("io.sockwatch.k8s..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.sockwatch..")
                .and(
                    not(
                        resideInAnyPackage(
                            "io.sockwatch", "io.sockwatch.model..", "io.sockwatch.k8s.."))))
        .because(
            "sockwatch-k8s is a sink like the CLI: the front door and its records, nothing of the"
                + " engine, the CLI or the test kit")
        .check(MAIN);
  }

  @Test
  void theKubernetesModuleIsOnTheClasspathThisTestChecks() {
    org.assertj.core.api.Assertions.assertThat(
            MAIN.stream().filter(c -> c.getPackageName().equals("io.sockwatch.k8s")).count())
        .as("classes of io.sockwatch.k8s imported, so the rule above checks something")
        .isGreaterThan(10);
  }

  @Test
  void recordsDependOnNothingButRecordsAndTheJdk() {
    classes()
        .that()
        .resideInAPackage("io.sockwatch.model..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("io.sockwatch.model..", "java..")
        .because("what the front door returns must not drag the engine along")
        .check(MAIN);
  }

  @Test
  void theEngineNeverReachesUpToTheFrontDoorOrASink() {
    noClasses()
        .that(ENGINE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.sockwatch", "io.sockwatch.cli..", "io.sockwatch.k8s..")
        .because("data flows one way: kernel, engine, front door, sinks")
        .check(MAIN);
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    slices()
        .matching("io.sockwatch.(**)")
        .should()
        .beFreeOfCycles()
        .because("a package cycle is a layer that is not one")
        .check(MAIN);
  }
}
