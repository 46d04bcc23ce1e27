package io.digitloc.rounds;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlatStateTest {
    private static float[] ramp(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) Math.sin(i);
        }
        return a;
    }

    @Test
    void equalBitsGiveEqualFingerprints() {
        assertThat(new FlatState(ramp(1000), ramp(2000)).fingerprint())
                .isEqualTo(new FlatState(ramp(1000), ramp(2000)).fingerprint())
                .isNotZero();
        assertThat(new FlatState(new float[0], null).fingerprint()).isNotZero();
    }

    @Test
    void anyChangeChangesTheFingerprint() {
        float[] p = ramp(1000);
        float[] u = ramp(2000);
        long base = new FlatState(p, u).fingerprint();
        float[] oneBit = p.clone();
        oneBit[517] = Float.intBitsToFloat(Float.floatToRawIntBits(oneBit[517]) ^ 1);
        assertThat(new FlatState(oneBit, u).fingerprint()).isNotEqualTo(base);
        float[] lastOfUpdater = u.clone();
        lastOfUpdater[1999] += 1;
        assertThat(new FlatState(p, lastOfUpdater).fingerprint()).isNotEqualTo(base);
        // no updater state, or the same floats cut elsewhere between the arrays
        assertThat(new FlatState(p, null).fingerprint()).isNotEqualTo(base);
        float[] both = new float[3000];
        System.arraycopy(p, 0, both, 0, 1000);
        System.arraycopy(u, 0, both, 1000, 2000);
        assertThat(new FlatState(java.util.Arrays.copyOf(both, 1001), java.util.Arrays.copyOfRange(both, 1001, 3000))
                .fingerprint()).isNotEqualTo(base);
        // -0.0 and 0.0 are different bits, so a different state to the network's copy
        assertThat(new FlatState(new float[] {0f}, null).fingerprint())
                .isNotEqualTo(new FlatState(new float[] {-0f}, null).fingerprint());
    }
}
