package io.digitloc.model;

/**
 * The geometry a stride-1, unpadded convolution's gradient pass works over: its input
 * [batch, channels, height, width], its output channels and its kernel.
 */
record ConvShape(int batch, int channels, int height, int width, int out, int kernelHeight, int kernelWidth) {

    /** From an input's shape ([batch, channels, height, width]), the output channels and the kernel. */
    static ConvShape of(long[] input, int out, int[] kernel) {
        return new ConvShape((int) input[0], (int) input[1], (int) input[2], (int) input[3], out, kernel[0], kernel[1]);
    }

    int outHeight() {
        return height - kernelHeight + 1;
    }

    int outWidth() {
        return width - kernelWidth + 1;
    }
}
