package io.digitloc.docs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import io.digitloc.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user documentation (README.md and docs/*.md) against the repository and the code: the paths it names
 * exist, its links resolve, the commands it shows use subcommands and options the CLI has, the README stays
 * short, docs/configuration.md lists exactly the settings of conf/pipeline.conf with their defaults, and
 * docs/cli.md lists each subcommand's options. Each check is a static method over text, so that
 * {@link DocsCheckSelfTest} can show that it fails on a broken page.
 */
class DocsTest {
    static final int README_MAX_LINES = 200;
    private static final Pattern FENCE = Pattern.compile("(?ms)^```[^\\n]*\\n(.*?)^```");
    private static final Pattern INLINE = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern REPO_PATH = Pattern.compile("^(?:\\./)?((?:conf|scripts|docs|src)/[A-Za-z0-9_./-]*)$");
    private static final Pattern COMMAND = Pattern.compile(
            "(?:scripts/digitloc|submit\\.sh)\\s+((?:[^\\n\\\\#|;&]|\\\\\\n)*)");
    private static final Pattern CONFIG_ROW = Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\| `([^`]*)` \\|");
    private static final Pattern SECTION = Pattern.compile("(?m)^## ([a-z]+)\\s*$");

    static Path root() {
        return Path.of("").toAbsolutePath();
    }

    static List<Path> pages() {
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            List<Path> pages = new ArrayList<>();
            pages.add(root().resolve("README.md"));
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            return pages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the checks, each over one page's text ----

    /** Repository paths in inline code, code blocks and links that do not exist (relative to the repository). */
    static List<String> missingPaths(String text, Path repo) {
        List<String> missing = new ArrayList<>();
        for (String token : codeTokens(text)) {
            Matcher m = REPO_PATH.matcher(token.replaceAll("[.,:;)]+$", ""));
            if (m.matches() && !isPattern(m.group(1)) && !Files.exists(repo.resolve(m.group(1)))) {
                missing.add(m.group(1));
            }
        }
        return missing;
    }

    /** Relative links whose file, or whose #anchor in a markdown file, does not exist. */
    static List<String> brokenLinks(String text, Path page) {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(withoutCode(text));
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("^[a-z]+:.*")) {
                continue; // http:, https:, mailto:
            }
            String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
            String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
            Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
            if (!Files.exists(resolved)) {
                broken.add(target + " (no such file)");
            } else if (anchor != null && resolved.toString().endsWith(".md")
                    && !anchors(read(resolved)).contains(anchor)) {
                broken.add(target + " (no such heading)");
            }
        }
        return broken;
    }

    /** {@code scripts/digitloc SUB --option} in code whose subcommand or option the CLI does not have. */
    static List<String> unknownCommandLine(String text, Map<String, Set<String>> cli) {
        List<String> unknown = new ArrayList<>();
        for (String code : codeSpans(text)) {
            Matcher m = COMMAND.matcher(code);
            while (m.find()) {
                String[] words = m.group(1).replace("\\\n", " ").trim().split("\\s+");
                int sub = firstSubcommand(words, cli);
                if (sub < 0) {
                    if (words.length > 0 && !words[0].isEmpty() && !words[0].startsWith("-")
                            && !words[0].startsWith("<") && !words[0].startsWith("[") && !words[0].startsWith("...")) {
                        unknown.add("no subcommand " + words[0]);
                    }
                    continue;
                }
                for (int i = sub + 1; i < words.length; i++) {
                    String option = words[i].replaceAll("^[\"']|=.*$|[\"'`.,)]+$", "");
                    if (option.startsWith("--") && !option.equals("--") && !cli.get(words[sub]).contains(option)) {
                        unknown.add(words[sub] + " " + option);
                    }
                }
            }
        }
        return unknown;
    }

    /** The differences between a configuration page's rows and a HOCON file's settings (key and default). */
    static List<String> configurationDifferences(String page, Config conf) {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = CONFIG_ROW.matcher(page);
        while (row.find()) {
            documented.put(row.group(1), row.group(2));
        }
        Map<String, String> inConf = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : conf.entrySet()) {
            inConf.put(e.getKey(), render(e.getValue()));
        }
        List<String> diff = new ArrayList<>();
        inConf.forEach((k, v) -> {
            if (!documented.containsKey(k)) {
                diff.add(k + " is not documented");
            } else if (!sameValue(documented.get(k), v)) {
                diff.add(k + ": documented default " + documented.get(k) + ", the file's " + v);
            }
        });
        documented.keySet().stream().filter(k -> !inConf.containsKey(k)).forEach(k -> diff.add(k + " is not in the file"));
        return diff;
    }

    /** Per "## subcommand" section of docs/cli.md: its "Options:" list against the CLI's options. */
    static List<String> cliPageDifferences(String page, Map<String, Set<String>> cli) {
        List<String> diff = new ArrayList<>();
        Map<String, String> sections = sections(page);
        for (String sub : cli.keySet()) {
            String section = sections.get(sub);
            if (section == null) {
                diff.add("no section for " + sub);
                continue;
            }
            Matcher list = Pattern.compile("(?s)\\nOptions: (.*?)\\.\\n").matcher(section);
            Set<String> listed = new TreeSet<>();
            if (list.find()) {
                Matcher o = INLINE.matcher(list.group(1));
                while (o.find()) {
                    listed.add(o.group(1));
                }
            }
            if (!listed.equals(new TreeSet<>(cli.get(sub)))) {
                diff.add(sub + ": listed " + listed + ", the CLI has " + new TreeSet<>(cli.get(sub)));
            }
        }
        sections.keySet().stream().filter(s -> !cli.containsKey(s))
                .forEach(s -> diff.add("section " + s + " is not a subcommand"));
        return diff;
    }

    // ---- the tests ----

    @Test
    void everyRepositoryPathNamedInTheDocsExists() {
        for (Path page : pages()) {
            assertThat(missingPaths(read(page), root())).as("paths named in " + root().relativize(page)).isEmpty();
        }
    }

    @Test
    void everyRelativeLinkResolves() {
        for (Path page : pages()) {
            assertThat(brokenLinks(read(page), page)).as("links in " + root().relativize(page)).isEmpty();
        }
    }

    @Test
    void everyCommandLineShownUsesSubcommandsAndOptionsTheCliHas() {
        Map<String, Set<String>> cli = cli();
        assertThat(cli).containsKeys("generate", "train", "pipeline", "score", "retrain");
        for (Path page : pages()) {
            assertThat(unknownCommandLine(read(page), cli)).as("commands in " + root().relativize(page)).isEmpty();
        }
    }

    @Test
    void theReadmeStaysShort() {
        assertThat(read(root().resolve("README.md")).lines().count()).isLessThanOrEqualTo(README_MAX_LINES);
    }

    @Test
    void theConfigurationPageListsEverySettingOfTheDefaultsFileWithItsDefault() {
        Config conf = ConfigFactory.parseFile(root().resolve("conf/pipeline.conf").toFile()).getConfig("digitloc");
        String page = read(root().resolve("docs/configuration.md"));
        assertThat(configurationDifferences(page, conf)).isEmpty();
        assertThat(CONFIG_ROW.matcher(page).results().count()).isEqualTo(conf.entrySet().size());
    }

    @Test
    void theCliPageListsEachSubcommandsOptions() {
        assertThat(cliPageDifferences(read(root().resolve("docs/cli.md")), cli())).isEmpty();
    }

    // ---- helpers ----

    /** Each subcommand and its options' names, from picocli's model of the CLI. */
    static Map<String, Set<String>> cli() {
        Map<String, Set<String>> cli = new TreeMap<>();
        new CommandLine(new Main()).getSubcommands().forEach((name, sub) -> cli.put(name,
                sub.getCommandSpec().options().stream().map(OptionSpec::longestName)
                        .collect(Collectors.toCollection(LinkedHashSet::new))));
        return cli;
    }

    /** How a default reads in docs/configuration.md: lists as [a, b], the empty string as "". */
    static String render(ConfigValue value) {
        if (value instanceof ConfigList list) {
            return list.stream().map(DocsTest::render).collect(Collectors.joining(", ", "[", "]"));
        }
        String text = String.valueOf(value.unwrapped());
        return text.isEmpty() ? "\"\"" : text;
    }

    /** Equal texts, or equal numbers however written (1.0 and 1). */
    private static boolean sameValue(String documented, String inFile) {
        if (documented.equals(inFile)) {
            return true;
        }
        try {
            return Double.parseDouble(documented) == Double.parseDouble(inFile);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The index of the subcommand in a command's words; submit.sh's own options (with values) may come first. */
    private static int firstSubcommand(String[] words, Map<String, Set<String>> cli) {
        for (int i = 0; i < words.length; i++) {
            if (cli.containsKey(words[i])) {
                return i;
            }
            boolean optionValue = i > 0 && words[i - 1].startsWith("-") && !words[i - 1].contains("=");
            if (!words[i].startsWith("-") && !optionValue) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isPattern(String path) {
        return path.contains("*") || path.contains("<") || path.contains("{") || path.contains("...");
    }

    /** Inline code spans and fenced code blocks. */
    static List<String> codeSpans(String text) {
        List<String> spans = new ArrayList<>();
        Matcher f = FENCE.matcher(text);
        while (f.find()) {
            spans.add(f.group(1));
        }
        Matcher i = INLINE.matcher(FENCE.matcher(text).replaceAll(""));
        while (i.find()) {
            spans.add(i.group(1));
        }
        return spans;
    }

    private static List<String> codeTokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String span : codeSpans(text)) {
            for (String t : span.split("[\\s\"'=(),]+")) {
                tokens.add(t);
            }
        }
        Matcher l = LINK.matcher(withoutCode(text));
        while (l.find()) {
            tokens.add(l.group(1).replaceAll("#.*$", "").replaceAll("^(\\.\\./)+", ""));
        }
        return tokens;
    }

    private static String withoutCode(String text) {
        return INLINE.matcher(FENCE.matcher(text).replaceAll("")).replaceAll("");
    }

    /** GitHub's anchors of a page's headings. */
    static Set<String> anchors(String text) {
        Set<String> anchors = new TreeSet<>();
        Matcher h = Pattern.compile("(?m)^#{1,6} (.+)$").matcher(FENCE.matcher(text).replaceAll(""));
        while (h.find()) {
            anchors.add(h.group(1).trim().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                    .replace(' ', '-'));
        }
        return anchors;
    }

    private static Map<String, String> sections(String page) {
        Map<String, String> sections = new TreeMap<>();
        Matcher s = SECTION.matcher(page);
        List<int[]> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (s.find()) {
            starts.add(new int[] {s.start(), s.end()});
            names.add(s.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < names.size() ? starts.get(i + 1)[0] : page.length();
            sections.put(names.get(i), page.substring(starts.get(i)[1], end));
        }
        return sections;
    }
}
