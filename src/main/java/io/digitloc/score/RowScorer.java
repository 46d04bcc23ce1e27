package io.digitloc.score;

import io.digitloc.core.Batches;
import io.digitloc.core.ImageInput;
import io.digitloc.core.Located;
import io.digitloc.core.Predictor;
import io.digitloc.spark.BroadcastModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Scores a partition's rows in batches with the broadcast model, appending {@link ScoreColumns} to each
 * row. A row that cannot be scored (no pixels, wrong byte count, undecodable picture) keeps its place
 * with nulls and the reason in {@code error}; it never fails the task.
 */
public final class RowScorer implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * What the input column holds; the Spark ML model's {@code inputKind} is the name in lower case, and the
     * score job's {@code --format pictures} reads a folder of {@code PICTURE}s.
     */
    public enum Kind {
        /** Grayscale bytes, width*height (0 = black): the project's canvas schema, or any size with width/height. */
        CANVAS,
        /** An encoded picture (PNG, JPEG, ...), e.g. Spark's binaryFile {@code content}. */
        PICTURE;

        /** The name as the Spark ML model's {@code inputKind} param writes it. */
        public String param() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind a param value names. */
        public static Kind ofParam(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private final BroadcastModel model;
    private final int size;
    private final int batch;
    private final Kind kind;
    /** Column indices in the rows: the pixels or picture, width and height (-1: none), the row's name (-1: none). */
    private final int inputIndex;
    private final int widthIndex;
    private final int heightIndex;
    private final int nameIndex;
    private final boolean probabilities;
    private final String structColumn;
    private final String predictionColumn;

    /**
     * What the scorer adds to each row.
     *
     * @param probabilities    the ten class probabilities too
     * @param structColumn     null: the {@link ScoreColumns} as columns; else one struct column of that name
     * @param predictionColumn with a struct column: also the digit as a double column (Spark ML's evaluators
     *                         read one), or null for none
     */
    public record Output(boolean probabilities, String structColumn, String predictionColumn) implements Serializable {
        /** The {@link ScoreColumns} as columns of their own (the score job's output). */
        public static Output columns(boolean probabilities) {
            return new Output(probabilities, null, null);
        }
    }

    /**
     * @param schema the rows' schema
     * @param column the pixels or picture column
     * @param size   the model's canvas side
     */
    public RowScorer(BroadcastModel model, int size, int batch, StructType schema, String column, Kind kind,
                     Output output) {
        boolean probabilities = output.probabilities();
        this.structColumn = output.structColumn();
        this.predictionColumn = output.predictionColumn();
        this.model = model;
        this.size = size;
        this.batch = batch;
        this.kind = kind;
        this.inputIndex = index(schema, column);
        if (inputIndex < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in the input (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        if (!schema.fields()[inputIndex].dataType().sameType(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("column '" + column + "' is " + schema.fields()[inputIndex].dataType().simpleString()
                    + ", expected binary (" + (kind == Kind.CANVAS ? "grayscale bytes" : "an encoded picture") + ")");
        }
        this.widthIndex = intColumn(schema, "width");
        this.heightIndex = intColumn(schema, "height");
        this.nameIndex = index(schema, "path") >= 0 ? index(schema, "path") : index(schema, "id");
        this.probabilities = probabilities;
    }

    public StructType outputSchema(StructType in) {
        if (structColumn == null) {
            return ScoreColumns.append(in, probabilities);
        }
        ScoreColumns.requireFree(in, structColumn);
        StructType out = in.add(structColumn, ScoreColumns.struct(probabilities), false);
        if (predictionColumn != null) {
            ScoreColumns.requireFree(in, predictionColumn);
            out = out.add(predictionColumn, DataTypes.DoubleType, true);
        }
        return out;
    }

    /** A partition's rows with the {@link ScoreColumns} added, scored batch by batch. */
    public Iterator<Row> apply(Iterator<Row> rows) {
        return Batches.flatMap(rows, batch, this::scoreChunk);
    }

    List<Row> scoreChunk(List<Row> chunk) {
        List<Object[]> added = new ArrayList<>(chunk.size());
        List<ImageInput.Fitted> fitted = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (Row r : chunk) {
            try {
                ImageInput.Fitted f = fit(r);
                at.add(added.size());
                fitted.add(f);
                added.add(null);
            } catch (IllegalArgumentException e) {
                added.add(ScoreColumns.error(e.getMessage(), probabilities));
            }
        }
        if (!fitted.isEmpty()) {
            byte[] packed = new byte[fitted.size() * size * size];
            for (int i = 0; i < fitted.size(); i++) {
                System.arraycopy(fitted.get(i).pixels(), 0, packed, i * size * size, size * size);
            }
            List<Located> located = new Predictor(model.get(), size).predict(packed, fitted.size());
            for (int i = 0; i < fitted.size(); i++) {
                added.set(at.get(i), ScoreColumns.values(located.get(i), fitted.get(i), probabilities));
            }
        }
        List<Row> rows = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            rows.add(join(chunk.get(i), added.get(i)));
        }
        return rows;
    }

    /** One canvas of grayscale bytes scored alone (the SQL function): the {@link ScoreColumns} as a struct. */
    public static Row scoreOne(Predictor predictor, byte[] pixels, Integer width, Integer height) {
        try {
            if (pixels == null) {
                throw new IllegalArgumentException("no pixels");
            }
            int w = width != null ? width : side(pixels.length, "canvas");
            int h = height != null ? height : side(pixels.length, "canvas");
            ImageInput.Fitted f = ImageInput.fromGray(pixels, w, h, predictor.size());
            return RowFactory.create(ScoreColumns.values(predictor.predict(f.pixels(), 1).get(0), f, true));
        } catch (IllegalArgumentException e) {
            return RowFactory.create(ScoreColumns.error(e.getMessage(), true));
        }
    }

    private ImageInput.Fitted fit(Row r) {
        String what = nameIndex >= 0 && !r.isNullAt(nameIndex) ? String.valueOf(r.get(nameIndex)) : "row";
        if (r.isNullAt(inputIndex)) {
            throw new IllegalArgumentException(what + ": no " + (kind == Kind.CANVAS ? "pixels" : "picture"));
        }
        byte[] bytes = (byte[]) r.get(inputIndex);
        if (kind == Kind.PICTURE) {
            return ImageInput.fit(ImageInput.read(bytes, what), size);
        }
        int w = widthIndex >= 0 && !r.isNullAt(widthIndex) ? r.getInt(widthIndex) : side(bytes.length, what);
        int h = heightIndex >= 0 && !r.isNullAt(heightIndex) ? r.getInt(heightIndex) : side(bytes.length, what);
        try {
            return ImageInput.fromGray(bytes, w, h, size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
        }
    }

    /** The side of a square canvas of {@code n} bytes (no width/height columns). */
    private static int side(int n, String what) {
        int s = (int) Math.round(Math.sqrt(n));
        if (s * s != n) {
            throw new IllegalArgumentException(what + ": " + n + " pixel bytes are not a square canvas, and the input "
                    + "has no width and height columns");
        }
        return s;
    }

    private Row join(Row r, Object[] added) {
        if (structColumn != null) {
            Object digit = added[0];
            added = predictionColumn == null ? new Object[] {RowFactory.create(added)}
                    : new Object[] {RowFactory.create(added), digit == null ? null : ((Integer) digit).doubleValue()};
        }
        Object[] v = new Object[r.length() + added.length];
        for (int i = 0; i < r.length(); i++) {
            v[i] = r.get(i);
        }
        System.arraycopy(added, 0, v, r.length(), added.length);
        return RowFactory.create(v);
    }

    private static int index(StructType schema, String column) {
        for (int i = 0; i < schema.fields().length; i++) {
            if (schema.fields()[i].name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    private static int intColumn(StructType schema, String column) {
        int i = index(schema, column);
        if (i < 0) {
            return -1;
        }
        StructField f = schema.fields()[i];
        if (!f.dataType().sameType(DataTypes.IntegerType)) {
            throw new IllegalArgumentException("column '" + column + "' is " + f.dataType().simpleString() + ", expected int");
        }
        return i;
    }
}
