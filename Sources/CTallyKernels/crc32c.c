// CRC-32C lives in C because Swift has no portable access to the SSE4.2 crc32
// instruction, and checksums sit on every read of a segment chunk.
#include "CTallyKernels.h"
#include <string.h>

static uint32_t table[256];
static int has_hw = 0;

// Filled once at load time so concurrent first calls never race on the table.
__attribute__((constructor))
static void crc32c_init(void) {
#if defined(__x86_64__)
    has_hw = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#endif
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
}

static uint32_t crc32c_soft(uint32_t crc, const uint8_t *p, size_t len) {
    crc = ~crc;
    while (len--) crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

#if defined(__x86_64__)
#include <nmmintrin.h>
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t len) {
    uint64_t c = ~crc;
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        len -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (len--) c32 = _mm_crc32_u8(c32, *p++);
    return ~c32;
}
#endif

uint32_t tally_crc32c(uint32_t crc, const void *data, size_t len) {
#if defined(__x86_64__)
    if (has_hw) return crc32c_hw(crc, (const uint8_t *)data, len);
#endif
    return crc32c_soft(crc, (const uint8_t *)data, len);
}
