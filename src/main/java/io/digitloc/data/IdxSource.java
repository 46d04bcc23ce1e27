package io.digitloc.data;

import io.digitloc.config.DataSettings;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of MNIST-style IDX files on any Hadoop filesystem: {@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}
 * (also with {@code .idx3-ubyte} spelling, and each optionally gzipped). Any 28x28, 10-class set in
 * this layout works.
 */
public final class IdxSource implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Classes a label may name. */

    private final Path dir;
    private final HadoopConf conf;

    public IdxSource(String dir, HadoopConf conf) {
        this.dir = new Path(dir);
        this.conf = conf;
    }

    public Path dir() {
        return dir;
    }

    /** The images and labels files of one split. */
    public record SplitFiles(Path images, Path labels) implements java.io.Serializable {
    }

    /** What {@link #inspect} found out about one split. */
    public record SplitInfo(Split split, String imagesFile, String labelsFile, int count,
                            String imagesSha256, String labelsSha256) {
    }

    public SplitFiles locate(Split split) {
        return new SplitFiles(find(split, "images", "idx3"), find(split, "labels", "idx1"));
    }

    private Path find(Split split, String kind, String idx) {
        List<String> tried = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            for (String ext : new String[] {"", ".gz"}) {
                String name = split.idxPrefix() + "-" + kind + sep + idx + "-ubyte" + ext;
                Path p = new Path(dir, name);
                tried.add(name);
                if (HadoopFiles.exists(p, conf)) {
                    return p;
                }
            }
        }
        throw new IdxFormatException("no " + split.dirName() + " " + kind + " file in " + dir + " (looked for "
                + String.join(", ", tried) + "); run scripts/fetch-mnist.sh or set digitloc.data.mnist-dir");
    }

    /**
     * Reads both files of a split through: magic numbers, 28x28 images, equal counts, labels in
     * 0..9, nothing truncated or trailing. Returns their counts and checksums.
     */
    public SplitInfo inspect(Split split) {
        SplitFiles files = locate(split);
        int count;
        try (IdxReader images = openImages(files.images());
             IdxReader labels = openLabels(files.labels())) {
            if (images.rows() != DataSettings.DIGIT_SIZE || images.cols() != DataSettings.DIGIT_SIZE) {
                throw new IdxFormatException(files.images() + ": images are " + images.rows() + "x" + images.cols()
                        + ", expected " + DataSettings.DIGIT_SIZE + "x" + DataSettings.DIGIT_SIZE);
            }
            if (images.count() != labels.count()) {
                throw new IdxFormatException(files.images() + " holds " + images.count() + " images but "
                        + files.labels() + " holds " + labels.count() + " labels");
            }
            if (images.count() == 0) {
                throw new IdxFormatException(files.images() + ": holds no images");
            }
            count = images.count();
            for (int i = 0; i < count; i++) {
                labels.readLabel(io.digitloc.core.Digits.CLASSES);
            }
            labels.requireEnd();
            images.requireEnd();
        }
        return new SplitInfo(split, files.images().getName(), files.labels().getName(), count,
                HadoopFiles.sha256(files.images(), conf), HadoopFiles.sha256(files.labels(), conf));
    }

    public IdxReader openImages(Path file) {
        return IdxReader.images(file.toString(), open(file));
    }

    public IdxReader openLabels(Path file) {
        return IdxReader.labels(file.toString(), open(file));
    }

    private InputStream open(Path file) {
        try {
            return HadoopFiles.open(file, conf);
        } catch (IOException e) {
            throw new IdxFormatException(file + ": cannot open: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new IdxFormatException(file + ": cannot open: " + e.getMessage(), e);
        }
    }
}
