package io.digitloc.data;

/** The two dataset splits: train from the 60k MNIST training digits, validation from the 10k test digits. */
public enum Split {
    TRAIN("train", "train", 0x7472_6169_6EL),
    VALIDATION("validation", "t10k", 0x7661_6C69_64L);

    private final String dirName;
    private final String idxPrefix;
    private final long salt;

    Split(String dirName, String idxPrefix, long salt) {
        this.dirName = dirName;
        this.idxPrefix = idxPrefix;
        this.salt = salt;
    }

    /** Sub-directory of the dataset root holding this split's Parquet files. */
    public String dirName() {
        return dirName;
    }

    /** File-name prefix of this split's IDX files (train-..., t10k-...). */
    public String idxPrefix() {
        return idxPrefix;
    }

    /** Mixed into placement seeds so the two splits never share placements. */
    long salt() {
        return salt;
    }
}
