package io.digitloc.data;

import io.digitloc.core.Canvas;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Parquet schema of a canvas row, shared by every stage that reads or writes canvases.
 * <pre>
 * id      long    sample id, unique within the split (index of the digit in its IDX file)
 * label   int     the digit, 0..9
 * xmin    float   box left   / canvas width   (normalised to [0,1])
 * ymin    float   box top    / canvas height
 * xmax    float   box right  / canvas width
 * ymax    float   box bottom / canvas height
 * width   int     canvas width in pixels
 * height  int     canvas height in pixels
 * pixels  binary  width*height grayscale bytes, row-major, 0 = black
 * </pre>
 */
public final class CanvasSchema {
    public static final String ID = "id";
    public static final String LABEL = "label";
    public static final String XMIN = "xmin";
    public static final String YMIN = "ymin";
    public static final String XMAX = "xmax";
    public static final String YMAX = "ymax";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String PIXELS = "pixels";

    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField(ID, DataTypes.LongType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(XMIN, DataTypes.FloatType, false),
            DataTypes.createStructField(YMIN, DataTypes.FloatType, false),
            DataTypes.createStructField(XMAX, DataTypes.FloatType, false),
            DataTypes.createStructField(YMAX, DataTypes.FloatType, false),
            DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
            DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
            DataTypes.createStructField(PIXELS, DataTypes.BinaryType, false),
    });

    private CanvasSchema() {
    }

    public static Row toRow(Canvas c) {
        float[] b = c.box();
        return RowFactory.create(c.id(), c.label(), b[0], b[1], b[2], b[3], c.size(), c.size(), c.pixels());
    }

    /**
     * Checks that {@code actual} has every column of {@link #SCHEMA} with the right type (extra
     * columns are allowed); the message lists every problem and names {@code where}.
     */
    public static void require(StructType actual, String where) {
        List<String> problems = new ArrayList<>();
        for (StructField expected : SCHEMA.fields()) {
            int index = indexOf(actual, expected.name());
            if (index < 0) {
                problems.add("missing column '" + expected.name() + "' (" + expected.dataType().simpleString() + ")");
                continue;
            }
            DataType type = actual.fields()[index].dataType();
            if (!type.sameType(expected.dataType())) {
                problems.add("column '" + expected.name() + "' is " + type.simpleString() + ", expected "
                        + expected.dataType().simpleString());
            }
        }
        if (!problems.isEmpty()) {
            throw new DatasetException(where + " is not a canvas dataset: " + String.join("; ", problems));
        }
    }

    private static int indexOf(StructType t, String name) {
        String[] names = t.fieldNames();
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
