/* tests/fuzz/fuzz.h - EMU: what every fuzz target provides (libFuzzer's entry points).
 *
 * Built with clang -fsanitize=fuzzer these are libFuzzer targets (meson -Dfuzzing=true);
 * built with standalone.c they run given inputs once each, which is how the committed corpora
 * and the regression inputs run in the ordinary suites under any compiler.
 */
#ifndef NFEMU_TESTS_FUZZ_FUZZ_H
#define NFEMU_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* standalone.c's -v: say what each input did (the regression tests compare it). */
extern int fuzz_verbose;

#endif
