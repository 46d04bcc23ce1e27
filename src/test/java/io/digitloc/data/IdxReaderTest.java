package io.digitloc.data;

import io.digitloc.io.HadoopConf;
import io.digitloc.testing.IdxFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsImagesInOrderAndSkips() {
        byte[] file = IdxFixtures.images(5, 28, 28, 7);
        try (IdxReader r = IdxReader.images("imgs", new ByteArrayInputStream(file))) {
            assertThat(r.count()).isEqualTo(5);
            assertThat(r.rows()).isEqualTo(28);
            assertThat(r.cols()).isEqualTo(28);
            r.skip(2);
            byte[] third = new byte[784];
            r.read(third);
            assertThat(third).isEqualTo(Arrays.copyOfRange(file, 16 + 2 * 784, 16 + 3 * 784));
            r.requireEnd();
        }
    }

    @Test
    void readsLabels() {
        byte[] file = IdxFixtures.labels(4, 3);
        try (IdxReader r = IdxReader.labels("lbls", new ByteArrayInputStream(file))) {
            for (int i = 0; i < 4; i++) {
                assertThat(r.readLabel(10)).isEqualTo(file[8 + i]);
            }
        }
    }

    @Test
    void wrongMagicNamesTheFileAndTheExpectedMagic() {
        byte[] labels = IdxFixtures.labels(4, 3);
        assertThatThrownBy(() -> IdxReader.images("some/labels-file", new ByteArrayInputStream(labels)))
                .isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("some/labels-file")
                .hasMessageContaining("wrong IDX magic number 0x00000801, expected 0x00000803");
    }

    @Test
    void emptyOrShortHeaderIsRejected() {
        assertThatThrownBy(() -> IdxReader.images("empty", new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(IdxFormatException.class).hasMessageContaining("empty: truncated header");
        byte[] partial = Arrays.copyOf(IdxFixtures.images(1, 28, 28, 1), 10);
        assertThatThrownBy(() -> IdxReader.images("partial", new ByteArrayInputStream(partial)))
                .isInstanceOf(IdxFormatException.class).hasMessageContaining("partial: truncated header");
    }

    @Test
    void truncatedDataIsReportedWithTheItemIndex() {
        byte[] full = IdxFixtures.images(3, 28, 28, 1);
        byte[] cut = Arrays.copyOf(full, full.length - 100);
        try (IdxReader r = IdxReader.images("cut", new ByteArrayInputStream(cut))) {
            byte[] buf = new byte[784];
            r.read(buf);
            r.read(buf);
            assertThatThrownBy(() -> r.read(buf)).isInstanceOf(IdxFormatException.class)
                    .hasMessageContaining("cut: truncated: file ends inside item 2 of the 3");
        }
        try (IdxReader r = IdxReader.images("cut", new ByteArrayInputStream(cut))) {
            assertThatThrownBy(r::requireEnd).isInstanceOf(IdxFormatException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] full = IdxFixtures.labels(3, 1);
        byte[] longer = Arrays.copyOf(full, full.length + 5);
        try (IdxReader r = IdxReader.labels("long", new ByteArrayInputStream(longer))) {
            assertThatThrownBy(r::requireEnd).isInstanceOf(IdxFormatException.class)
                    .hasMessageContaining("continues past the 3 items");
        }
    }

    @Test
    void labelOutsideTheClassesIsRejected() {
        byte[] file = IdxFixtures.labels(2, 1);
        file[9] = 12;
        try (IdxReader r = IdxReader.labels("lbl", new ByteArrayInputStream(file))) {
            r.readLabel(10);
            assertThatThrownBy(() -> r.readLabel(10)).isInstanceOf(IdxFormatException.class)
                    .hasMessageContaining("label 12 at item 1 is not a class in 0..9");
        }
    }

    @Test
    void sourceChecksCountsAgainstEachOther() {
        IdxFixtures.mnistDir(tmp, 20, 5);
        IdxFixtures.write(tmp.resolve("t10k-labels-idx1-ubyte"), IdxFixtures.labels(6, 1));
        IdxSource source = new IdxSource(tmp.toString(), HadoopConf.local());
        assertThat(source.inspect(Split.TRAIN).count()).isEqualTo(20);
        assertThatThrownBy(() -> source.inspect(Split.VALIDATION)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("holds 5 images but").hasMessageContaining("holds 6 labels");
    }

    @Test
    void sourceRejectsImagesThatAreNot28x28() {
        IdxFixtures.mnistDir(tmp, 4, 4);
        IdxFixtures.write(tmp.resolve("train-images-idx3-ubyte"), IdxFixtures.images(4, 32, 32, 1));
        IdxSource source = new IdxSource(tmp.toString(), HadoopConf.local());
        assertThatThrownBy(() -> source.inspect(Split.TRAIN)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("images are 32x32, expected 28x28");
    }

    @Test
    void sourceReadsGzippedFilesAndReportsMissingOnes() {
        IdxFixtures.write(tmp.resolve("train-images-idx3-ubyte.gz"), IdxFixtures.gzip(IdxFixtures.images(3, 28, 28, 1)));
        IdxFixtures.write(tmp.resolve("train-labels.idx1-ubyte"), IdxFixtures.labels(3, 1));
        IdxSource source = new IdxSource(tmp.toString(), HadoopConf.local());
        IdxSource.SplitInfo info = source.inspect(Split.TRAIN);
        assertThat(info.count()).isEqualTo(3);
        assertThat(info.imagesFile()).isEqualTo("train-images-idx3-ubyte.gz");
        assertThat(info.imagesSha256()).hasSize(64);
        assertThatThrownBy(() -> source.inspect(Split.VALIDATION)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("no validation images file in").hasMessageContaining("t10k-images-idx3-ubyte");
    }

    @Test
    void corruptGzipIsReported() {
        IdxFixtures.write(tmp.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3, 4, 5});
        IdxFixtures.write(tmp.resolve("train-labels-idx1-ubyte"), IdxFixtures.labels(3, 1));
        IdxSource source = new IdxSource(tmp.toString(), HadoopConf.local());
        assertThatThrownBy(() -> source.inspect(Split.TRAIN)).isInstanceOf(IdxFormatException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz").hasMessageContaining("gzip");
    }
}
