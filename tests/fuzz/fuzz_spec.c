/* tests/fuzz/fuzz_spec.c - EMU: fuzz the `nfemu test` spec parser (emu/testspec.c).
 *
 * An input is a spec file's text: directives, tests, packet lines (emu/pktline.c) and
 * expectations, parsed as `nfemu test` parses them (no kernel runs).  Errors are fine (they
 * carry file:line:col and a caret); crashes, leaks and undefined behaviour are not.  A spec
 * that parses has each expectation's text parsed again on its own, as --record checks what it
 * writes, and must give the same kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/testspec.h"
#include "tests/fuzz/common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec *s = NULL;
	char err[4096];
	size_t nexp = 0;
	int ret;

	err[0] = '\0';
	ret = spec_parse("fuzz.spec", (const char *)data, size, &s, err, sizeof(err));
	if (ret) {
		if (s || !err[0])
			abort();        /* an error always says where */
		if (fuzz_verbose)
			printf("%d %s\n", ret, err);
		return 0;
	}
	for (size_t t = 0; t < s->ntests; t++)
		for (size_t p = 0; p < s->tests[t].npkts; p++)
			for (size_t e = 0; e < s->tests[t].pkts[p].nexp; e++) {
				const struct spec_exp *x = &s->tests[t].pkts[p].exp[e];
				struct nfemu_pktline_err perr;
				struct spec_exp y;

				if (spec_parse_expect(x->text, &y, &perr) || y.kind != x->kind)
					abort();
				spec_exp_free(&y);
				nexp++;
			}
	if (fuzz_verbose)
		printf("0 %zu tests, %zu expectations\n", s->ntests, nexp);
	spec_free(s);
	return 0;
}
