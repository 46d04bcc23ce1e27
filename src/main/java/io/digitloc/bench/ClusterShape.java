package io.digitloc.bench;

import io.digitloc.config.SettingsException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of an emulated cluster as scripts/emulated-cluster.sh writes it (lines of {@code key value}:
 * workers, cpu_quota, cpu_period_us, link), recorded beside the runs it measured so that a figure carries
 * its quota and link. A file without the period had the kernel's default of 100 ms.
 */
public record ClusterShape(int workers, double cpuQuota, long cpuPeriodMicros, String link) {

    private static final List<String> KEYS = List.of("workers", "cpu_quota", "link");
    private static final String PERIOD = "cpu_period_us";
    private static final long KERNEL_PERIOD = 100_000;

    /** Reads the file; a missing, unknown or malformed line is a {@link SettingsException} naming it. */
    public static ClusterShape read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+", 2);
                if (kv.length != 2 || !(KEYS.contains(kv[0]) || PERIOD.equals(kv[0]))) {
                    throw new SettingsException("--cluster-shape " + file + ": not a 'key value' line of "
                            + KEYS + ": '" + line + "'");
                }
                values.put(kv[0], kv[1]);
            }
        } catch (IOException e) {
            throw new SettingsException("--cluster-shape " + file + ": cannot read it: " + e.getMessage());
        }
        if (!values.keySet().containsAll(KEYS)) {
            throw new SettingsException("--cluster-shape " + file + ": needs " + KEYS + ", has " + values.keySet());
        }
        try {
            return new ClusterShape(Integer.parseInt(values.get("workers")), Double.parseDouble(values.get("cpu_quota")),
                    values.containsKey(PERIOD) ? Long.parseLong(values.get(PERIOD)) : KERNEL_PERIOD, values.get("link"));
        } catch (NumberFormatException e) {
            throw new SettingsException("--cluster-shape " + file + ": " + e.getMessage());
        }
    }

    /** As the scaling document holds it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executors", workers);
        m.put("cpu_quota_cores", cpuQuota);
        m.put("cpu_period_us", cpuPeriodMicros);
        m.put("link", link);
        m.put("how", "scripts/emulated-cluster.sh: a network namespace per executor, tc tbf on both ends of its veth, "
                + "a cgroup v1 cpu quota per executor; the driver unconstrained");
        return m;
    }
}
