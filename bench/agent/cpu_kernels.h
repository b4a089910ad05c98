/* The cpu task's kernels, written here so that every runner runs the same
 * instructions: software SHA-256 and CRC-32C, CRC-32C with SSE4.2's crc32
 * instruction, and a blocked double matrix multiply. */
#ifndef BENCH_AGENT_CPU_KERNELS_H
#define BENCH_AGENT_CPU_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 of buf[0..len), into out[32]. */
void cpu_sha256(const uint8_t *buf, size_t len, uint8_t out[32]);

/* CRC-32C (Castagnoli) of buf, a byte at a time from a table. */
uint32_t cpu_crc32c_soft(uint32_t crc, const uint8_t *buf, size_t len);

/* The same with the crc32 instruction; only where cpuid says SSE4.2. */
uint32_t cpu_crc32c_hw(uint32_t crc, const uint8_t *buf, size_t len);

/* c += a b for n x n row-major matrices, in blocks that fit the L1 cache. */
void cpu_dgemm(size_t n, const double *a, const double *b, double *c);

#endif
