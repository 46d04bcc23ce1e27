package io.digitloc.bench;

import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * The few calls of oneDNN's C API (JavaCPP's {@code dnnl} preset) that {@link DnnlStepFloor} repeats:
 * memory descriptors, buffers it owns, primitive descriptors, execution arguments. Every buffer is
 * allocated and zeroed here once, so no page is first touched while a step is timed.
 */
final class Dnnl {
    /** A memory object, its descriptor and the storage it points at (kept reachable here). */
    record Buf(dnnl_memory_desc_t md, dnnl_memory memory, Pointer data, long bytes) {
        FloatBuffer floats() {
            BytePointer b = new BytePointer(data); // its limit is absolute, past the position
            b.limit(b.position() + bytes);
            return b.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    final dnnl_engine engine = new dnnl_engine();
    /** Storage and descriptors that native objects point into: the JVM must not free them. */
    private final List<Pointer> kept = new ArrayList<>();

    Dnnl() {
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
    }

    static dnnl_memory_desc_t md(long[] dims, int tag) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(md, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return md;
    }

    static dnnl_memory_desc_t strided(long[] dims, long[] strides) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_strides(md, dims.length, dims, dnnl_f32, strides), "memory descriptor");
        return md;
    }

    /** A copy of the descriptor a primitive chose (the query answers a pointer into the descriptor). */
    static dnnl_memory_desc_t query(dnnl_primitive_desc pd, int what, int index) {
        dnnl_memory_desc_t md = new dnnl_memory_desc_t();
        Pointer.memcpy(md, dnnl_primitive_desc_query_md(pd, what, index), md.sizeof());
        return md;
    }

    static boolean same(dnnl_memory_desc_t a, dnnl_memory_desc_t b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

    /** The implementation oneDNN picked, e.g. "jit:avx512_core" or "ref:any" (a slow reference one). */
    static String implementation(dnnl_primitive_desc pd) {
        PointerPointer<BytePointer> name = new PointerPointer<>(1);
        check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "implementation query");
        return new BytePointer(name.get(0)).getString();
    }

    /** A zeroed, 64-byte aligned buffer of the descriptor's size, owned here. */
    Buf buf(dnnl_memory_desc_t md) {
        long bytes = Math.max(4, dnnl_memory_desc_get_size(md));
        BytePointer raw = new BytePointer(bytes + 64);
        kept.add(raw);
        long pad = (64 - (raw.address() & 63)) & 63;
        Pointer data = new BytePointer(raw).position(pad).capacity(bytes);
        Pointer.memset(data, 0, bytes);
        return new Buf(md, memory(md, data), data, bytes);
    }

    /** A memory object over {@code bytes} of {@code base} from {@code offset} (a view into a larger buffer). */
    Buf view(dnnl_memory_desc_t md, Pointer base, long offset, long bytes) {
        Pointer data = new BytePointer(base).position(base.position() + offset).capacity(bytes);
        return new Buf(md, memory(md, data), data, bytes);
    }

    private dnnl_memory memory(dnnl_memory_desc_t md, Pointer data) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, md, engine, data), "memory");
        kept.add(md);
        return m;
    }

    dnnl_primitive_desc pd(Pointer opDesc, dnnl_primitive_attr attr, dnnl_primitive_desc hint) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine, hint), "primitive descriptor");
        kept.add(opDesc);
        return pd;
    }

    dnnl_primitive_desc reorderPd(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_reorder_primitive_desc_create(pd, from, engine, to, engine, null), "reorder descriptor");
        return pd;
    }

    static dnnl_primitive primitive(dnnl_primitive_desc pd) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "primitive");
        return p;
    }

    /** Attributes with ReLU fused after the primitive (a post-op: no pass of its own). */
    static dnnl_primitive_attr relu() {
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl_post_ops_create(ops), "post-ops");
        check(dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_relu, 0f, 0f), "ReLU post-op");
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check(dnnl_primitive_attr_create(attr), "attributes");
        check(dnnl_primitive_attr_set_post_ops(attr, ops), "attributes' post-ops");
        return attr;
    }

    /** Argument kinds (DNNL_ARG_*) and memory objects, alternating. */
    static dnnl_exec_arg_t args(Object... pairs) {
        dnnl_exec_arg_t a = new dnnl_exec_arg_t(pairs.length / 2);
        for (int i = 0; i < pairs.length / 2; i++) {
            a.position(i).arg((Integer) pairs[2 * i]).memory(((Buf) pairs[2 * i + 1]).memory());
        }
        return a.position(0);
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }
}
