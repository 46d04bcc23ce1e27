package io.digitloc.export;

import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A small builder over the ONNX protobuf classes that ND4J ships ({@code onnx.Onnx}, with ND4J's shaded
 * protobuf): float initializers, nodes with int and int-list attributes, float tensor inputs and outputs
 * with a symbolic batch dimension.
 */
final class OnnxGraph {
    private static final int FLOAT = Onnx.TensorProto.DataType.FLOAT.getNumber();
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();

    OnnxGraph(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    /** A constant float tensor; ONNX stores raw data little-endian. */
    OnnxGraph initializer(String name, float[] values, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for dims of " + count);
        }
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return this;
    }

    /** Adds a node; returns it for attributes. Its name is its (first) output's. */
    Node node(String opType, String[] inputs, String output) {
        Onnx.NodeProto.Builder n = graph.addNodeBuilder().setOpType(opType).setName(output).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return new Node(n);
    }

    /** A float input or output of {@code dims}, where a null dimension is the symbolic batch size {@code batch}. */
    OnnxGraph input(String name, String batch, Long... dims) {
        graph.addInput(valueInfo(name, batch, dims));
        return this;
    }

    OnnxGraph output(String name, String batch, Long... dims) {
        graph.addOutput(valueInfo(name, batch, dims));
        return this;
    }

    Onnx.GraphProto build() {
        return graph.build();
    }

    private static Onnx.ValueInfoProto valueInfo(String name, String batch, Long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Long d : dims) {
            Onnx.TensorShapeProto.Dimension.Builder dim = shape.addDimBuilder();
            if (d == null) {
                dim.setDimParam(batch);
            } else {
                dim.setDimValue(d);
            }
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
    }

    /** A node being added, for its attributes. */
    static final class Node {
        private final Onnx.NodeProto.Builder node;

        private Node(Onnx.NodeProto.Builder node) {
            this.node = node;
        }

        Node ints(String name, long... values) {
            Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            node.addAttribute(a);
            return this;
        }

        Node i(String name, long value) {
            node.addAttribute(Onnx.AttributeProto.newBuilder().setName(name)
                    .setType(Onnx.AttributeProto.AttributeType.INT).setI(value));
            return this;
        }
    }
}
