/* tests/fuzz/common.c - EMU: helpers the fuzz targets share (no kernel counterpart).
 *
 * A fresh emulated kernel per input, so one input cannot change what the next one meets, and
 * an in-memory file for the readers that take a path (captures, topology files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tests/fuzz/common.h"

int fuzz_verbose;

int fuzz_memfile(const char *name, const void *data, size_t size, char *path, size_t pathlen)
{
	static int fd = -1;

	(void)name;
	if (fd < 0) {
		fd = memfd_create("nfemu-fuzz-input", 0);
		if (fd < 0)
			abort();
	}
	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return 0;
}

void fuzz_quiet_stdout(void)
{
	/* libFuzzer reports on stderr; what nfemu writes to stdout (replay's summary) would
	 * only slow it down.  -v (standalone) keeps it. */
	if (!fuzz_verbose && !freopen("/dev/null", "w", stdout))
		abort();
}
