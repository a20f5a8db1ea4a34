/* tests/fuzz/common.h - EMU: helpers the fuzz targets share (see common.c). */
#ifndef NFEMU_TESTS_FUZZ_COMMON_H
#define NFEMU_TESTS_FUZZ_COMMON_H

#include <stddef.h>
#include "tests/fuzz/fuzz.h"

/* Put data in the process's one in-memory file; path gets a name open() accepts. */
int fuzz_memfile(const char *name, const void *data, size_t size, char *path, size_t pathlen);
/* stdout to /dev/null unless -v. */
void fuzz_quiet_stdout(void);

#endif
