package io.digitloc.arch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The design rules of docs/ARCHITECTURE.md, checked on the compiled main classes: the core knows
 * nothing of Spark (or Hadoop), and no two packages depend on each other in a cycle.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.digitloc");

    @Test
    void theCoreIsFreeOfSparkAndHadoop() {
        noClasses().that().resideInAPackage("io.digitloc.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "org.apache.hadoop..", "scala..")
                .because("the core runs in any JVM: a Spark task, the CLI, a user's program")
                .check(MAIN);
    }

    @Test
    void theCoreDependsOnNoOtherPackageOfTheProject() {
        noClasses().that().resideInAPackage("io.digitloc.core..")
                .should().dependOnClassesThat().resideOutsideOfPackages("io.digitloc.core..", "java..", "javax..",
                        "org.deeplearning4j..", "org.nd4j..")
                .check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.digitloc.(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
