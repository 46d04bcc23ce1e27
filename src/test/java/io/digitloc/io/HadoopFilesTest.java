package io.digitloc.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The atomic publishing every stage's outputs go through, on the local filesystem. */
class HadoopFilesTest {
    @TempDir
    java.nio.file.Path dir;

    private Path path(String name) {
        return new Path(dir.resolve(name).toUri());
    }

    /** Entries of the directory, less the local filesystem's .crc checksum files. */
    private long entries() throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(dir)) {
            return s.filter(f -> !f.getFileName().toString().endsWith(".crc")).count();
        }
    }

    @Test
    void writeStringReplacesTheFileAndLeavesNoTemporary() throws IOException {
        Path f = path("metrics.json");
        HadoopFiles.writeString(f, "old", HadoopConf.local());
        HadoopFiles.writeString(f, "new", HadoopConf.local());
        assertThat(HadoopFiles.readString(f, HadoopConf.local())).isEqualTo("new");
        assertThat(entries()).as("no .tmp- sibling left").isEqualTo(1);
        assertThat(HadoopFiles.sha256(f, HadoopConf.local()))
                .isEqualTo("11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437");
    }

    @Test
    void replacePutsTheNewDirectoryInPlaceOfTheOld() throws IOException {
        FileSystem fs = HadoopFiles.fs(path("x"), HadoopConf.local());
        Path target = path("model");
        HadoopFiles.writeString(new Path(target, "a"), "old", HadoopConf.local());
        Path tmp = HadoopFiles.tempSibling(target);
        HadoopFiles.writeString(new Path(tmp, "b"), "new", HadoopConf.local());
        assertThat(tmp.getName()).startsWith(".model.tmp-");
        HadoopFiles.replace(fs, tmp, target);
        assertThat(HadoopFiles.exists(new Path(target, "a"), HadoopConf.local())).isFalse();
        assertThat(HadoopFiles.readString(new Path(target, "b"), HadoopConf.local())).isEqualTo("new");
        assertThat(entries()).as("neither the temporary nor the old copy left").isEqualTo(1);
    }

    @Test
    void publishNewRefusesToOverwrite() throws IOException {
        FileSystem fs = HadoopFiles.fs(path("x"), HadoopConf.local());
        Path target = path("run");
        HadoopFiles.writeString(new Path(target, "a"), "theirs", HadoopConf.local());
        Path tmp = HadoopFiles.tempSibling(target);
        HadoopFiles.writeString(new Path(tmp, "a"), "ours", HadoopConf.local());
        assertThatThrownBy(() -> HadoopFiles.publishNew(fs, tmp, target)).hasMessageContaining("appeared");
        assertThat(HadoopFiles.readString(new Path(target, "a"), HadoopConf.local())).isEqualTo("theirs");
    }

    @Test
    void listingAMissingDirectoryIsEmptyAndReadingAMissingFileNamesIt() {
        assertThat(HadoopFiles.list(path("none"), HadoopConf.local())).isEmpty();
        assertThatThrownBy(() -> HadoopFiles.readString(path("none.json"), HadoopConf.local()))
                .hasMessageContaining("none.json");
    }

    record Figures(double accuracy, long count) {
    }

    @Test
    void jsonRoundTripsAndNamesWhereItFailed() {
        String json = Json.write(new Figures(0.5, 7));
        assertThat(Json.read(json, Figures.class, "f.json")).isEqualTo(new Figures(0.5, 7));
        assertThatThrownBy(() -> Json.read("{not json", Figures.class, "f.json")).hasMessageContaining("f.json");
    }

    @Test
    void publishMarkedWritesTheMarkerAfterTheRenameAndReplacesTheOldOutputWhole() throws IOException {
        Path out = path("out"); // named before it exists: the URI of an existing directory ends in a slash
        FileSystem fs = HadoopFiles.fs(out, HadoopConf.local());
        Path first = path(".out.tmp-1");
        fs.mkdirs(first);
        HadoopFiles.writeString(new Path(first, "part-0"), "a", HadoopConf.local());
        HadoopFiles.publishMarked(fs, first, out, false, new HadoopFiles.Marker("_done.json", "1"),
                HadoopConf.local());
        assertThat(HadoopFiles.readString(new Path(out, "_done.json"), HadoopConf.local())).isEqualTo("1");

        Path second = path(".out.tmp-2");
        fs.mkdirs(second);
        HadoopFiles.writeString(new Path(second, "part-1"), "b", HadoopConf.local());
        HadoopFiles.publishMarked(fs, second, out, true, new HadoopFiles.Marker("_done.json", "2"),
                HadoopConf.local());
        assertThat(HadoopFiles.readString(new Path(out, "_done.json"), HadoopConf.local())).isEqualTo("2");
        assertThat(fs.exists(new Path(out, "part-0"))).as("nothing of the old output kept").isFalse();
        assertThat(fs.exists(new Path(out, "part-1"))).isTrue();
        assertThat(entries()).as("no temporary or old directory left").isEqualTo(1);

        Path third = path(".out.tmp-3");
        fs.mkdirs(third);
        assertThatThrownBy(() -> HadoopFiles.publishMarked(fs, third, out, false,
                new HadoopFiles.Marker("_done.json", "3"), HadoopConf.local())).hasMessageContaining("appeared");
        assertThat(HadoopFiles.readString(new Path(out, "_done.json"), HadoopConf.local())).isEqualTo("2");
    }
}
