package io.digitloc.platform;

import io.digitloc.platform.GpuSupport.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Which compute capabilities the CUDA build (machine code sm_37..sm_86, no PTX) accepts. */
class GpuSupportTest {

    @Test
    void ampereAndAdaAreSupported() {
        assertThat(GpuSupport.decide("8.6", "NVIDIA A10").status()).isEqualTo(Status.SUPPORTED);
        assertThat(GpuSupport.decide("8.9", "NVIDIA L4").status()).isEqualTo(Status.SUPPORTED);
        assertThat(GpuSupport.decide("3.7", "Tesla K80").status()).isEqualTo(Status.SUPPORTED);
        assertThat(GpuSupport.decide(" 7.0 ", "Tesla V100").status()).isEqualTo(Status.SUPPORTED);
    }

    @Test
    void hopperAndNewerAreRefusedWithAClearMessage() {
        GpuSupport.Verdict v = GpuSupport.decide("9.0", "NVIDIA H100 80GB HBM3");
        assertThat(v.status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(v.message()).contains("sm_37..sm_86", "no PTX", "NVIDIA H100 80GB HBM3, compute capability 9.0",
                "CPU build", "3.7–8.9");
        assertThat(GpuSupport.decide("10.0", "NVIDIA B200").status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(GpuSupport.decide("12.0", "RTX 5090").status()).isEqualTo(Status.UNSUPPORTED);
    }

    @Test
    void olderThanKeplerK80IsRefused() {
        assertThat(GpuSupport.decide("3.5", "Tesla K40").status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(GpuSupport.decide("3.0", "GRID K520").status()).isEqualTo(Status.UNSUPPORTED);
    }

    @Test
    void garbageIsUnknown() {
        assertThat(GpuSupport.decide("[N/A]", "GPU").status()).isEqualTo(Status.UNKNOWN);
        assertThat(GpuSupport.decide("garbage", null).status()).isEqualTo(Status.UNKNOWN);
        assertThat(GpuSupport.decide(null, null).status()).isEqualTo(Status.UNKNOWN);
    }

    @Test
    void onlyTheGpusThisProcessSeesCount() {
        List<String> lines = List.of("0, GPU-aaaa1111, 8.6, NVIDIA A10", "1, GPU-bbbb2222, 9.0, NVIDIA H100 PCIe");
        assertThat(GpuSupport.decideAll(lines, null).status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(GpuSupport.decideAll(lines, "0").status()).isEqualTo(Status.SUPPORTED);
        assertThat(GpuSupport.decideAll(lines, "GPU-bbbb").message()).contains("NVIDIA H100 PCIe");
        assertThat(GpuSupport.decideAll(lines, "MIG-unknown").status()).isEqualTo(Status.UNSUPPORTED);
        assertThat(GpuSupport.decideAll(List.of(), null).status()).isEqualTo(Status.UNKNOWN);
        assertThat(GpuSupport.decideAll(List.of("Field \"compute_cap\" is not a valid field"), null).status())
                .isEqualTo(Status.UNKNOWN);
    }

    @Test
    void theCpuBuildIsNeverChecked() {
        assumeFalse(GpuSupport.cudaBackend(), "a -Pcuda build");
        assertThatCode(GpuSupport::check).doesNotThrowAnyException();
    }
}
