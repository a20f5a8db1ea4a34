/* tests/fuzz/fuzz_pktline.c - EMU: fuzz the one-line packet grammar (emu/pktline.c), the
 * parser `nfemu test`, `nfemu trace` and `nfemu diff` share.
 *
 * An input is one line (cut at the first newline; a NUL ends it early as a C string would).
 * It is parsed both ways (a packet, and a header with the protocol optional).  A line that
 * parses is built into a datagram, and the line the datagram formats back to must parse again
 * to the same protocol, addresses and ports (the grammar's round trip).  A line that does not
 * parse must say where: a column inside the line (or where a missing token would start: one
 * past the end, or two past it after the separating blank) and a message, and
 * the caret text must format.  A broken property aborts, as a crash would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/pktline.h"
#include "tests/fuzz/common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_error(const char *line, const struct nfemu_pktline_err *err)
{
	size_t n = strlen(line);
	char buf[4096];

	if (err->col < 1 || (size_t)err->col > n + 2 || err->width < 0 || !err->msg[0] ||
	    !memchr(err->msg, '\0', sizeof(err->msg)))
		abort();
	if (nfemu_pktline_format_error(buf, sizeof(buf), "fuzz", 1, line, 0, err) < 0)
		abort();
}

static void round_trip(const struct nfemu_pktline *pl)
{
	uint8_t pkt[65536];
	char text[512];
	struct nfemu_pktline again;
	struct nfemu_pktline_err err;
	int len = nfemu_pktline_build(pl, pkt, sizeof(pkt));

	if (len < 0)
		return;         /* `len N` shorter than the headers: refused, not built */
	if (len < 20 || len > 65535)
		abort();
	if (nfemu_pktline_format(pkt, (size_t)len, text, sizeof(text)) < 0)
		abort();
	if (nfemu_pktline_parse(text, &again, &err))
		abort();        /* what format prints, parse must read */
	if (again.proto != pl->proto || again.saddr != pl->saddr || again.daddr != pl->daddr)
		abort();
	if ((pl->proto == 6 || pl->proto == 17) &&
	    (again.sport != pl->sport || again.dport != pl->dport))
		abort();
	nfemu_pktline_free(&again);
	if (nfemu_pktline_format_line(pl, text, sizeof(text)) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	struct nfemu_pktline pl;
	struct nfemu_pktline_err err;

	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	line[strcspn(line, "\n")] = '\0';

	memset(&err, 0, sizeof(err));
	if (nfemu_pktline_parse(line, &pl, &err) == 0) {
		round_trip(&pl);
		nfemu_pktline_free(&pl);
	} else {
		check_error(line, &err);
	}
	memset(&err, 0, sizeof(err));
	if (nfemu_pktline_parse_opt(line, NFEMU_PKTLINE_HEADER, &pl, &err) == 0)
		nfemu_pktline_free(&pl);
	else
		check_error(line, &err);
	if (fuzz_verbose)
		printf("%s\n", line);
	free(line);
	return 0;
}
