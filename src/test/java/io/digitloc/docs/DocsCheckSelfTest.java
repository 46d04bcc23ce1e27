package io.digitloc.docs;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Each check of {@link DocsTest} finds what it is there to find: a broken page fails it. */
class DocsCheckSelfTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingRepositoryPathIsFound() {
        String page = "Run `scripts/digitloc` with `conf/quick.conf`, not `conf/nothing.conf`; see [x](docs/gone.md).";
        assertThat(DocsTest.missingPaths(page, DocsTest.root())).containsExactly("conf/nothing.conf", "docs/gone.md");
        assertThat(DocsTest.missingPaths("`conf/spark/*.conf`, `docs/records/best-<date>.json`", DocsTest.root()))
                .isEmpty();
    }

    @Test
    void aBrokenLinkOrAnchorIsFound() throws IOException {
        Path page = tmp.resolve("a.md");
        Files.writeString(tmp.resolve("b.md"), "# B\n\n## Two words\n");
        String text = "[ok](b.md), [ok](b.md#two-words), [no](c.md), [no](b.md#three), [self](#a), [web](https://x.org)";
        Files.writeString(page, "# A\n" + text);
        assertThat(DocsTest.brokenLinks(Files.readString(page), page))
                .containsExactly("c.md (no such file)", "b.md#three (no such heading)");
    }

    @Test
    void anUnknownSubcommandOrOptionIsFound() {
        Map<String, Set<String>> cli = Map.of("train", Set.of("--epochs", "--resume"));
        String page = """
                `scripts/digitloc train --epochs 3 --resume`
                ```bash
                ./submit.sh --master yarn --num-executors 2 train --epochs 2 \\
                  --resum
                scripts/digitloc trian --epochs 1
                scripts/digitloc <subcommand> --help
                ```
                """;
        assertThat(DocsTest.unknownCommandLine(page, cli)).containsExactly("train --resum", "no subcommand trian");
    }

    @Test
    void aConfigurationPageOutOfStepWithTheFileIsFound() {
        var conf = ConfigFactory.parseString("a = 1\nb { c = \"x\"\nd = [1, 2]\ne = \"\" }");
        String good = "| `a` | `1` | . |\n| `b.c` | `x` | . |\n| `b.d` | `[1, 2]` | . |\n| `b.e` | `\"\"` | . |\n";
        assertThat(DocsTest.configurationDifferences(good, conf)).isEmpty();
        String bad = "| `a` | `2` | . |\n| `b.c` | `x` | . |\n| `b.e` | `\"\"` | . |\n| `b.f` | `0` | . |\n";
        assertThat(DocsTest.configurationDifferences(bad, conf)).containsExactly(
                "a: documented default 2, the file's 1", "b.d is not documented", "b.f is not in the file");
    }

    @Test
    void aCliPageOutOfStepWithTheCliIsFound() {
        Map<String, Set<String>> cli = Map.of("train", Set.of("--epochs", "--resume"), "score", Set.of("--out"));
        String page = "## train\n\nOptions: `--epochs`,\n`--resume`.\n\n## score\n\nOptions: `--out`, `--in`.\n\n## old\n";
        assertThat(DocsTest.cliPageDifferences(page, cli)).containsExactly(
                "score: listed [--in, --out], the CLI has [--out]", "section old is not a subcommand");
    }

    @Test
    void aLongReadmeIsCaught() {
        assertThat(DocsTest.README_MAX_LINES).isEqualTo(200);
    }
}
