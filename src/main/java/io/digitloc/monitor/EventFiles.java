package io.digitloc.monitor;

import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.framework.Summary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The TensorBoard event files of a directory, on any Hadoop filesystem: which they are, and what they hold. */
public final class EventFiles {
    private static final Logger LOG = LoggerFactory.getLogger(EventFiles.class);

    private EventFiles() {
    }

    /** What TensorBoard takes for an event file: "tfevents" in the name (hidden files aside). */
    public static boolean isEventFile(String name) {
        return name.contains("tfevents") && !name.startsWith(".");
    }

    /**
     * The filesystem to write event files with. On the local filesystem, its raw form: Hadoop's
     * checksummed one writes a {@code .<name>.crc} beside each file, and TensorBoard would read that
     * as one more (corrupt) event file since its name holds "tfevents".
     */
    static FileSystem fs(Path dir, HadoopConf conf) {
        FileSystem fs = HadoopFiles.fs(dir, conf);
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    /** The event files in {@code dir}, in name order (TensorBoard's reading order); none when it does not exist. */
    public static List<Path> list(Path dir, HadoopConf conf) {
        List<Path> files = new ArrayList<>();
        for (FileStatus s : HadoopFiles.list(dir, conf)) {
            if (s.isFile() && isEventFile(s.getPath().getName())) {
                files.add(s.getPath());
            }
        }
        files.sort(Comparator.comparing(Path::getName));
        return files;
    }

    /**
     * Every complete event of one file. A record cut short at the end (a writer killed mid-record) ends
     * the file, as in TensorBoard; so does a corrupt record, with a warning.
     */
    public static List<TfEvents.Event> read(Path file, HadoopConf conf) {
        List<TfEvents.Event> events = new ArrayList<>();
        try (InputStream in = fs(file, conf).open(file)) {
            for (byte[] record; (record = TfRecord.read(in)) != null; ) {
                events.add(TfEvents.parse(record));
            }
        } catch (TfRecord.CorruptRecordException e) {
            LOG.warn("{}: {} after {} events; reading no further", file, e.getMessage(), events.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TensorBoard events " + file + ": " + e.getMessage(), e);
        }
        return events;
    }

    /** The highest step written for each tag in the event files of {@code dir}. */
    public static Map<String, Long> lastSteps(Path dir, HadoopConf conf) {
        Map<String, Long> last = new HashMap<>();
        for (Path file : list(dir, conf)) {
            for (TfEvents.Event e : read(file, conf)) {
                if (e.summary() != null) {
                    for (Summary.Value v : e.summary().getValueList()) {
                        last.merge(v.getTag(), e.step(), Math::max);
                    }
                }
            }
        }
        return last;
    }

    /** Deletes the event files of {@code dir} (a fresh run replacing an earlier one of the same name). */
    static int deleteAll(Path dir, HadoopConf conf) {
        FileSystem fs = fs(dir, conf);
        int n = 0;
        for (FileStatus s : HadoopFiles.list(dir, conf)) {
            if (s.isFile() && s.getPath().getName().contains("tfevents")) { // hidden .crc companions too
                try {
                    if (fs.delete(s.getPath(), false)) {
                        n++;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete the earlier run's " + s.getPath() + ": "
                            + e.getMessage(), e);
                }
            }
        }
        return n;
    }
}
