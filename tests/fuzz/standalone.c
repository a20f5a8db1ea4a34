/* tests/fuzz/standalone.c - EMU: run a fuzz target on given files, once each, without libFuzzer.
 *
 * `fuzz-NAME-run [-v] FILE|DIR...`: every file (a directory's files, sorted) goes to
 * LLVMFuzzerTestOneInput once.  A defect shows as a sanitizer report and a non-zero exit
 * (with the ASan/UBSan builds) or a crash.  This is how the corpora run in `meson test`.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tests/fuzz/fuzz.h"


static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == cap) {
			unsigned char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				fclose(f);
				free(buf);
				return 1;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	if (fuzz_verbose)
		printf("== %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((de = readdir(d))) {
		char **p;

		if (de->d_name[0] == '.')
			continue;
		p = realloc(names, (n + 1) * sizeof(*names));
		if (!p)
			break;
		names = p;
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		ret |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 0, files = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (!strcmp(argv[i], "-v")) {
			fuzz_verbose = 1;
			continue;
		}
		if (stat(argv[i], &sb) < 0) {
			perror(argv[i]);
			ret = 1;
			continue;
		}
		ret |= S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
		files++;
	}
	if (!files) {
		fprintf(stderr, "usage: %s [-v] FILE|DIR...\n", argv[0]);
		return 2;
	}
	return ret;
}
