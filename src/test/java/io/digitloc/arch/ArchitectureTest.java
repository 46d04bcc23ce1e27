package io.digitloc.arch;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The design rules of docs/architecture.md, checked on the compiled main classes. The layer block and
 * the "Spark?" column are read from the document itself, so the document and the code cannot drift
 * apart: change one, and this test asks for the other.
 */
class ArchitectureTest {
    private static final String ROOT = "io.digitloc";
    private static final Path DOC = Path.of("docs/architecture.md");
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** One arrow of the layer block: "eval → train, report, ..."; "core, io → nothing ..."; "cli → everything below". */
    private static final Pattern ARROW = Pattern.compile("([a-z]+(?:, [a-z]+)*)\\s+→\\s+(.+?)(?=\\s{2,}[a-z]+(?:, [a-z]+)*\\s+→|$)");

    /** Each package of the layer block and the packages it may use (null: every other one). */
    static Map<String, List<String>> layers() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("```\ncli ");
        String block = doc.substring(start + 4, doc.indexOf("```", start + 4));
        Map<String, List<String>> layers = new LinkedHashMap<>();
        for (String line : block.split("\n")) {
            Matcher m = ARROW.matcher(line.strip());
            while (m.find()) {
                String uses = m.group(2).replaceAll("\\(.*\\)", "").strip();
                List<String> allowed = uses.startsWith("everything") ? null
                        : uses.startsWith("nothing") ? List.of() : Arrays.asList(uses.split(",\\s*"));
                for (String p : m.group(1).split(",\\s*")) {
                    layers.put(p, allowed);
                }
            }
        }
        return layers;
    }

    /** The packages whose row in the package table says "no" in the Spark? column. */
    static List<String> sparkFree() throws IOException {
        List<String> free = new ArrayList<>();
        Matcher row = Pattern.compile("^\\| `([a-z]+)` \\|.*\\| (no[^|]*) \\|$", Pattern.MULTILINE)
                .matcher(Files.readString(DOC));
        while (row.find()) {
            free.add(row.group(1));
        }
        return free;
    }

    @Test
    void everyPackageUsesOnlyWhatTheLayerBlockListsForIt() throws IOException {
        Map<String, List<String>> layers = layers();
        assertThat(layers).as("the layer block of " + DOC).containsKeys("cli", "core", "config", "model", "platform");
        Architectures.LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String p : layers.keySet()) {
            rule = rule.layer(p).definedBy(ROOT + "." + p + "..");
        }
        for (Map.Entry<String, List<String>> e : layers.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            rule = e.getValue().isEmpty() ? rule.whereLayer(e.getKey()).mayNotAccessAnyLayer()
                    : rule.whereLayer(e.getKey()).mayOnlyAccessLayers(e.getValue().toArray(String[]::new));
        }
        rule.because("docs/architecture.md lists what each package may use").check(MAIN);
    }

    @Test
    void everyPackageOfTheCodeIsInTheLayerBlock() throws IOException {
        Map<String, List<String>> layers = layers();
        MAIN.stream().map(c -> c.getPackageName()).filter(p -> p.startsWith(ROOT + "."))
                .map(p -> p.substring(ROOT.length() + 1).split("\\.")[0]).distinct()
                .forEach(p -> assertThat(layers).as("docs/architecture.md's layer block").containsKey(p));
    }

    @Test
    void packagesMarkedWithoutSparkHaveNone() throws IOException {
        List<String> free = sparkFree();
        assertThat(free).contains("core", "config", "model", "platform", "report", "io", "cli");
        noClasses().that().resideInAnyPackage(free.stream().map(p -> ROOT + "." + p + "..").toArray(String[]::new))
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .because("docs/architecture.md marks them Spark-free")
                .check(MAIN);
    }

    @Test
    void theCoreIsFreeOfHadoop() {
        noClasses().that().resideInAPackage(ROOT + ".core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.hadoop..")
                .because("the core runs in any JVM: a Spark task, the CLI, a user's program")
                .check(MAIN);
    }

    @Test
    void theRegistryUsesSparkOnlyInItsJob() {
        noClasses().that().resideInAPackage(ROOT + ".registry..").and().haveSimpleNameNotEndingWith("Job")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .check(MAIN);
    }

    @Test
    void theCoreDependsOnNoOtherPackageOfTheProject() {
        noClasses().that().resideInAPackage(ROOT + ".core..")
                .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + ".core..", "java..", "javax..",
                        "org.deeplearning4j..", "org.nd4j..")
                .check(MAIN);
    }

    /** The command line only hands a session to the jobs: no other Spark API (docs/architecture.md, cli's row). */
    @Test
    void theCommandLineUsesNoSparkApiButTheSession() {
        noClasses().that().resideInAPackage(ROOT + ".cli..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAnyPackage("org.apache.spark..", "scala..")
                        .and(com.tngtech.archunit.base.DescribedPredicate.not(
                                JavaClass.Predicates.simpleName("SparkSession"))))
                .check(MAIN);
    }

    /**
     * No two classes of a package need each other, directly or round a loop (a nested class counts as its
     * outer class): each package reads in one direction too. One exception, DL4J's layer API: a layer's
     * configuration {@code X} builds its implementation {@code XLayer}, which reads its configuration.
     */
    @Test
    void noClassCyclesInsideAPackage() {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (JavaClass c : MAIN) {
            String from = topLevel(c);
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass target = d.getTargetClass();
                if (target.getPackageName().equals(c.getPackageName()) && target.getFullName().startsWith(ROOT)) {
                    String to = topLevel(target);
                    if (!to.equals(from)) {
                        uses.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    }
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (String a : uses.keySet()) {
            for (String b : uses.get(a)) {
                boolean dl4jLayer = b.equals(a + "Layer") || a.equals(b + "Layer");
                if (a.compareTo(b) < 0 && !dl4jLayer && reaches(uses, b, a)) {
                    cycles.add(a + " <-> " + b);
                }
            }
        }
        assertThat(cycles).as("classes of one package that depend on each other").isEmpty();
    }

    private static String topLevel(JavaClass c) {
        String name = c.getFullName();
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String to) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.equals(to)) {
                return true;
            }
            if (seen.add(c)) {
                todo.addAll(uses.getOrDefault(c, Set.of()));
            }
        }
        return false;
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }
}
